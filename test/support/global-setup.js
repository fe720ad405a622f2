// Creates this e2e run's own database and migrates it, then points every test at it through the
// environment (tests run in band, in this process). Runs as plain ESM, so it uses the build in
// dist/ (scripts/test.sh builds first).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../dist/libs/config/src/index.js';
import { openDataSource, runMigrations } from '../../dist/libs/database/src/index.js';

export default async function globalSetup() {
  const runId = process.env.E2E_RUN_ID || randomBytes(3).toString('hex');
  const adminDatabaseUrl = process.env.DATABASE_URL || 'postgres://cyder:cyder@127.0.0.1:5432/cyder';
  const databaseName = `cyder_e2e_${runId}`;
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${databaseName}`;

  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${databaseName}`);
  await admin.query(`CREATE DATABASE ${databaseName}`);
  await admin.end();

  Object.assign(process.env, {
    NODE_ENV: 'test',
    E2E_ADMIN_DATABASE_URL: adminDatabaseUrl,
    E2E_DATABASE_NAME: databaseName,
    DATABASE_URL: url.toString(),
    REDIS_PREFIX: `cyder-e2e-${runId}`,
    INSTANCE_NAME: `e2e-${runId}`,
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    // Suites drive hundreds of requests a minute with one operator token; test/access.e2e-spec.ts
    // sets its own low limits to show them.
    RATE_LIMIT_PER_MINUTE: process.env.RATE_LIMIT_PER_MINUTE || '1000000',
    RATE_LIMIT_TEAM_PER_MINUTE: process.env.RATE_LIMIT_TEAM_PER_MINUTE || '1000000',
  });

  const dataSource = await openDataSource(loadConfig().DATABASE_URL);
  await runMigrations(dataSource);
  await dataSource.destroy();
}
