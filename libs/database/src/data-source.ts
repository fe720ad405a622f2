import { DataSource, type DataSourceOptions } from 'typeorm';
import { DependencyUnavailableError } from '@app/config';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error', 'migration'],
    extra: { max: 20, connectionTimeoutMillis: 5000 },
  };
}

/** Opens the pool; a database that does not answer stops the boot with DATABASE_URL named. */
export async function openDataSource(databaseUrl: string): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(databaseUrl));
  try {
    await dataSource.initialize();
    return dataSource;
  } catch (err) {
    throw new DependencyUnavailableError('PostgreSQL', 'DATABASE_URL', redactUrl(databaseUrl), err);
  }
}

// Fixed key: every process that migrates takes the same lock, so api, worker and CLI never race.
const MIGRATION_LOCK_KEY = 7_041_2021;

/** Runs pending migrations under a PostgreSQL advisory lock; returns the names applied. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/** Hides the password when a URL is printed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable URL>';
  }
}
