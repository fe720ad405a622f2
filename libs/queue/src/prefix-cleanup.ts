import { Redis } from 'ioredis';
import { redisOptionsFromUrl } from './redis-options.js';

/** Deletes every Redis key under `${prefix}:` (an instance's queues, locks and rate limits). */
export async function deleteKeysWithPrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis({ ...redisOptionsFromUrl(redisUrl), lazyConnect: true });
  await redis.connect();
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) removed += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}
