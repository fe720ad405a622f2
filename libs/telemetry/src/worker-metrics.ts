import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { RedisClient } from '@app/queue';
import { hostname } from 'node:os';
import { Metrics } from './metrics.js';

/** The Redis hash of the workers' metric snapshots (under REDIS_PREFIX): one field per worker process. */
export const workerSnapshotsKey = (prefix: string) => `${prefix}:metrics:workers`;

/** One worker's snapshot: prom-client JSON, and when it stops counting (three push intervals on). */
export interface WorkerSnapshot {
  expiresAt: number;
  metrics: unknown[];
}

/**
 * A worker writes its metrics (as prom-client JSON) to Redis every METRICS_PUSH_INTERVAL_MS, with
 * an expiry of three intervals; the API's /metrics merges the live snapshots with its own. So a
 * worker, which holds the engine socket, listens on no port at all, and operators scrape one target.
 */
@Injectable()
export class WorkerMetricsPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsPublisher.name);
  private readonly key: string;
  private readonly field = `${hostname()}:${process.pid}`;
  private timer?: NodeJS.Timeout;
  private lastError = '';

  constructor(
    private readonly metrics: Metrics,
    private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {
    this.key = workerSnapshotsKey(config.REDIS_PREFIX);
  }

  onApplicationBootstrap(): void {
    void this.publish();
    this.timer = setInterval(() => void this.publish(), this.config.METRICS_PUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async publish(): Promise<void> {
    try {
      const snapshot: WorkerSnapshot = {
        expiresAt: Date.now() + this.config.METRICS_PUSH_INTERVAL_MS * 3,
        metrics: await this.metrics.registry.getMetricsAsJSON(),
      };
      await this.redis.redis.hset(this.key, this.field, JSON.stringify(snapshot));
      this.lastError = '';
    } catch (err) {
      // Redis down: the next push tries again; say so once, not every interval.
      const message = (err as Error).message;
      if (message !== this.lastError) this.logger.warn(`metrics snapshot not written: ${message}`);
      this.lastError = message;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    // A worker that stops cleanly leaves the figures at once (a killed one when its snapshot expires).
    await this.redis.redis.hdel(this.key, this.field).catch(() => undefined);
  }
}
