import type { AppConfig } from '@app/config';
import type { DefaultJobOptions, RedisOptions } from 'bullmq';
import { redisOptionsFromUrl } from './redis-options.js';

/** Where every queue, flow and queue-events reader of this instance lives in Redis: derived here only. */
export function bullConnection(config: Pick<AppConfig, 'REDIS_URL' | 'REDIS_PREFIX'>): { connection: RedisOptions; prefix: string } {
  return { connection: redisOptionsFromUrl(config.REDIS_URL), prefix: `${config.REDIS_PREFIX}:bull` };
}

/** The retention every queue keeps (shared queues and each range host's own). */
export function queueDefaults(config: Pick<AppConfig, 'QUEUE_KEEP_COMPLETED' | 'QUEUE_KEEP_COMPLETED_SECONDS' | 'QUEUE_KEEP_FAILED'>): DefaultJobOptions {
  return {
    removeOnComplete: { count: config.QUEUE_KEEP_COMPLETED, age: config.QUEUE_KEEP_COMPLETED_SECONDS },
    removeOnFail: { count: config.QUEUE_KEEP_FAILED },
  };
}
