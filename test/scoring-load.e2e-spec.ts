import path from 'node:path';
import { DataSource } from 'typeorm';
import { ROOT } from './support/processes.js';
import { type RangeBody, RangeTestApp } from './support/range-app.js';
import { closedSessionWithTeams } from './support/scheduling-api.js';
import { waitFor } from './support/waiting.js';

const TINY_TEMPLATES = path.join(ROOT, 'test/fixtures/tiny-templates');
const TEAMS = 30;

/**
 * 30 teams of one session answer and ask "check now" at the same moment, each twice (a double
 * click): every score is written exactly once (one objective met per objective and team, the
 * second answer refused as already met) and the instructor board shows what the ledger holds.
 * The template is tiny (one node per range): an answer (100) and a check on a file (50).
 */
describe('load: 30 teams answer and check now at once', () => {
  let app: RangeTestApp;
  let db: DataSource;
  let sessionId: string;
  let ranges: RangeBody[];

  beforeAll(async () => {
    // A minute between two honoured "check now" of a range: the double click's second one is refused however slow the host.
    app = await RangeTestApp.start({ RANGE_TEMPLATES_DIR: TINY_TEMPLATES, WORKER_CONCURRENCY: '10', CHECK_NOW_MIN_INTERVAL_MS: '60000' });
    db = app.api.get(DataSource);
    const session = await closedSessionWithTeams(() => app.http(), TEAMS);
    sessionId = session.sessionId;
    await app.http().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId: 'tiny', teamIds: session.teamIds }).expect(202);
    // 30 ranges at once take a while on a busy 2-core host; the statuses say how far it got.
    let seen = '';
    await waitFor(`${TEAMS} ranges ready`, async () => {
      const rows: Array<{ status: string; n: number }> = await db.query(`SELECT status, count(*)::int AS n FROM ranges WHERE session_id = $1 GROUP BY status`, [sessionId]);
      seen = rows.map((r) => `${r.status} ${r.n}`).join(', ');
      if (rows.some((r) => r.status === 'failed')) throw new Error(`a range failed: ${seen}`);
      return rows.length === 1 && rows[0]!.status === 'ready';
    }, 300000, 1000).catch((err: Error) => {
      throw new Error(`${err.message} (${seen})`);
    });
    ranges = await Promise.all(
      ((await db.query(`SELECT id FROM ranges WHERE session_id = $1`, [sessionId])) as Array<{ id: string }>).map((r) => app.range(r.id)),
    );
  }, 360000);

  afterAll(async () => {
    await app?.close();
  }, 60000);

  it('every event is recorded once and the board agrees', async () => {
    const http = () => app.http();
    // At 1x the one attack step (60 s in) stays out of the way; checks count only while the clock runs.
    await http().post(`/api/v1/sessions/${sessionId}/scenario`).send({ action: 'start', speed: 1 }).expect(200);
    const flags = new Map<string, string>(
      (await db.query(`SELECT id, blueprint->'variables'->>'flag' AS flag FROM ranges WHERE session_id = $1`, [sessionId])).map((r: { id: string; flag: string }) => [r.id, r.flag]),
    );

    const calls = ranges.flatMap((r) => [
      http().post(`/api/v1/ranges/${r.id}/objectives/flag/answers`).send({ value: flags.get(r.id)! }),
      http().post(`/api/v1/ranges/${r.id}/objectives/flag/answers`).send({ value: flags.get(r.id)!.toUpperCase() }),
      http().post(`/api/v1/ranges/${r.id}/check-now`),
      http().post(`/api/v1/ranges/${r.id}/check-now`),
    ]);
    const answers = await Promise.all(calls);
    for (let i = 0; i < ranges.length; i++) {
      const [a, b, c, d] = answers.slice(i * 4, i * 4 + 4);
      // One answer scores, the other is refused as already met (whichever came second).
      expect([a!.status, b!.status].sort()).toEqual([200, 409]);
      const scored = [a!, b!].find((x) => x.status === 200)!;
      expect(scored.body).toMatchObject({ correct: true, pointsAwarded: 100 });
      expect([a!, b!].find((x) => x.status === 409)!.body.message).toBe('objective flag is already met');
      // The second "check now" inside CHECK_NOW_MIN_INTERVAL_MS is refused with when to ask again.
      expect([c!.status, d!.status].sort()).toEqual([200, 429]);
    }

    // Every check-now that was honoured saw its evaluation; a later pass would meet the check anyway.
    await waitFor('every team to have met both objectives', async () => {
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM score_events WHERE range_id = ANY($1) AND type = 'objective_met'`, [ranges.map((r) => r.id)]);
      return n >= TEAMS * 2;
    }, 30000, 300);
    const events: Array<{ range_id: string; objective_id: string; type: string; n: number; points: number }> = await db.query(
      `SELECT range_id, objective_id, type, count(*)::int AS n, sum(points)::int AS points FROM score_events WHERE range_id = ANY($1)
       GROUP BY range_id, objective_id, type ORDER BY range_id, objective_id, type`,
      [ranges.map((r) => r.id)],
    );
    const expected = ranges
      .map((r) => r.id)
      .sort()
      .flatMap((id) => [
        { range_id: id, objective_id: 'flag', type: 'objective_met', n: 1, points: 100 },
        { range_id: id, objective_id: 'flag-file', type: 'objective_met', n: 1, points: 50 },
      ]);
    expect(events).toEqual(expected);

    const board = (await http().get(`/api/v1/sessions/${sessionId}/board`).expect(200)).body as { teams: Array<{ rangeId: string; score: number }> };
    expect(board.teams.map((t) => [t.rangeId, t.score]).sort()).toEqual(ranges.map((r) => [r.id, 150]).sort());
  }, 120000);
});
