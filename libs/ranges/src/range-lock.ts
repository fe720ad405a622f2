import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import pg from 'pg';

/**
 * A PostgreSQL session advisory lock per range, so provision, reset and
 * teardown of one range never run at the same time in any worker. Each lock
 * has its own connection, outside the TypeORM pool (a job holding a lock must
 * never starve the pool its own queries need), and lives as long as that
 * connection: a killed worker releases its locks at once.
 */
@Injectable()
export class RangeLocks {
  constructor(private readonly config: AppConfig) {}

  async withLock<T>(rangeId: string, work: () => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.config.DATABASE_URL, application_name: 'cyder-range-lock' });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`range:${rangeId}`]);
      return await work();
    } finally {
      // Closing the connection releases the lock.
      await client.end().catch(() => undefined);
    }
  }
}
