// Removes everything this e2e run created: Docker objects by label, Redis keys by prefix, its database.
import pg from 'pg';
import { Redis } from 'ioredis';
import { loadConfig } from '../../dist/libs/config/src/index.js';
import { APP_LABEL_VALUE, DockerEngine, labelKeys } from '../../dist/libs/docker/src/index.js';
import { redisOptionsFromUrl } from '../../dist/libs/queue/src/index.js';

export default async function globalTeardown() {
  const config = loadConfig();

  const engine = new DockerEngine(config);
  const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
  const selector = { [keys.app]: APP_LABEL_VALUE, [keys.instance]: config.INSTANCE_NAME };
  const containers = await engine.listContainers(selector);
  await Promise.all(containers.map((c) => engine.removeContainer(c.id)));
  for (const network of await engine.listNetworks(selector)) {
    await engine.removeNetwork(network.id).catch((err) => console.error(`e2e teardown: ${network.name}: ${err.message}`));
  }
  engine.onApplicationShutdown();

  const redis = new Redis({ ...redisOptionsFromUrl(config.REDIS_URL), lazyConnect: true });
  await redis.connect();
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${config.REDIS_PREFIX}:*`, 'COUNT', 500);
    cursor = next;
    if (found.length) await redis.del(...found);
  } while (cursor !== '0');
  redis.disconnect();

  if (process.env.E2E_KEEP_DATABASE) return;
  const admin = new pg.Client({ connectionString: process.env.E2E_ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${process.env.E2E_DATABASE_NAME} WITH (FORCE)`);
  await admin.end();
}
