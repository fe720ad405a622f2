import type { INestApplication } from '@nestjs/common';
import { AppConfig, loadConfig } from '@app/config';
import { APP_LABEL_VALUE, DockerEngine, labelKeys } from '@app/docker';
import { DataSource } from 'typeorm';
import { BuiltProcess } from './support/built-processes.js';
import { removeLabelledObjects } from './support/docker-cleanup.js';
import { FIXTURE_TEMPLATES_DIR } from './support/range-app.js';
import { SchedulingClient, startApi } from './support/scheduling-api.js';
import { useSettings } from './support/settings.js';
import { waitFor } from './support/waiting.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The day of one session run by the production worker (dist/apps/worker) alone: its web node takes
 * seconds to come up and its check's probe takes seconds, so a kill -9 lands in the middle of the
 * automatic provisioning and of the end-of-session work (final evaluation, archive). Both resume.
 */
const SETTINGS = {
  COURSE_TEMPLATES: 'A=fixture-slow-end',
  RANGE_TEMPLATES_DIR: FIXTURE_TEMPLATES_DIR,
  SESSION_LEAD_SECONDS: '3600',
  SESSION_TEARDOWN_GRACE_SECONDS: '3600',
  SESSION_TICK_INTERVAL_MS: '300',
  RANGE_RECONCILE_INTERVAL_MS: '0',
};

describe('session day: a worker killed during the automatic provisioning and during the end-of-session work', () => {
  let api: INestApplication;
  let client: SchedulingClient;
  let db: DataSource;
  let config: AppConfig;
  let engine: DockerEngine;
  const workers: BuiltProcess[] = [];
  let restoreSettings = () => {};

  beforeAll(async () => {
    restoreSettings = useSettings(SETTINGS);
    config = loadConfig();
    engine = DockerEngine.fromConfig(config);
    // The API only: the worker processes started below do every job.
    ({ app: api, api: client } = await startApi());
    db = api.get(DataSource);
  }, 60000);

  afterAll(async () => {
    for (const w of workers) await w.stop('SIGKILL');
    await api?.close();
    if (config) await removeLabelledObjects(config);
    engine?.close();
    restoreSettings();
  });

  async function startWorker(): Promise<BuiltProcess> {
    const worker = BuiltProcess.start('worker', SETTINGS);
    workers.push(worker);
    await worker.waitForLog('worker ready', 30000);
    return worker;
  }

  it('resumes both: the session reaches ready, then finished with one complete archive, and no container is duplicated or left over', async () => {
    const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
    const ours = { [keys.app]: APP_LABEL_VALUE, [keys.instance]: config.INSTANCE_NAME };

    // A course A session closed with two teams, its start 10 minutes away: inside the lead time, so the tick provisions it.
    const session = await client.closedSession('2031-01-21', 14);
    const teams: Array<{ id: string }> = (await client.http().get(`/api/v1/sessions/${session.id}/teams`).expect(200)).body;
    expect(teams).toHaveLength(2);
    const moveTimes = (startInSeconds: number, endInSeconds: number) =>
      db.query(`UPDATE sessions SET starts_at = now() + make_interval(secs => $2), ends_at = now() + make_interval(secs => $3) WHERE id = $1`, [
        session.id,
        startInSeconds,
        endInSeconds,
      ]);
    await moveTimes(600, 1200);
    const selector = { ...ours, [keys.session]: session.id };
    const day = async () => (await client.http().get(`/api/v1/sessions/${session.id}/day`).expect(200)).body;

    // 1. Killed while the automatic provisioning is half done: a web node runs (it sleeps before serving), no attacker yet.
    const first = await startWorker();
    await waitFor('a container of the session to run', async () => (await engine.listContainers(selector)).some((c) => c.state === 'running'), 30000, 20);
    expect((await first.stop('SIGKILL')).signal).toBe('SIGKILL');
    const atKill = await engine.listContainers(selector);
    expect(atKill.filter((c) => c.labels[keys.node] === 'attacker' && c.state === 'running')).toEqual([]);
    expect((await day()).status).toBe('provisioning');

    const second = await startWorker();
    await waitFor('the session to be ready', async () => {
      const d = await day();
      if (d.status === 'closed') throw new Error(`provisioning failed: ${d.statusReason}`);
      return d.status === 'ready';
    }, 90000, 200);
    const ranges: Array<{ id: string; team_id: string; status: string }> = await db.query(`SELECT id, team_id, status FROM ranges WHERE session_id = $1`, [session.id]);
    expect(ranges.map((r) => [r.team_id, r.status]).sort()).toEqual(teams.map((t) => [t.id, 'ready']).sort());
    const expected = ranges.flatMap((r) => [[r.id, 'attacker', 'running'], [r.id, 'web', 'running']]).sort();
    const containersNow = async () => (await engine.listContainers(selector)).map((c) => [c.labels[keys.range], c.labels[keys.node], c.state]).sort();
    expect(await containersNow()).toEqual(expected);
    expect((await engine.listNetworks(selector)).map((n) => n.labels[keys.range]).sort()).toEqual(ranges.map((r) => r.id).sort());
    // What ran before the kill was kept, not made again.
    const ids = (await engine.listContainers(selector)).map((c) => c.id);
    for (const c of atKill.filter((c) => c.state === 'running')) expect(ids).toContain(c.id);

    // 2. The session starts and ends by itself; killed once the end-of-session work has begun (the final evaluation's probes take seconds).
    await moveTimes(-1, 2);
    await waitFor('the end-of-session work to begin', async () => {
      if (!second.running) throw new Error(`worker exited:\n${second.text().slice(-3000)}`);
      return second.text().includes(`session ${session.id}: finish`);
    }, 30000, 10);
    expect((await second.stop('SIGKILL')).signal).toBe('SIGKILL');
    expect((await day()).status).toBe('running');
    expect(await db.query(`SELECT session_id FROM session_archives WHERE session_id = $1`, [session.id])).toEqual([]);

    const third = await startWorker();
    await waitFor('the session to be finished and archived', async () => {
      const d = await day();
      return d.status === 'finished' && d.archivedAt !== null;
    }, 60000, 200);

    // One archive with both teams' timelines and scores, one move to finished, every clock stopped.
    const archives: Array<{ export_json: { teams: Array<{ teamId: string; rangeId: string; timeline: unknown[] }> }; export_csv: string }> = await db.query(
      `SELECT export_json, export_csv FROM session_archives WHERE session_id = $1`,
      [session.id],
    );
    expect(archives).toHaveLength(1);
    expect(archives[0]!.export_json.teams.map((t) => [t.teamId, t.rangeId]).sort()).toEqual(ranges.map((r) => [r.team_id, r.id]).sort());
    // No score event and no attack step in this fixture: the CSV is its header alone.
    expect(archives[0]!.export_csv).toMatch(/^\uFEFF?session_id,team_id,/);
    const archive = (await client.http().get(`/api/v1/sessions/${session.id}/archive`).expect(200)).body;
    expect(archive.export.teams).toHaveLength(2);
    const finishes = await db.query(`SELECT actor FROM audit_events WHERE subject_id = $1 AND action = 'session.transition' AND details->>'to' = 'finished'`, [session.id]);
    expect(finishes).toHaveLength(1);
    const clocks: Array<{ state: string }> = await db.query(`SELECT state FROM scenario_clocks WHERE session_id = $1`, [session.id]);
    expect(clocks.map((c) => c.state)).toEqual(['stopped']);

    // Still one container per node of each range (held for the grace), nothing else of this session.
    expect(await containersNow()).toEqual(expected);

    await sleep(300);
    expect((await third.stop('SIGTERM')).code).toBe(0);
  }, 150000);
});
