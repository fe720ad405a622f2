import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import pg from 'pg';

/**
 * PostgreSQL session advisory locks of the exercise day: one per session (its
 * day moves one step at a time in any process) and one for the host's capacity
 * (a capacity check and the ranges it admits go together). Each lock has its
 * own connection outside the TypeORM pool and dies with it, so a killed worker
 * releases its locks at once.
 */
@Injectable()
export class SessionLocks {
  constructor(private readonly config: AppConfig) {}

  withSession<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
    return this.with(`session-day:${sessionId}`, work);
  }

  withCapacity<T>(work: () => Promise<T>): Promise<T> {
    return this.with('session-day:capacity', work);
  }

  private async with<T>(key: string, work: () => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.config.DATABASE_URL, application_name: 'cyder-session-lock' });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      return await work();
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
