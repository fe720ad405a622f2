import type { AppConfig } from '@app/config';
import { APP_LABEL_VALUE, type DockerEngine, labelKeys } from '@app/docker';
import { DataSource } from 'typeorm';
import { ApiOnly } from '../support/api-only.js';
import { BuiltProcess } from '../support/built-processes.js';
import { FIXTURE_TEMPLATES_DIR } from '../support/range-app.js';
import { closedSessionWithTeams } from '../support/scheduling-api.js';
import { waitFor } from '../support/waiting.js';

const RANGES = 4;

/**
 * Two production workers (dist/apps/worker/src/main.js), one range job at a time each, share four
 * provisioning jobs of fixture-slow (its web node takes seconds to come up). One of them gets
 * SIGTERM while its range is half built: it takes no new job, finishes the one it has and exits 0;
 * the other worker provisions every range left. Each range is built once: one container per node,
 * one network per segment, one provisioning start.
 */
describe('faults: SIGTERM to a worker during range jobs', () => {
  let app: ApiOnly | undefined;
  let config: AppConfig;
  let engine: DockerEngine;
  const workers: BuiltProcess[] = [];

  beforeAll(async () => {
    // The API only: the two worker processes do every job.
    app = await ApiOnly.start({ RANGE_TEMPLATES_DIR: FIXTURE_TEMPLATES_DIR });
    ({ config, engine } = app);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await app?.close();
  });

  it('the stopped worker finishes its job and exits cleanly; the other one provisions the rest, each range once', async () => {
    const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
    const ours = { [keys.app]: APP_LABEL_VALUE, [keys.instance]: config.INSTANCE_NAME };
    const http = () => app!.http();
    const env = { RANGE_TEMPLATES_DIR: FIXTURE_TEMPLATES_DIR, WORKER_CONCURRENCY: '1' };
    workers.push(BuiltProcess.start('worker', env), BuiltProcess.start('worker', env));
    await Promise.all(workers.map((w) => w.waitForLog('worker ready', 45000)));

    const { sessionId, teamIds } = await closedSessionWithTeams(http, RANGES);
    const created = await http().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId: 'fixture-slow', teamIds }).expect(202);
    const rangeIds = (created.body.ranges as Array<{ id: string }>).map((r) => r.id);
    expect(rangeIds).toHaveLength(RANGES);

    // The first worker seen starting a range (its event is on that worker's log) gets SIGTERM.
    const startedBy = (w: BuiltProcess) => rangeIds.find((id) => w.text().includes(`range ${id} provision.started`));
    const [stopped, other] = await waitFor('a worker to start a range', async () => {
      const first = workers.find((w) => startedBy(w));
      return first ? [first, workers.find((w) => w !== first)!] : undefined;
    }, 30000, 50);
    const itsRange = startedBy(stopped)!;
    expect(itsRange).toBeDefined();
    stopped.child.kill('SIGTERM');
    const statusAtSignal = (await http().get(`/api/v1/ranges/${itsRange}`).expect(200)).body.status;
    expect(statusAtSignal).toBe('provisioning');

    // Graceful: it waits for its active job (well within SHUTDOWN_TIMEOUT_MS) and exits 0.
    expect(await stopped.exited).toEqual({ code: 0, signal: null });
    expect(stopped.text()).toContain('SIGTERM: draining active jobs');
    expect(stopped.text()).toContain('stopped cleanly');
    expect(stopped.text()).toContain(`range ${itsRange} provision.ready`);
    // It took no job after the signal: it started this range only.
    expect(rangeIds.filter((id) => stopped.text().includes(`range ${id} provision.started`))).toEqual([itsRange]);

    await waitFor('every range ready', async () => {
      const statuses = await Promise.all(rangeIds.map(async (id) => (await http().get(`/api/v1/ranges/${id}`).expect(200)).body as { status: string; failureReason: string | null }));
      const failed = statuses.find((s) => s.status === 'failed');
      if (failed) throw new Error(`a range failed: ${failed.failureReason}\n${other.text().slice(-3000)}`);
      return statuses.every((s) => s.status === 'ready');
    }, 90000, 300);
    for (const id of rangeIds.filter((id) => id !== itsRange)) expect(other.text()).toContain(`range ${id} provision.ready`);

    // Nothing lost or duplicated: one container per node and one network per segment of each range,
    // each range's provisioning started once (the stopped worker's job was not run a second time).
    const containers = await engine.listContainers(ours);
    expect(containers.map((c) => [c.labels[keys.range], c.labels[keys.node], c.state]).sort()).toEqual(
      rangeIds.flatMap((id) => ['attacker', 'web', 'workstation'].map((node) => [id, node, 'running'])).sort(),
    );
    const networks = await engine.listNetworks(ours);
    expect(networks.map((n) => [n.labels[keys.range], n.labels[keys.network]]).sort()).toEqual(rangeIds.flatMap((id) => [[id, 'dmz'], [id, 'office']]).sort());
    const starts: Array<{ range_id: string; n: number }> = await app!.api
      .get(DataSource)
      .query(`SELECT range_id, count(*)::int AS n FROM range_events WHERE range_id = ANY($1) AND kind = 'provision.started' GROUP BY range_id`, [rangeIds]);
    expect(starts.map((s) => s.n)).toEqual(rangeIds.map(() => 1));

    expect(await other.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 150000);

  it('a job that outlasts SHUTDOWN_TIMEOUT_MS is left to the next worker, which completes it once', async () => {
    const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
    const http = () => app!.http();
    // The shutdown bound is far shorter than the job: the worker exits 1 with the job still active.
    const hasty = BuiltProcess.start('worker', { RANGE_TEMPLATES_DIR: FIXTURE_TEMPLATES_DIR, WORKER_CONCURRENCY: '1', SHUTDOWN_TIMEOUT_MS: '200' });
    workers.push(hasty);
    await hasty.waitForLog('worker ready', 45000);
    const { sessionId, teamIds } = await closedSessionWithTeams(http, 1);
    const created = await http().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId: 'fixture-slow', teamIds }).expect(202);
    const rangeId = created.body.ranges[0].id as string;
    await hasty.waitForLog(`range ${rangeId} provision.started`, 30000);
    hasty.child.kill('SIGTERM');
    expect(await hasty.exited).toEqual({ code: 1, signal: null });
    expect(hasty.text()).toContain('shutdown bound reached');
    expect(hasty.text()).not.toContain(`range ${rangeId} provision.ready`);

    // The next worker takes the job over once its lock lapses (stalled) and finishes the range.
    const next = BuiltProcess.start('worker', { RANGE_TEMPLATES_DIR: FIXTURE_TEMPLATES_DIR, WORKER_CONCURRENCY: '1' });
    workers.push(next);
    await waitFor('the range ready', async () => {
      const { status, failureReason } = (await http().get(`/api/v1/ranges/${rangeId}`).expect(200)).body as { status: string; failureReason: string | null };
      if (status === 'failed') throw new Error(`provisioning failed: ${failureReason}\n${next.text().slice(-3000)}`);
      return status === 'ready';
    }, 90000, 300);
    expect(next.text()).toContain(`range ${rangeId} provision.ready`);
    const selector = { [keys.app]: APP_LABEL_VALUE, [keys.instance]: config.INSTANCE_NAME, [keys.range]: rangeId };
    expect((await engine.listContainers(selector)).map((c) => [c.labels[keys.node], c.state]).sort()).toEqual([
      ['attacker', 'running'],
      ['web', 'running'],
      ['workstation', 'running'],
    ]);
    expect((await engine.listNetworks(selector)).map((n) => n.labels[keys.network]).sort()).toEqual(['dmz', 'office']);
    expect(await next.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 150000);
});
