// Removes everything this e2e run created: Docker objects by label, Redis keys by prefix, its database.
import pg from 'pg';
import { loadConfig } from '../../dist/libs/config/src/index.js';
import { removeInstanceObjects } from '../../dist/libs/docker/src/index.js';
import { deleteKeysWithPrefix } from '../../dist/libs/queue/src/index.js';

export default async function globalTeardown() {
  const config = loadConfig();

  await removeInstanceObjects(config);
  await deleteKeysWithPrefix(config.REDIS_URL, config.REDIS_PREFIX);

  if (process.env.E2E_KEEP_DATABASE) return;
  const admin = new pg.Client({ connectionString: process.env.E2E_ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${process.env.E2E_DATABASE_NAME} WITH (FORCE)`);
  await admin.end();
}
