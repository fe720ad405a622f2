import type { INestApplication } from '@nestjs/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import request from 'supertest';
import { createApiApp } from './support/test-app.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A throw-away real redis-server on its own loopback port, so stopping it disturbs nobody. */
function startRedis(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.once('error', reject);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('Ready to accept connections')) resolve(child);
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}

async function waitFor(fn: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe('GET /api/v1/health (real PostgreSQL, Redis, Docker engine)', () => {
  let app: INestApplication;
  let redis: ChildProcess;
  let redisPort: number;
  const savedRedisUrl = process.env.REDIS_URL;

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    process.env.REDIS_URL = `redis://127.0.0.1:${redisPort}`;
    app = await createApiApp();
  });

  afterAll(async () => {
    await app?.close();
    await stop(redis);
    process.env.REDIS_URL = savedRedisUrl;
  });

  it('reports database, Redis and Docker engine up, each with a latency', async () => {
    const res = await request(app.getHttpServer()).get('/api/v1/health').expect(200);
    expect(res.body.status).toBe('ok');
    for (const name of ['database', 'redis', 'docker']) {
      expect(res.body.dependencies[name].status).toBe('up');
      expect(typeof res.body.dependencies[name].latencyMs).toBe('number');
    }
  });

  it('answers 503 naming Redis while it is down, and 200 again once it is back, without a restart', async () => {
    await stop(redis);
    const down = await request(app.getHttpServer()).get('/api/v1/health').expect(503);
    expect(down.body.status).toBe('degraded');
    expect(down.body.dependencies.redis).toMatchObject({ status: 'down', setting: 'REDIS_URL' });
    expect(down.body.dependencies.database.status).toBe('up');
    expect(down.body.dependencies.docker.status).toBe('up');

    redis = await startRedis(redisPort);
    const recovered = await waitFor(async () => {
      const res = await request(app.getHttpServer()).get('/api/v1/health');
      return res.status === 200;
    }, 10000);
    expect(recovered).toBe(true);
  });

  it('serves the OpenAPI document with the health route', async () => {
    const res = await request(app.getHttpServer()).get('/api/docs-json').expect(200);
    expect(res.body.paths['/api/v1/health']).toBeDefined();
  });
});
