import type { DataSource } from 'typeorm';

/**
 * Runs `work` while holding a PostgreSQL session advisory lock for one range,
 * so provision, reset and teardown of a range never run at the same time in
 * any worker. The lock lives as long as the connection: a killed worker
 * releases it at once.
 */
export async function withRangeLock<T>(dataSource: DataSource, rangeId: string, work: () => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [`range:${rangeId}`]);
    try {
      return await work();
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [`range:${rangeId}`]).catch(() => undefined);
    }
  } finally {
    await runner.release();
  }
}
