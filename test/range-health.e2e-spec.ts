import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { type RangeBody, RangeTestApp } from './support/range-app.js';
import { waitFor } from './support/waiting.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'range-templates');

/**
 * Live health through the production API, worker, reconciler and evaluation (fixture health-echo):
 * a node whose service dies while the range is live fails its readiness check again, the range is
 * degraded with the reason (range events, the board), and it is ready again by itself once the
 * service is back.
 */
describe('Live health: a dead service degrades its range, with the reason, and it recovers by itself', () => {
  let app: RangeTestApp;
  let range: RangeBody;
  let sessionId: string;
  const http = () => app.http();

  beforeAll(async () => {
    // Health every second; the reconciler asks for it every second (the clock never runs here).
    app = await RangeTestApp.start({ RANGE_TEMPLATES_DIR: FIXTURES, RANGE_HEALTH_INTERVAL_MS: '1000', RANGE_RECONCILE_INTERVAL_MS: '1000' });
    range = await app.provision('health-echo');
    sessionId = (await app.worker.get(DataSource).query('SELECT session_id FROM ranges WHERE id = $1', [range.id]))[0].session_id;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('stays ready while every node passes', async () => {
    await new Promise((r) => setTimeout(r, 3000));
    const seen = await app.range(range.id);
    expect(seen.status).toBe('ready');
    expect(seen.nodes.find((n) => n.name === 'echo')!.health).toBe('healthy');
  });

  it('marks the node unhealthy and the range degraded with the reason, on the board and in its events', async () => {
    // The listener only (by process name: PID 1's own command line also names it).
    await app.sh(range, 'echo', "for p in /proc/[0-9]*; do [ \"$(cat $p/comm 2>/dev/null)\" = nc ] && kill ${p#/proc/}; done; sleep 1; ! netstat -ltn | grep -q ':7000 '");
    const degraded = await waitFor('the range to be degraded', async () => {
      const r = await app.range(range.id);
      return r.status === 'degraded' ? r : undefined;
    }, 30000);
    expect(degraded.failureReason).toMatch(/^unhealthy nodes: echo \(exit 1/);
    expect(degraded.nodes.find((n) => n.name === 'echo')!.health).toBe('unhealthy');
    expect(degraded.nodes.find((n) => n.name === 'peer')!.health).not.toBe('unhealthy');
    const board = (await http().get(`/api/v1/sessions/${sessionId}/board`).expect(200)).body as { teams: Array<{ rangeStatus: string; rangeProblem: string | null }> };
    expect(board.teams[0]).toMatchObject({ rangeStatus: 'degraded', rangeProblem: expect.stringMatching(/^unhealthy nodes: echo/) });
    const events = (await http().get(`/api/v1/ranges/${range.id}/events`).expect(200)).body as Array<{ kind: string }>;
    expect(events.map((e) => e.kind)).toContain('range.unhealthy');
  });

  it('is ready again by itself once the service is back', async () => {
    await app.sh(range, 'echo', "(setsid nc -ll -p 7000 -e cat </dev/null >/dev/null 2>&1 &); sleep 1; netstat -ltn | grep -q ':7000 '");
    const recovered = await waitFor('the range to be ready again', async () => {
      const r = await app.range(range.id);
      return r.status === 'ready' ? r : undefined;
    }, 30000);
    expect(recovered.failureReason).toBeNull();
    expect(recovered.nodes.find((n) => n.name === 'echo')!.health).toBe('healthy');
    const events = (await http().get(`/api/v1/ranges/${range.id}/events`).expect(200)).body as Array<{ kind: string }>;
    expect(events.map((e) => e.kind)).toContain('range.recovered');
  });
});
