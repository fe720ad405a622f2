import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { loadConfig, rangeHostName } from '@app/config';
import { DockerEngine, labelKeys, removeInstanceObjects } from '@app/docker';
import { RangeHosts } from '@app/ranges';
import { DataSource } from 'typeorm';
import { authed, operatorToken } from './support/access.js';
import { BuiltProcess } from './support/built-processes.js';
import { SecondEngine } from './support/second-engine.js';
import { createApiApp } from './support/test-app.js';
import { waitFor } from './support/waiting.js';
import { ROOT } from './support/processes.js';
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
 * Several range hosts. The registry: each worker registers the engine it serves and heartbeats; a
 * host whose heartbeat is late is shown down and its ready ranges degraded, with the reason.
 * Then two range hosts for real: two built workers (the production entry point), one on this machine's
 * engine, one on a second dockerd with its own socket. A session's ranges spread over both, each
 * range's container only on its host's engine; the second host stopped is shown down within its
 * heartbeat budget, its ranges degraded on the board; one operator call provisions them again on
 * the first host. Tiny ranges (one node, no traffic): the second engine's bridges pass none.
 */
describe('two range hosts: built workers on two engines', () => {
  const HEARTBEAT_MS = 1000;
  const MISSED = 2;
  const second = `second-${randomUUID().slice(0, 6)}`;
  const config = loadConfig();
  const first = rangeHostName(config);
  const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
  let engine2: SecondEngine | undefined;
  let docker1: DockerEngine;
  let docker2: DockerEngine;
  let worker1: BuiltProcess;
  let worker2: BuiltProcess;
  let api: INestApplication;
  let db: DataSource;
  let token: string;
  const saved = process.env.RANGE_TEMPLATES_DIR;
  const http = () => authed(api, token);
  const hosts = async () => (await http().get('/api/v1/hosts').expect(200)).body as HostBody[];
  const env = { RANGE_TEMPLATES_DIR: TINY_TEMPLATES, RANGE_HOST_HEARTBEAT_MS: String(HEARTBEAT_MS), RANGE_HOST_MISSED_HEARTBEATS: String(MISSED) };

  beforeAll(async () => {
    process.env.RANGE_TEMPLATES_DIR = TINY_TEMPLATES;
    [engine2, api] = await Promise.all([SecondEngine.start('nameserver 127.0.0.1\n'), createApiApp()]);
    token = await operatorToken(api);
    db = api.get(DataSource);
    docker1 = DockerEngine.fromConfig(config);
    docker2 = DockerEngine.fromConfig({ ...config, DOCKER_SOCKET: engine2.socketPath });
    worker1 = BuiltProcess.start('worker', env);
    await worker1.waitForLog('worker ready');
    // The second host gets as many free containers as the first has (ranges other suites left count on the first): the spread is even.
    const used = (await hosts()).find((h) => h.name === first)!;
    worker2 = BuiltProcess.start('worker', {
      ...env,
      DOCKER_SOCKET: engine2.socketPath,
      RANGE_HOST_NAME: second,
      HOST_CAPACITY_CONTAINERS: String(used.capacityContainers - used.usedContainers),
    });
    await worker2.waitForLog('worker ready');
  }, 90000);

  afterAll(async () => {
    await Promise.all([worker1?.stop('SIGTERM'), worker2?.stop('SIGKILL')]);
    await api?.close();
    if (saved === undefined) delete process.env.RANGE_TEMPLATES_DIR;
    else process.env.RANGE_TEMPLATES_DIR = saved;
    await removeInstanceObjects(config);
    docker1?.close();
    docker2?.close();
    await engine2?.stop();
  }, 60000);

  it("each worker registered its host (its engine's version, capacity, heartbeat) and it is up", async () => {
    const seen = await hosts();
    for (const name of [first, second]) {
      const host = seen.find((h) => h.name === name);
      expect(host).toMatchObject({ state: 'up', stateReason: null, heartbeatMs: HEARTBEAT_MS });
      expect(host!.engineVersion).toMatch(/^\d+\./);
    }
    expect(seen.find((h) => h.name === first)!.capacityContainers).toBe(config.HOST_CAPACITY_CONTAINERS);
  });

  it('a host whose heartbeat is late is down and its ready ranges degraded with the reason; its heartbeat brings it up', async () => {
    const ghost = `ghost-${randomUUID().slice(0, 8)}`;
    const { sessionId, teamIds } = await closedSessionWithTeams(http, 1);
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
    try {
      const down = (await hosts()).find((h) => h.name === ghost)!;
      expect(down.state).toBe('down');
      expect(down.stateReason).toMatch(/^no heartbeat since \d{4}-\d\d-\d\dT/);
      expect(down.ranges).toEqual({ degraded: 1 });
      const seen = (await http().get(`/api/v1/ranges/${range.id}`).expect(200)).body as { status: string; failureReason: string; host: string };
      expect(seen).toMatchObject({ status: 'degraded', failureReason: `host down: ${ghost}: ${down.stateReason}`, host: ghost });
      expect(await api.get(RangeHosts).heartbeat(ghost)).toBe('down');
      expect((await hosts()).find((h) => h.name === ghost)).toMatchObject({ state: 'up', stateReason: null });
    } finally {
      await db.query(`DELETE FROM ranges WHERE id = $1`, [range.id]);
      await db.query(`DELETE FROM range_hosts WHERE name = $1`, [ghost]);
    }
  });

  it("spreads a session's ranges over both hosts, each on its own engine; a lost host is down, its ranges degraded, and moved by one call", async () => {
    expect((await hosts()).filter((h) => [first, second].includes(h.name)).map((h) => [h.name, h.state])).toEqual(
      [[first, 'up'], [second, 'up']].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
    const { sessionId, teamIds } = await closedSessionWithTeams(http, 4);
    const created = await http().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId: 'tiny', teamIds }).expect(202);
    const placed = new Map((created.body.ranges as Array<{ id: string; host: string }>).map((r) => [r.id, r.host]));
    expect([...placed.values()].filter((h) => h === first)).toHaveLength(2);
    expect([...placed.values()].filter((h) => h === second)).toHaveLength(2);
    await waitFor('the 4 ranges ready', async () => {
      const res = await http().get(`/api/v1/sessions/${sessionId}/ranges`).expect(200);
      const ranges = res.body.ranges as Array<{ status: string; failureReason: string | null }>;
      const failed = ranges.find((r) => r.status === 'failed');
      if (failed) throw new Error(`a range failed: ${failed.failureReason}`);
      return ranges.every((r) => r.status === 'ready') || undefined;
    }, 60000, 250);
    const where = async (rangeId: string) => ({
      first: (await docker1.listContainers({ [keys.range]: rangeId })).length,
      second: (await docker2.listContainers({ [keys.range]: rangeId })).length,
    });
    for (const [rangeId, host] of placed) expect(await where(rangeId)).toEqual(host === first ? { first: 1, second: 0 } : { first: 0, second: 1 });
    // Operators see each host's own queues in /metrics.
    const metrics = (await http().get('/metrics').expect(200)).text;
    for (const host of [first, second]) expect(metrics).toMatch(new RegExp(`cyder_queue_jobs\\{[^}]*queue="ranges@${host}"`));

    // The second host is lost: its worker killed, its engine stopped.
    const lost = [...placed].filter(([, h]) => h === second).map(([id]) => id);
    await worker2.stop('SIGKILL');
    const stoppedAt = Date.now();
    const down = await waitFor('the second host shown down', async () => (await hosts()).find((h) => h.name === second && h.state === 'down'), 20000, 100);
    const shownAfterMs = Date.now() - stoppedAt;
    console.log(`second host shown down ${shownAfterMs} ms after its worker was killed (heartbeat ${HEARTBEAT_MS} ms, down after ${MISSED} missed)`);
    // Late by MISSED periods, then shown within one more period.
    expect(shownAfterMs).toBeLessThanOrEqual(HEARTBEAT_MS * (MISSED + 1) + 1000);
    expect(down.stateReason).toMatch(/^no heartbeat since /);
    expect(down.ranges).toEqual({ degraded: 2 });
    const board = (await http().get(`/api/v1/sessions/${sessionId}/board`).expect(200)).body as { teams: Array<{ rangeId: string; rangeStatus: string; rangeProblem: string | null }> };
    for (const id of lost) {
      expect(board.teams.find((t) => t.rangeId === id)).toMatchObject({ rangeStatus: 'degraded', rangeProblem: `host down: ${second}: ${down.stateReason}` });
    }
    await engine2!.stop();
    engine2 = undefined;

    // The first host is up: it cannot be evacuated; the lost one can, in one call.
    await http().post(`/api/v1/hosts/${first}/evacuate`).expect(409);
    await http().post(`/api/v1/hosts/no-such-host/evacuate`).expect(404);
    const moved = (await http().post(`/api/v1/hosts/${second}/evacuate`).expect(202)).body as { moved: Array<{ rangeId: string; to: string }>; left: unknown[] };
    expect(moved.moved.map((m) => m.rangeId).sort()).toEqual([...lost].sort());
    expect(moved.moved.every((m) => m.to === first)).toBe(true);
    expect(moved.left).toEqual([]);
    await waitFor('the moved ranges ready on the first host', async () => {
      const rows = (await db.query(`SELECT status, host_name FROM ranges WHERE id = ANY($1::uuid[])`, [lost])) as Array<{ status: string; host_name: string }>;
      return rows.every((r) => r.status === 'ready' && r.host_name === first) || undefined;
    }, 60000, 250);
    for (const id of lost) expect(await docker1.listContainers({ [keys.range]: id })).toHaveLength(1);
    const after = (await hosts()).find((h) => h.name === second)!;
    expect(after).toMatchObject({ state: 'down', ranges: {} });

    await http().post(`/api/v1/sessions/${sessionId}/transitions`).send({ status: 'cancelled' });
    await waitFor('the session torn down', async () => {
      const [row] = await db.query(`SELECT count(*)::int AS n FROM ranges WHERE session_id = $1 AND status <> 'destroyed'`, [sessionId]);
      return row.n === 0 || undefined;
    }, 60000, 250);
    await db.query(`DELETE FROM range_hosts WHERE name = $1`, [second]);
  }, 90000);
});
