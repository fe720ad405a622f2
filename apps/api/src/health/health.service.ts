import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { type ContainerRuntime, InjectRuntime } from '@app/docker';
import { RedisClient } from '@app/queue';
import { DataSource } from 'typeorm';
import { jstWallTime } from '@app/time';
import type { DependencyHealthDto, HealthDto } from './health.dto.js';

/** Probes PostgreSQL, Redis and the Docker engine in parallel, each with a timeout. */
@Injectable()
export class HealthService {
  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly redis: RedisClient,
    @InjectRuntime() private readonly runtime: ContainerRuntime,
  ) {}

  private async probe(setting: string, check: () => Promise<unknown>): Promise<DependencyHealthDto> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.config.HEALTH_TIMEOUT_MS} ms`)), this.config.HEALTH_TIMEOUT_MS);
        }),
      ]);
      return { status: 'up', latencyMs: round(performance.now() - started) };
    } catch (err) {
      return { status: 'down', latencyMs: round(performance.now() - started), error: (err as Error).message, setting };
    } finally {
      clearTimeout(timer);
    }
  }

  async check(): Promise<HealthDto> {
    const [database, redis, docker] = await Promise.all([
      this.probe('DATABASE_URL', () => this.dataSource.query('SELECT 1')),
      this.probe('REDIS_URL', () => this.redis.redis.ping()),
      this.probe('DOCKER_SOCKET', () => this.runtime.ping()),
    ]);
    const allUp = [database, redis, docker].every((d) => d.status === 'up');
    const checkedAt = new Date();
    return { status: allUp ? 'ok' : 'degraded', checkedAt: checkedAt.toISOString(), checkedAtJst: jstWallTime(checkedAt), dependencies: { database, redis, docker } };
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
