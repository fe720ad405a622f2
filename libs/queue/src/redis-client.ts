import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AppConfig, DependencyUnavailableError } from '@app/config';
import { Redis } from 'ioredis';
import { redisOptionsFromUrl } from './redis-options.js';

/**
 * A small Redis client for health checks and short commands (rate limits,
 * locks). It never queues commands while disconnected, so callers fail fast
 * instead of hanging when Redis is down, and it reconnects on its own.
 */
@Injectable()
export class RedisClient implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisClient.name);
  readonly redis: Redis;
  private lastError = '';

  constructor(private readonly config: AppConfig) {
    this.redis = new Redis({
      ...redisOptionsFromUrl(config.REDIS_URL),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
      connectTimeout: 2000,
    });
    this.redis.on('error', (err: Error) => {
      if (err.message !== this.lastError) this.logger.warn(`redis: ${err.message}`);
      this.lastError = err.message;
    });
    this.redis.on('ready', () => {
      if (this.lastError) this.logger.log('redis: connection restored');
      this.lastError = '';
    });
  }

  async onModuleInit(): Promise<void> {
    await this.connectOrFail();
  }

  /** Connects once at boot; a Redis that does not answer stops the boot with the setting named. */
  async connectOrFail(): Promise<void> {
    try {
      await this.redis.connect();
      await this.redis.ping();
    } catch (err) {
      this.redis.disconnect();
      throw new DependencyUnavailableError('Redis', 'REDIS_URL', this.config.REDIS_URL, err);
    }
  }

  /** Prefixed key, so several instances (dev, tests) can share one Redis. */
  key(...parts: string[]): string {
    return [this.config.REDIS_PREFIX, ...parts].join(':');
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
