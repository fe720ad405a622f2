import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { rangeHostName } from '@app/config';
import { RangeHosts } from '@app/ranges';
import { DataSource } from 'typeorm';
import { ROOT } from './support/processes.js';
import { RangeTestApp } from './support/range-app.js';
import { closedSessionWithTeams } from './support/scheduling-api.js';

/** A single-node template with no traffic between containers: the second engine's bridges pass none. */
const TINY_TEMPLATES = path.join(ROOT, 'test/fixtures/tiny-templates');

interface HostBody {
  name: string;
  state: string;
  stateReason: string | null;
  engineVersion: string | null;
  capacityContainers: number;
  usedContainers: number;
  ranges: Record<string, number>;
  heartbeatMs: number;
}

/**
 * The range hosts registry: each worker registers the engine it serves and heartbeats; a host whose
 * heartbeat is late is shown down and its ready ranges degraded (with the reason), and placement
 * records the host on each range.
 */
describe('range hosts: registry, heartbeats, a late host down', () => {
  let app: RangeTestApp;
  let db: DataSource;
  const ghost = `ghost-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    app = await RangeTestApp.start({ RANGE_TEMPLATES_DIR: TINY_TEMPLATES, RANGE_HOST_HEARTBEAT_MS: '500' });
    db = app.api.get(DataSource);
  });

  afterAll(async () => {
    await db?.query(`DELETE FROM range_hosts WHERE name = $1`, [ghost]);
    await app?.close();
  });

  const hosts = async () => (await app.http().get('/api/v1/hosts').expect(200)).body as HostBody[];

  it("the worker registered its host (its engine's version, capacity, heartbeat) and it is up", async () => {
    const own = (await hosts()).find((h) => h.name === rangeHostName(app.config));
    expect(own).toMatchObject({ state: 'up', stateReason: null, capacityContainers: app.config.HOST_CAPACITY_CONTAINERS, heartbeatMs: 500 });
    expect(own!.engineVersion).toMatch(/^\d+\./);
  });

  it('a host whose heartbeat is late is down and its ready ranges degraded with the reason; its heartbeat brings it up', async () => {
    const { sessionId, teamIds } = await closedSessionWithTeams(() => app.http(), 1);
    // A host that said it was alive a minute ago with a 1 s heartbeat, holding one ready range.
    await db.query(
      `INSERT INTO range_hosts (name, capacity_containers, capacity_memory_mb, engine_version, heartbeat_ms, missed_heartbeats, last_heartbeat_at, registered_at, state_changed_at)
       VALUES ($1, 10, 1024, '0.0', 1000, 3, now() - interval '1 minute', now() - interval '1 hour', now() - interval '1 hour')`,
      [ghost],
    );
    const [range] = await db.query(
      `INSERT INTO ranges (session_id, team_id, template_id, template_hash, seed, status, host_name, ready_at) VALUES ($1, $2, 'tiny', 'x', 's', 'ready', $3, now()) RETURNING id`,
      [sessionId, teamIds[0], ghost],
    );
    const down = (await hosts()).find((h) => h.name === ghost)!;
    expect(down.state).toBe('down');
    expect(down.stateReason).toMatch(/^no heartbeat since \d{4}-\d\d-\d\dT/);
    expect(down.ranges).toEqual({ degraded: 1 });
    const seen = await app.range(range.id);
    expect(seen.status).toBe('degraded');
    expect(seen.failureReason).toBe(`host down: ${ghost}: ${down.stateReason}`);
    // No new range is placed on a host that is down.
    const { sessionId: s2, teamIds: t2 } = await closedSessionWithTeams(() => app.http(), 2);
    const provisionAt = new Date(Date.now() + 24 * 3600_000).toISOString();
    const created = await app.http().post(`/api/v1/sessions/${s2}/ranges`).send({ templateId: 'tiny', teamIds: t2, provisionAt }).expect(202);
    expect((created.body.ranges as Array<{ host: string }>).map((r) => r.host)).toEqual([rangeHostName(app.config), rangeHostName(app.config)]);
    await app.http().post(`/api/v1/sessions/${s2}/transitions`).send({ status: 'cancelled' });

    expect(await app.api.get(RangeHosts).heartbeat(ghost)).toBe('down');
    expect((await hosts()).find((h) => h.name === ghost)).toMatchObject({ state: 'up', stateReason: null });
    await db.query(`DELETE FROM ranges WHERE id = $1`, [range.id]);
  });
});
