import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { FIXTURE_TEMPLATES_DIR, RangeTestApp } from './support/range-app.js';
import { closedSessionWithTeams } from './support/scheduling-api.js';
import { waitFor } from './support/waiting.js';

/**
 * Ranges are requested only for sessions and teams that exist (foreign keys), and quotas cap
 * them: per session its team count, per host RANGE_MAX_LIVE_PER_HOST, refused with the figures.
 * Every range here is scheduled a day ahead, so nothing is provisioned; the sessions are cancelled
 * at the end (their pending ranges torn down by the worker).
 */
describe('range requests: real sessions and teams only, and quotas with the figures', () => {
  let app: RangeTestApp;
  let db: DataSource;
  let liveBefore: number;
  const HEADROOM = 3;
  const sessions: string[] = [];
  const provisionAt = new Date(Date.now() + 24 * 3600_000).toISOString();

  const session = async (teams: number) => {
    const made = await closedSessionWithTeams(() => app.http(), teams);
    sessions.push(made.sessionId);
    return made;
  };
  const request = (sessionId: string, teamIds: string[]) =>
    app.http().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId: 'fixture-two-net', teamIds, provisionAt });
  const liveIn = async (sessionIds: string[]) =>
    (await db.query(`SELECT count(*)::int AS n FROM ranges WHERE session_id = ANY($1::uuid[]) AND status <> 'destroyed'`, [sessionIds]))[0].n as number;

  beforeAll(async () => {
    // The host quota counts every live range of this run's database: leave room for exactly HEADROOM more.
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      liveBefore = (await client.query(`SELECT count(*)::int AS n FROM ranges WHERE status <> 'destroyed'`).catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n;
    } finally {
      await client.end();
    }
    app = await RangeTestApp.start({ RANGE_TEMPLATES_DIR: FIXTURE_TEMPLATES_DIR, RANGE_MAX_LIVE_PER_HOST: String(liveBefore + HEADROOM) });
    db = app.api.get(DataSource);
  });

  afterAll(async () => {
    if (app) {
      for (const id of sessions) await app.http().post(`/api/v1/sessions/${id}/transitions`).send({ status: 'cancelled' });
      await waitFor('the pending ranges torn down', async () => (await liveIn(sessions)) === 0, 60000, 250).catch((e) => console.error((e as Error).message));
      await app.close();
    }
  });

  it('refuses an unknown session, an unknown team and a team of another session with 404, creating nothing', async () => {
    const a = await session(1);
    const b = await session(1);
    const ghostSession = randomUUID();
    expect((await request(ghostSession, a.teamIds).expect(404)).body).toEqual({ statusCode: 404, error: 'Not Found', message: `session ${ghostSession} does not exist` });
    const ghostTeam = randomUUID();
    expect((await request(a.sessionId, [ghostTeam]).expect(404)).body.message).toBe(`team(s) ${ghostTeam} of session ${a.sessionId} do not exist`);
    expect((await request(a.sessionId, b.teamIds).expect(404)).body.message).toBe(`team(s) ${b.teamIds[0]} of session ${a.sessionId} do not exist`);
    expect(await liveIn([a.sessionId, b.sessionId, ghostSession])).toBe(0);
  });

  it('the database itself refuses a range of no session, or of a team of another session (foreign keys)', async () => {
    const a = await session(1);
    const b = await session(1);
    const insert = (sessionId: string, teamId: string) =>
      db.query(`INSERT INTO ranges (session_id, team_id, template_id, template_hash, seed) VALUES ($1, $2, 'fixture-two-net', 'h', 's')`, [sessionId, teamId]);
    await expect(insert(randomUUID(), a.teamIds[0]!)).rejects.toThrow(/ranges_session_fk|ranges_team_fk/);
    await expect(insert(a.sessionId, b.teamIds[0]!)).rejects.toThrow(/ranges_team_fk/);
    await expect(insert(a.sessionId, randomUUID())).rejects.toThrow(/ranges_team_fk/);
    await expect(db.query(`INSERT INTO session_range_sets (session_id, status) VALUES ($1, 'scheduled')`, [randomUUID()])).rejects.toThrow(/session_range_sets_session_fk/);
  });

  it('the host quota: a request beyond RANGE_MAX_LIVE_PER_HOST is refused with 409 and the figures; concurrent requests never pass it together', async () => {
    const limit = liveBefore + HEADROOM;
    const a = await session(2);
    const b = await session(2);
    await request(a.sessionId, a.teamIds).expect(202); // two of the three left
    const refused = await request(b.sessionId, b.teamIds).expect(409);
    expect(refused.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: `the range host holds at most ${limit} live range(s) (RANGE_MAX_LIVE_PER_HOST); ${liveBefore + 2} are live and 2 more were requested`,
      quota: 'host',
      limit,
      live: liveBefore + 2,
      requested: 2,
    });
    expect(await liveIn([b.sessionId])).toBe(0);
    // One place left, two teams asking at once: exactly one gets it.
    const both = await Promise.all(b.teamIds.map((team) => request(b.sessionId, [team])));
    expect(both.map((r) => r.status).sort()).toEqual([202, 409]);
    expect(both.find((r) => r.status === 409)!.body).toMatchObject({ quota: 'host', limit, live: limit, requested: 1 });
    expect(await liveIn([a.sessionId, b.sessionId])).toBe(3);
  });
});
