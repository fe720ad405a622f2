import type { AppConfig } from '@app/config';
import { CONTAINER_RUNTIME, type ContainerRuntime, labelKeys } from '@app/docker';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { type DayApps, startDayApps } from './support/day-apps.js';
import { ROOT } from './support/processes.js';
import type { SchedulingClient } from './support/scheduling-api.js';
import { waitFor } from './support/waiting.js';

/**
 * Settings of this suite: a short day (lead, grace, tick) and a host that holds two teams' ranges of its
 * fixture (3 containers each). The fixture is YAML loaded by the production catalogue from a folder of
 * this suite's own: no other suite makes ranges of a template this catalogue knows, so what they leave
 * in the run's database takes none of the host's 6 containers.
 */
const SETTINGS = {
  COURSE_TEMPLATES: 'A=session-day-three',
  RANGE_TEMPLATES_DIR: path.join(ROOT, 'test', 'fixtures', 'session-day-templates'),
  HOST_CAPACITY_CONTAINERS: '6',
  SESSION_LEAD_SECONDS: '4',
  SESSION_TEARDOWN_GRACE_SECONDS: '2',
  SESSION_TICK_INTERVAL_MS: '500',
  RANGE_RECONCILE_INTERVAL_MS: '0',
};

interface DayBody {
  status: string;
  statusReason: string | null;
  waitingPosition: number | null;
  capacityWarning: string | null;
  ranges: { status: string; ready: number; total: number } | null;
  archivedAt: string | null;
}

// The exercise day on the real PostgreSQL, Redis and Docker engine: sessions move by themselves.
describe('session day: one life cycle from closed to finished, pre-provisioning, capacity, cancel', () => {
  let apps: DayApps | undefined;
  let client: SchedulingClient;
  let actorName = '';
  let db: DataSource;
  let engine: ContainerRuntime;
  let config: AppConfig;
  let day = 0;

  beforeAll(async () => {
    apps = await startDayApps(SETTINGS);
    ({ client, actorName, db, config } = apps);
    engine = apps.worker.get(CONTAINER_RUNTIME);
  }, 60000);

  afterAll(async () => {
    if (!apps) return;
    const live: Array<{ id: string }> = await db.query(`SELECT id FROM ranges WHERE status <> 'destroyed' AND template_id = 'session-day-three'`);
    for (const { id } of live) await client.http().post(`/api/v1/ranges/${id}/teardown`);
    await apps.close();
  });

  /** A course A session closed with two teams of three (times as scheduled, far ahead). */
  async function closedSession(): Promise<{ id: string; warnings: string[] }> {
    day += 1;
    const closed = await client.closedSession(`2030-12-${String(1 + day).padStart(2, '0')}`, 13);
    expect(closed.status).toBe('closed');
    return closed;
  }

  /** Puts the session's start and end this many seconds from now (the scheduling rules hold them to office hours). */
  const moveTimes = (id: string, startInSeconds: number, endInSeconds: number) =>
    db.query(`UPDATE sessions SET starts_at = now() + make_interval(secs => $2), ends_at = now() + make_interval(secs => $3) WHERE id = $1`, [
      id,
      startInSeconds,
      endInSeconds,
    ]);
  const dayOf = async (id: string): Promise<DayBody> => (await client.http().get(`/api/v1/sessions/${id}/day`).expect(200)).body;
  const history = async (id: string) =>
    (await db.query(`SELECT details->>'to' AS "to", actor FROM audit_events WHERE subject_id = $1 AND action = 'session.transition' ORDER BY id`, [id])) as Array<{
      to: string;
      actor: string;
    }>;
  const containersOf = async (sessionId: string) =>
    (await engine.listContainers({ [labelKeys(config.DOCKER_LABEL_NAMESPACE).instance]: config.INSTANCE_NAME, [labelKeys(config.DOCKER_LABEL_NAMESPACE).session]: sessionId })).length;

  it('moves closed -> provisioning -> ready -> running -> finished with no manual transition, archives, and tears down after the grace', async () => {
    const { id, warnings } = await closedSession();
    expect(warnings).toEqual([]);
    await moveTimes(id, 6, 14);
    const seen: string[] = [];
    await waitFor('the session to finish', async () => {
      const d = await dayOf(id);
      if (seen[seen.length - 1] !== d.status) seen.push(d.status);
      return d.status === 'finished' && d.archivedAt ? d : undefined;
    }, 90000, 200);
    expect(seen[seen.length - 1]).toBe('finished');
    expect(await history(id)).toEqual([
      { to: 'open', actor: actorName },
      { to: 'closed', actor: actorName },
      { to: 'provisioning', actor: 'system:session-day' },
      { to: 'ready', actor: 'system:session-day' },
      { to: 'running', actor: 'system:session-day' },
      { to: 'finished', actor: 'system:session-day' },
    ]);
    const clock = (await client.http().get(`/api/v1/sessions/${id}/scenario`).expect(200)).body;
    expect(clock.state).toBe('stopped');

    // The grace passes: every range and container is gone, and the archive stays.
    await waitFor('the ranges to be torn down', async () => {
      const set = (await client.http().get(`/api/v1/sessions/${id}/ranges`).expect(200)).body;
      return set.ranges.length === 2 && set.ranges.every((r: { status: string }) => r.status === 'destroyed');
    }, 60000);
    expect(await containersOf(id)).toBe(0);
    const archive = (await client.http().get(`/api/v1/sessions/${id}/archive`).expect(200)).body;
    expect(archive.export.teams).toHaveLength(2);
    expect(archive.export.why).toBe('the session reached its end');
    const csv = await client.http().get(`/api/v1/sessions/${id}/archive.csv`).expect(200).expect('Content-Type', /text\/csv/);
    expect(csv.text.split('\r\n')[0]).toMatch(/^\uFEFFsession_id,team_id,team_name,range_id,team_score/);
    expect((await dayOf(id)).ranges).toMatchObject({ status: 'destroyed', total: 0 });
  }, 150000);

  it('cancelling a ready session removes its ranges; ranges are refused for a session not closed with teams', async () => {
    const { id } = await closedSession();
    const requested = await client.http().post(`/api/v1/sessions/${id}/ranges`).send({}).expect(202);
    expect(requested.body).toMatchObject({ waitingPosition: null });
    expect(requested.body.ranges).toHaveLength(2);
    await waitFor('the session to be ready', async () => (await dayOf(id)).status === 'ready', 60000, 200);
    expect(await containersOf(id)).toBe(6);
    const refused = await client.http().post(`/api/v1/sessions/${id}/ranges`).send({}).expect(409);
    expect(refused.body).toMatchObject({ allowed: ['running', 'cancelled'], message: 'ranges can be requested only for a closed session with teams; this session is ready' });

    await client.transition(id, 'cancelled');
    await waitFor('the cancelled session’s containers to be gone', async () => (await containersOf(id)) === 0, 60000);
    await waitFor('its ranges to be destroyed', async () => {
      const set = (await client.http().get(`/api/v1/sessions/${id}/ranges`).expect(200)).body;
      return set.ranges.every((r: { status: string }) => r.status === 'destroyed');
    }, 30000);
  }, 120000);

  it('capacity: warns at closing, the second overlapping session waits in line and provisions when the first ends', async () => {
    const first = await closedSession();
    expect(first.warnings).toEqual([]);
    const second = await closedSession();
    // Both now on the same morning: closing the second one again says the host cannot hold both.
    await client.transition(second.id, 'open');
    await moveTimes(first.id, 3, 10);
    await moveTimes(second.id, 5, 40);
    const closedAgain = await client.transition(second.id, 'closed');
    expect(closedAgain.warnings).toHaveLength(1);
    expect(closedAgain.warnings[0]).toMatch(/^the 2 session\(s\) whose ranges overlap this one need 12 containers and \d+ MB; the range host holds 6 containers/);
    expect((await dayOf(second.id)).capacityWarning).toBe(closedAgain.warnings[0]);

    const waiting = await waitFor('the second session to wait for capacity', async () => {
      const d = await dayOf(second.id);
      return d.waitingPosition !== null ? d : undefined;
    }, 30000, 200);
    expect(waiting).toMatchObject({ status: 'closed', waitingPosition: 1, ranges: null });
    await waitFor('the first session to finish', async () => (await dayOf(first.id)).status === 'finished', 60000, 200);
    await waitFor('the second session to be running', async () => (await dayOf(second.id)).status === 'running', 90000, 200);
    // It provisioned only once the first one's ranges were gone.
    const [{ destroyed }] = await db.query(`SELECT max(destroyed_at) AS destroyed FROM ranges WHERE session_id = $1`, [first.id]);
    const [{ at }] = await db.query(`SELECT min(created_at) AS at FROM ranges WHERE session_id = $1`, [second.id]);
    expect(new Date(at).getTime()).toBeGreaterThanOrEqual(new Date(destroyed).getTime());
    expect((await dayOf(second.id)).waitingPosition).toBeNull();
    await client.transition(second.id, 'finished');
    expect((await dayOf(second.id)).status).toBe('finished');
  }, 180000);
});
