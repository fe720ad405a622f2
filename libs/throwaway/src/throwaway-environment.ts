import { loadConfig } from '@app/config';
import { openDataSource, runMigrations, SEEDERS } from '@app/database';
import { removeInstanceObjects } from '@app/docker';
import { deleteKeysWithPrefix } from '@app/queue';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The settings that point a process (api, worker, a test, a bench) at a throw-away environment. */
export interface ThrowawaySettings {
  DATABASE_URL: string;
  REDIS_PREFIX: string;
  INSTANCE_NAME: string;
}

/**
 * One run's own database, Redis prefix and Docker label instance, so runs that share PostgreSQL,
 * Redis and the engine never see each other's data. Plain data: it can be handed to another
 * process (JSON) that removes it.
 */
export interface ThrowawayEnvironment {
  /** e.g. "e2e-3fa2b1": the Docker label instance. */
  name: string;
  databaseName: string;
  /** The database the throw-away one is created from and dropped through. */
  adminDatabaseUrl: string;
  settings: ThrowawaySettings;
}

const PURPOSE = /^[a-z][a-z0-9]{0,15}$/;
const RUN_ID = /^[a-z0-9]{1,16}$/;

/**
 * The names of a purpose's run ("e2e", "bench", "demo") with an id (random unless given). Both
 * go into an SQL identifier, so both are checked against a strict pattern.
 */
export function throwawayNames(purpose: string, adminDatabaseUrl: string, runId = randomBytes(3).toString('hex')): ThrowawayEnvironment {
  if (!PURPOSE.test(purpose)) throw new Error(`throw-away purpose "${purpose}" must match ${PURPOSE}`);
  if (!RUN_ID.test(runId)) throw new Error(`throw-away run id "${runId}" must match ${RUN_ID}`);
  const databaseName = `cyder_${purpose}_${runId}`;
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${databaseName}`;
  return {
    name: `${purpose}-${runId}`,
    databaseName,
    adminDatabaseUrl,
    settings: { DATABASE_URL: url.toString(), REDIS_PREFIX: `cyder-${purpose}-${runId}`, INSTANCE_NAME: `${purpose}-${runId}` },
  };
}

async function asAdmin(adminDatabaseUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

export interface CreateThrowawayOptions {
  /** A fixed run id (E2E_RUN_ID); random otherwise. */
  runId?: string;
  /** Run the seeders (demo venues and instructors) after the migrations. */
  seed?: boolean;
  /** The database to create from; DATABASE_URL (or its default) otherwise. */
  adminDatabaseUrl?: string;
}

/** Creates the run's database and migrates it (and seeds it when asked). Nothing is created in Redis or Docker yet. */
export async function createThrowawayEnvironment(purpose: string, options: CreateThrowawayOptions = {}): Promise<ThrowawayEnvironment> {
  const environment = throwawayNames(purpose, options.adminDatabaseUrl ?? loadConfig().DATABASE_URL, options.runId);
  await asAdmin(environment.adminDatabaseUrl, `DROP DATABASE IF EXISTS ${environment.databaseName} WITH (FORCE)`);
  await asAdmin(environment.adminDatabaseUrl, `CREATE DATABASE ${environment.databaseName}`);
  const dataSource = await openDataSource(environment.settings.DATABASE_URL);
  try {
    await runMigrations(dataSource);
    if (options.seed) for (const seeder of SEEDERS) await dataSource.transaction((manager) => seeder.run(manager));
  } finally {
    await dataSource.destroy();
  }
  return environment;
}

/**
 * Removes everything the run made: its containers and networks (by label), its Redis keys (by
 * prefix) and, unless kept, its database. Each part is tried even when another fails.
 */
export async function removeThrowawayEnvironment(environment: ThrowawayEnvironment, options: { keepDatabase?: boolean } = {}): Promise<void> {
  const config = loadConfig({ ...process.env, ...environment.settings });
  const failures: string[] = [];
  const attempt = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (err) {
      failures.push(`${what}: ${(err as Error).message}`);
    }
  };
  await attempt('Docker objects', () => removeInstanceObjects(config));
  await attempt('Redis keys', () => deleteKeysWithPrefix(config.REDIS_URL, config.REDIS_PREFIX));
  if (!options.keepDatabase) {
    await attempt('database', () => asAdmin(environment.adminDatabaseUrl, `DROP DATABASE IF EXISTS ${environment.databaseName} WITH (FORCE)`));
  }
  if (failures.length) throw new Error(`throw-away environment ${environment.name} not fully removed: ${failures.join('; ')}`);
}
