import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@app/config';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { CuttableProxy } from '../support/cuttable-proxy.js';
import { removeLabelledObjects } from '../support/docker-cleanup.js';
import { ROOT } from '../support/processes.js';
import { authed, operatorToken } from '../support/access.js';
import { createApiApp } from '../support/test-app.js';
import { waitFor } from '../support/waiting.js';
import { closedSessionWithTeams } from '../support/scheduling-api.js';

/**
 * The API reaches this run's PostgreSQL through a relay on loopback that the test cuts (every
 * connection dropped, new ones refused) and restores; nothing is restarted.
 */
describe('faults: PostgreSQL unreachable', () => {
  const saved = Object.fromEntries(['DATABASE_URL', 'RANGE_TEMPLATES_DIR'].map((k) => [k, process.env[k]]));
  let proxy: CuttableProxy;
  let api: INestApplication;
  let token: string | undefined;
  const http = () => authed(api, token!);

  beforeAll(async () => {
    const url = new URL(process.env.DATABASE_URL!);
    proxy = await new CuttableProxy(url.hostname, Number(url.port || 5432)).start();
    url.port = String(proxy.port);
    Object.assign(process.env, { DATABASE_URL: url.toString(), RANGE_TEMPLATES_DIR: path.join(ROOT, 'test/fixtures/tiny-templates') });
    api = await createApiApp();
    token ??= await operatorToken(api);
  });

  afterAll(async () => {
    if (!proxy.listening) await proxy.restore();
    await api?.close();
    await proxy.cut();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await removeLabelledObjects(loadConfig());
  });

  it('answers 503 with a clear message while it is down, and answers again once it is back, without a restart', async () => {
    await http().get(`/api/v1/ranges/${randomUUID()}`).expect(404);
    // Provisioned far ahead, so nothing touches the engine here.
    const provisionAt = new Date(Date.now() + 3600_000).toISOString();
    const { sessionId, teamIds } = await closedSessionWithTeams(http, 1);
    const created = await http().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId: 'tiny', teamIds, provisionAt }).expect(202);
    const rangeId = created.body.ranges[0].id as string;

    await proxy.cut();
    const down = await http().get(`/api/v1/ranges/${rangeId}`).expect(503);
    expect(down.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', message: 'the database is unavailable right now; try again in a few seconds' });
    expect(down.headers['retry-after']).toBe('5');
    expect(JSON.stringify(down.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    const health = await http().get('/api/v1/health').expect(503);
    expect(health.body.dependencies.database.status).toBe('down');

    await proxy.restore();
    const back = await waitFor('the API answering again', async () => {
      const res = await http().get(`/api/v1/ranges/${rangeId}`);
      return res.status === 200 ? res.body : undefined;
    }, 30000, 300);
    expect(back.id).toBe(rangeId);
    await http().get('/api/v1/health').expect(200);
  }, 180000);
});
