import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { loadConfig } from '@app/config';
import { RangeScenarios } from '@app/scenario';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { freePort, startRedisServer, stopChild } from '../support/built-processes.js';
import { removeLabelledObjects } from '../support/docker-cleanup.js';
import { ROOT } from '../support/processes.js';
import { authed, operatorToken } from '../support/access.js';
import { createApiApp, createWorkerContext } from '../support/test-app.js';
import { waitFor } from '../support/waiting.js';
import { closedSessionWithTeams } from '../support/scheduling-api.js';

const TINY_TEMPLATES = path.join(ROOT, 'test/fixtures/tiny-templates');
// The tiny template's one attack step is at 60 s of scenario time: 6 s of wall time at 10x.
const SPEED = 10;

/**
 * A throw-away redis-server on its own port is killed (-9) and started again while jobs are queued
 * and an attack step is delayed. With AOF (what scripts/services.sh configures) they survive and
 * run once; without persistence the scenario reconciler requeues the lost step from PostgreSQL.
 */
describe('faults: Redis restarts', () => {
  const saved = Object.fromEntries(['REDIS_URL', 'RANGE_TEMPLATES_DIR', 'SCENARIO_RECONCILE_INTERVAL_MS'].map((k) => [k, process.env[k]]));
  let api: INestApplication | undefined;
  let worker: INestApplicationContext | undefined;
  let redis: ChildProcess | undefined;
  const dirs: string[] = [];

  let token: string | undefined;
  const http = () => authed(api!, token!);
  const db = () => api!.get(DataSource);

  async function closeApps(): Promise<void> {
    await worker?.close();
    await api?.close();
    worker = api = undefined;
  }

  afterEach(async () => {
    await closeApps();
    if (redis) await stopChild(redis);
    Object.assign(process.env, saved);
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  });

  afterAll(async () => {
    await removeLabelledObjects(loadConfig());
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A range of a new scheduled session (ranges need a real session and team), and that session. */
  async function provisioned(): Promise<{ sessionId: string; rangeId: string }> {
    const { sessionId, teamIds } = await closedSessionWithTeams(http, 1);
    const created = await http().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId: 'tiny', teamIds }).expect(202);
    return { sessionId, rangeId: created.body.ranges[0].id as string };
  }

  const waitReady = (rangeId: string) =>
    waitFor(`range ${rangeId} ready`, async () => {
      const { status, failureReason } = (await http().get(`/api/v1/ranges/${rangeId}`)).body as { status: string; failureReason: string };
      if (status === 'failed') throw new Error(`provisioning failed: ${failureReason}`);
      return status === 'ready';
    }, 120000, 300);

  const runsOf = async (rangeId: string): Promise<number> =>
    (await db().query(`SELECT count(*)::int AS n FROM attack_runs WHERE range_id = $1 AND step_id = 'mark'`, [rangeId]))[0].n;

  const marksIn = async (rangeId: string): Promise<string> => {
    const out = await worker!.get(RangeScenarios).exec(rangeId, 'box', ['sh', '-c', 'cat /run/marked 2>/dev/null || true'], 10);
    return out.stdout.trim();
  };

  it('with AOF: a queued provisioning and a delayed attack step each run once after a kill -9 and restart', async () => {
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'cyder-redis-aof-'));
    dirs.push(dir);
    redis = await startRedisServer(port, dir);
    // The reconciler is off: whatever runs after the restart came back from the append-only file.
    Object.assign(process.env, { REDIS_URL: `redis://127.0.0.1:${port}`, RANGE_TEMPLATES_DIR: TINY_TEMPLATES, SCENARIO_RECONCILE_INTERVAL_MS: '0' });
    api = await createApiApp();
    token ??= await operatorToken(api);
    const { sessionId, rangeId } = await provisioned(); // queued: no worker runs yet

    await stopChild(redis);
    redis = await startRedisServer(port, dir);
    worker = await createWorkerContext();
    await waitReady(rangeId);
    const starts: Array<{ n: number }> = await db().query(
      `SELECT count(*)::int AS n FROM range_events WHERE range_id = $1 AND kind = 'nodes.starting'`,
      [rangeId],
    );
    expect(starts[0]!.n).toBe(1);

    await http().post(`/api/v1/sessions/${sessionId}/scenario`).send({ action: 'start', speed: SPEED }).expect(200);
    await stopChild(redis);
    redis = await startRedisServer(port, dir);
    await waitFor('the attack step after the restart', async () => (await runsOf(rangeId)) > 0, 60000, 300);
    // Past its time by a margin: still one run, and the step's command ran once in the node.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await runsOf(rangeId)).toBe(1);
    expect(await marksIn(rangeId)).toBe('marked');
  }, 240000);

  it('without persistence: the scenario reconciler requeues the lost delayed step from PostgreSQL, and it runs once', async () => {
    const port = await freePort();
    redis = await startRedisServer(port);
    Object.assign(process.env, { REDIS_URL: `redis://127.0.0.1:${port}`, RANGE_TEMPLATES_DIR: TINY_TEMPLATES, SCENARIO_RECONCILE_INTERVAL_MS: '1000' });
    api = await createApiApp();
    token ??= await operatorToken(api);
    worker = await createWorkerContext();
    const { sessionId, rangeId } = await provisioned();
    await waitReady(rangeId);

    await http().post(`/api/v1/sessions/${sessionId}/scenario`).send({ action: 'start', speed: SPEED }).expect(200);
    await stopChild(redis);
    redis = await startRedisServer(port); // empty: the delayed step and every job scheduler are gone
    await waitFor('the lost attack step to run', async () => (await runsOf(rangeId)) > 0, 60000, 300);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await runsOf(rangeId)).toBe(1);
    expect(await marksIn(rangeId)).toBe('marked');
  }, 240000);
});
