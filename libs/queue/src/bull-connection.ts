import type { AppConfig } from '@app/config';
import type { RedisOptions } from 'bullmq';
import { redisOptionsFromUrl } from './redis-options.js';

/** Where every queue, flow and queue-events reader of this instance lives in Redis: derived here only. */
export function bullConnection(config: Pick<AppConfig, 'REDIS_URL' | 'REDIS_PREFIX'>): { connection: RedisOptions; prefix: string } {
  return { connection: redisOptionsFromUrl(config.REDIS_URL), prefix: `${config.REDIS_PREFIX}:bull` };
}
