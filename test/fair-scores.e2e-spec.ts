import { DataSource } from 'typeorm';
import { type RangeBody, RangeTestApp } from './support/range-app.js';
import { waitFor } from './support/waiting.js';

const SHIPPED = ['course-a', 'course-b', 'course-c', 'online-a'];
const SPEED = 60;

/**
 * Fair scores on every shipped template, through the production API, worker, provisioner, attack
 * runner and probes: a team that does nothing while the whole attack plays out at 60x scores
 * exactly 0 and gets no time metric (no objective met before the attack made it mean something).
 */
describe('Fair scores: an idle team scores exactly 0 and gets no time metric, on every shipped template', () => {
  let app: RangeTestApp;
  let db: DataSource;
  const http = () => app.http();

  beforeAll(async () => {
    app = await RangeTestApp.start();
    db = app.worker.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
  });

  it.each(SHIPPED)('%s: the whole attack at 60x against an idle team', async (templateId) => {
    const range: RangeBody = await app.provision(templateId, 240000);
    const [{ session_id: sessionId, steps }] = await db.query(
      `SELECT session_id, jsonb_array_length(blueprint->'scenario'->'attack') AS steps FROM ranges WHERE id = $1`,
      [range.id],
    );
    await http().post(`/api/v1/sessions/${sessionId}/scenario`).send({ action: 'start', speed: SPEED }).expect(200);
    await waitFor(`every attack step of ${templateId} to run`, async () => {
      const [{ ran }] = await db.query(`SELECT count(*)::int AS ran FROM attack_runs WHERE range_id = $1`, [range.id]);
      return ran === steps;
    }, 180000, 500);
    // Evaluations after the last step (one is asked for right after each step, then every 30 scenario s):
    // long enough for any contain or eradicate hold (at most 300 scenario s, 5 s here) to complete.
    await new Promise((r) => setTimeout(r, 8000));
    const [{ evaluated }] = await db.query(`SELECT count(*)::int AS evaluated FROM objective_checks WHERE range_id = $1`, [range.id]);
    expect(evaluated).toBeGreaterThan(0);
    const runs: Array<{ step_id: string; status: string }> = await db.query(`SELECT step_id, status FROM attack_runs WHERE range_id = $1`, [range.id]);
    expect({ templateId, blocked: runs.filter((r) => r.status === 'blocked').map((r) => r.step_id) }).toEqual({ templateId, blocked: [] });

    const board = (await http().get(`/api/v1/sessions/${sessionId}/board`).expect(200)).body as {
      teams: Array<{ score: number; metrics: Record<string, unknown> }>;
    };
    const events: Array<{ type: string; objective_id: string | null; points: number }> = await db.query(
      `SELECT type, objective_id, points FROM score_events WHERE range_id = $1`,
      [range.id],
    );
    const { score, metrics } = board.teams[0]!;
    expect({
      templateId,
      score,
      scoreEvents: events.map((e) => `${e.type} ${e.objective_id ?? ''} ${e.points}`),
      timeToDetectSeconds: metrics.timeToDetectSeconds ?? null,
      timeToContainSeconds: metrics.timeToContainSeconds ?? null,
      timeToRecoverSeconds: metrics.timeToRecoverSeconds ?? null,
    }).toEqual({ templateId, score: 0, scoreEvents: [], timeToDetectSeconds: null, timeToContainSeconds: null, timeToRecoverSeconds: null });
    await http().post(`/api/v1/sessions/${sessionId}/scenario`).send({ action: 'stop' }).expect(200);
    await http().post(`/api/v1/ranges/${range.id}/teardown`).expect(202);
  }, 480000);
});
