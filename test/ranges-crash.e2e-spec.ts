import type { AppConfig } from '@app/config';
import { APP_LABEL_VALUE, type DockerEngine, labelKeys } from '@app/docker';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { ApiOnly } from './support/api-only.js';
import { ROOT } from './support/processes.js';
import { FIXTURE_TEMPLATES_DIR } from './support/range-app.js';
import { closedSessionWithTeams } from './support/scheduling-api.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RunningWorker {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The production worker (dist/apps/worker/src/main.js) in its own process, ready when it says so. */
async function startWorker(): Promise<RunningWorker> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/worker/src/main.js')], {
    cwd: ROOT,
    // LOG_LEVEL log: the worker says "worker ready" once its processors run.
    env: { ...process.env, NODE_OPTIONS: '', RANGE_TEMPLATES_DIR: FIXTURE_TEMPLATES_DIR, LOG_LEVEL: 'log' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 30000;
  while (!output.includes('worker ready')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start:\n${output}`);
    await sleep(100);
  }
  return { child, output: () => output, exited };
}

describe('ranges: a worker killed in the middle of provisioning', () => {
  let app: ApiOnly | undefined;
  let config: AppConfig;
  let engine: DockerEngine;
  const workers: RunningWorker[] = [];

  beforeAll(async () => {
    // The API only: no in-process worker, so the child processes do all the jobs.
    app = await ApiOnly.start({ RANGE_TEMPLATES_DIR: FIXTURE_TEMPLATES_DIR });
    ({ config, engine } = app);
  });

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await app?.close();
  });

  it('after a restart there is one complete range, and no leftovers or duplicates', async () => {
    const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
    const ours = { [keys.app]: APP_LABEL_VALUE, [keys.instance]: config.INSTANCE_NAME };
    const http = () => app!.http();
    const first = await startWorker();
    workers.push(first);

    const { sessionId, teamIds } = await closedSessionWithTeams(http, 1);
    const created = await http().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId: 'fixture-slow', teamIds }).expect(202);
    const rangeId = created.body.ranges[0].id as string;
    const selector = { ...ours, [keys.range]: rangeId };

    // Mid-way: the web node runs (it takes seconds to get ready), the attacker that depends on it is not started.
    const deadline = Date.now() + 30000;
    while (!(await engine.listContainers(selector)).some((c) => c.state === 'running')) {
      if (Date.now() > deadline) throw new Error(`provisioning never started:\n${first.output()}`);
      await sleep(50);
    }
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const atKill = await engine.listContainers(selector);
    expect(atKill.filter((c) => c.state === 'running').map((c) => c.labels[keys.node])).not.toContain('attacker');
    expect((await http().get(`/api/v1/ranges/${rangeId}`).expect(200)).body.status).toBe('provisioning');

    const second = await startWorker();
    workers.push(second);
    let range = (await http().get(`/api/v1/ranges/${rangeId}`).expect(200)).body;
    const readyBy = Date.now() + 90000;
    while (range.status !== 'ready' && range.status !== 'failed' && Date.now() < readyBy) {
      await sleep(250);
      range = (await http().get(`/api/v1/ranges/${rangeId}`).expect(200)).body;
    }
    expect([range.status, range.failureReason]).toEqual(['ready', null]);

    // Exactly one container per node and one network per segment, and nothing else of ours.
    const containers = await engine.listContainers(ours);
    expect(containers.map((c) => [c.labels[keys.range], c.labels[keys.node], c.state]).sort()).toEqual([
      [rangeId, 'attacker', 'running'],
      [rangeId, 'web', 'running'],
      [rangeId, 'workstation', 'running'],
    ]);
    const networks = await engine.listNetworks(ours);
    expect(networks.map((n) => [n.labels[keys.range], n.labels[keys.network]]).sort()).toEqual([
      [rangeId, 'dmz'],
      [rangeId, 'office'],
    ]);
    // The containers made before the kill were kept, not recreated.
    for (const c of atKill.filter((c) => c.state === 'running')) expect(containers.map((x) => x.id)).toContain(c.id);
    const events = (await http().get(`/api/v1/ranges/${rangeId}/events`).expect(200)).body as Array<{ kind: string }>;
    expect(events.filter((e) => e.kind === 'provision.started').length).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => e.kind === 'network.created')).toHaveLength(2);

    // And the restarted worker tears it down completely.
    await http().post(`/api/v1/ranges/${rangeId}/teardown`).expect(202);
    const goneBy = Date.now() + 60000;
    while ((await http().get(`/api/v1/ranges/${rangeId}`).expect(200)).body.status !== 'destroyed' && Date.now() < goneBy) await sleep(250);
    expect((await http().get(`/api/v1/ranges/${rangeId}`).expect(200)).body.status).toBe('destroyed');
    expect(await engine.listContainers(ours)).toEqual([]);
    expect(await engine.listNetworks(ours)).toEqual([]);

    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });
});
