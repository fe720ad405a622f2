import { SharedTemplateCatalog, type RangeBlueprint } from '@app/templates';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { parse } from 'yaml';
import { AccessClient, authed } from './support/access.js';
import { ROOT } from './support/processes.js';
import { RangeTestApp } from './support/range-app.js';
import { closedSessionWithTeams } from './support/scheduling-api.js';
import { waitFor } from './support/waiting.js';

/**
 * Issue 9's 550-point walk, replayed as a trainee of team 1 on a real course A range (team 2's is
 * rendered only, as the access suite's: nothing is sent to it that passes the guard): every step
 * that took a team from 0 to 550 without touching its range, and the push of another team to -20,
 * now earns nothing. The team's score ends at or below zero, moved only by its own wrong entries,
 * and the other team's stays at zero.
 */
describe("the 550-point walk, replayed as a trainee, earns nothing", () => {
  let app: RangeTestApp;
  let db: DataSource;
  let access: AccessClient;
  let sessionId: string;
  let team1: { teamId: string; rangeId: string; token: string; blueprint: RangeBlueprint };
  let team2: { teamId: string; rangeId: string };
  let team1Report: string;
  const trainee = () => authed(app.api, team1.token);
  const scoreOf = async (teamId: string) => {
    const board = (await app.http().get(`/api/v1/sessions/${sessionId}/board`).expect(200)).body as { teams: Array<{ teamId: string; score: number }> };
    return board.teams.find((t) => t.teamId === teamId)!.score;
  };
  const eventsOf = async (rangeId: string): Promise<Array<{ type: string; points: number }>> =>
    db.query(`SELECT type, points FROM score_events WHERE range_id = $1 ORDER BY id`, [rangeId]);

  /** course A as shipped: the pick lists a walker could have read in the public template source. */
  const shipped = parse(readFileSync(path.join(ROOT, 'range-templates', 'course-a.yaml'), 'utf8')) as {
    variables: Array<{ name: string; kind: string; from?: string[] }>;
  };
  const pickList = (name: string) => shipped.variables.find((v) => v.name === name)!.from!;

  beforeAll(async () => {
    app = await RangeTestApp.start();
    db = app.api.get(DataSource);
    access = await AccessClient.start(app.api);
    const made = await closedSessionWithTeams(() => app.http(), 2);
    sessionId = made.sessionId;
    const [teamId1, teamId2] = made.teamIds as [string, string];
    const created = await app.http().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId: 'course-a', teamIds: [teamId1] }).expect(202);
    const rangeId1 = created.body.ranges[0].id as string;
    // Team 2's range: rendered as provisioning would, no containers (only refusals are sent to it).
    const catalog = app.api.get(SharedTemplateCatalog);
    const summary = await catalog.describe('course-a');
    const rendered = await catalog.render('course-a', Object.fromEntries(summary.networks.map((name, i) => [name, `10.253.${i}.0/26`])));
    const [{ id: rangeId2 }] = await db.query(
      `INSERT INTO ranges (session_id, team_id, template_id, template_hash, status, blueprint, seed, ready_at) VALUES ($1, $2, 'course-a', $3, 'ready', $4, $5, now()) RETURNING id`,
      [sessionId, teamId2, summary.hash, JSON.stringify(rendered), rendered.seed ?? 'seed'],
    );
    team2 = { teamId: teamId2, rangeId: rangeId2 };
    await waitFor('the course A range ready', async () => {
      const r = await app.range(rangeId1);
      if (r.status === 'failed') throw new Error(`provisioning failed: ${r.failureReason}`);
      return r.status === 'ready';
    }, 200000, 250);
    const [{ blueprint }] = (await db.query(`SELECT blueprint FROM ranges WHERE id = $1`, [rangeId1])) as Array<{ blueprint: RangeBlueprint }>;
    const codes = await access.issueCodes(sessionId);
    team1 = { teamId: teamId1, rangeId: rangeId1, blueprint, token: await access.traineeLogin(codes.find((c) => c.teamId === teamId1)!.code) };
    // The trainee starts their own self-paced clock (the one clock action that is theirs).
    await trainee().post(`/api/v1/sessions/${sessionId}/ranges/${team1.rangeId}/scenario`).send({ action: 'start' }).expect(200);
  }, 240000);

  afterAll(async () => {
    if (app && sessionId) {
      // Team 2's range had no containers: destroyed in the database, so no worker ever evaluates it.
      if (team2) await db.query(`UPDATE ranges SET status = 'destroyed', destroyed_at = now() WHERE id = $1`, [team2.rangeId]);
      if (team1) await app.http().post(`/api/v1/sessions/${sessionId}/ranges/${team1.rangeId}/scenario`).send({ action: 'stop' });
      await app.http().post(`/api/v1/sessions/${sessionId}/transitions`).send({ status: 'cancelled' });
      await waitFor('the ranges torn down', async () => {
        const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM ranges WHERE session_id = $1 AND status <> 'destroyed'`, [sessionId]);
        return n === 0;
      }, 60000, 250).catch((e) => console.error((e as Error).message));
    }
    await app?.close();
  });

  it("reads no attacker address from its range, and no template", async () => {
    const attacker = team1.blueprint.variables.attacker_ip!;
    const range = await trainee().get(`/api/v1/ranges/${team1.rangeId}`).expect(200);
    expect(range.text).not.toContain(attacker);
    expect(range.body.nodes.map((n: { name: string }) => n.name)).not.toContain('attacker');
    await trainee().get('/api/v1/templates/course-a').expect(403);
    await trainee().get('/api/v1/templates').expect(403);
  });

  it('cannot walk a pick list: its attempts run out before the list does, and the last value earns nothing', async () => {
    const choices = pickList('c2_domain');
    const own = team1.blueprint.variables.c2_domain!;
    // The walk in the worst order for the defence's check: the team's own value last. A walk that
    // must try every entry needs choices.length attempts; the validator allows fewer.
    const walk = [...choices.filter((c) => c !== own), own];
    const url = `/api/v1/ranges/${team1.rangeId}/objectives/c2-domain/answers`;
    const answered: Array<{ status: number; correct?: boolean; pointsAwarded?: number; attemptsLeft?: number }> = [];
    for (const value of walk) {
      const res = await trainee().post(url).send({ value });
      answered.push({ status: res.status, ...(res.status === 200 ? { correct: res.body.correct, pointsAwarded: res.body.pointsAwarded, attemptsLeft: res.body.attemptsLeft } : {}) });
    }
    const allowed = walk.length - 1;
    expect(answered.slice(0, allowed).map((a) => [a.status, a.correct])).toEqual(Array.from({ length: allowed }, () => [200, false]));
    expect(answered[allowed - 1]!.attemptsLeft).toBe(0);
    expect(answered.every((a) => a.pointsAwarded === undefined || a.pointsAwarded <= 0)).toBe(true);
    expect(answered.at(-1)!.status).toBe(409); // the right value, out of attempts
  });

  it('sprays IOCs: the list is capped, each IOC matches once, wrong entries cost, and the report scores below zero', async () => {
    const url = `/api/v1/ranges/${team1.rangeId}/objectives/incident-report/report`;
    const body = (iocs: string[]) => ({ timeline: [], impact: 'n/a', iocs, actions: [], recommendations: [], selfAnalysis: [] });
    await trainee().post(url).send(body(Array.from({ length: 21 }, (_, i) => `10.0.0.${i}`))).expect(400);
    // Twenty guesses a walker could make: the shipped pick lists and addresses next to the web server it sees.
    const web = (await trainee().get(`/api/v1/ranges/${team1.rangeId}`).expect(200)).body.nodes.find((n: { name: string }) => n.name === 'web');
    const [a, b, c] = (web.addresses.internet as string).split('.');
    const spray = [
      ...pickList('c2_domain'),
      ...pickList('implant_name').map((n) => `/tmp/.cache/${n}`),
      ...pickList('customer_file'),
      ...Array.from({ length: 6 }, (_, i) => `${a}.${b}.${c}.${i + 2}`),
    ];
    expect(spray).toHaveLength(20);
    const res = await trainee().post(url).send(body(spray)).expect(201);
    team1Report = res.body.reportId;
    const matched = Object.values(res.body.iocResults as Record<string, boolean>).filter(Boolean).length;
    expect(res.body.wrongIocs).toBe(20 - matched);
    expect(res.body.autoPoints).toBeLessThan(0);
  });

  it('cannot grade its own report, nor touch its clock beyond starting it', async () => {
    await trainee().post(`/api/v1/reports/${team1Report}/grade`).send({ points: 150 }).expect(403);
    for (const action of ['pause', 'stop', 'speed']) {
      await trainee()
        .post(`/api/v1/sessions/${sessionId}/ranges/${team1.rangeId}/scenario`)
        .send(action === 'speed' ? { action, speed: 1 } : { action })
        .expect(403);
    }
    await trainee().post(`/api/v1/sessions/${sessionId}/scenario`).send({ action: 'pause' }).expect(403);
    // The clock the trainee started still runs: time bonuses and holds keep counting.
    const [clock] = await db.query(`SELECT state FROM scenario_clocks WHERE range_id = $1`, [team1.rangeId]);
    expect(clock).toEqual({ state: 'running' });
  });

  it("cannot answer or take a hint in another team's name: 404, and that team keeps 0", async () => {
    const theirs = `/api/v1/ranges/${team2.rangeId}`;
    await trainee().post(`${theirs}/objectives/attacker-address/answers`).send({ value: '192.0.2.1' }).expect(404);
    await trainee().post(`${theirs}/objectives/attacker-address/hints`).expect(404);
    await trainee().post(`${theirs}/objectives/incident-report/report`).send({ timeline: [], impact: 'x', iocs: ['192.0.2.1'], actions: [], recommendations: [], selfAnalysis: [] }).expect(404);
    await trainee().post(`${theirs}/check-now`).expect(404);
    await request(app.api.getHttpServer()).post(`${theirs}/objectives/attacker-address/answers`).send({ value: '192.0.2.1' }).expect(401);
    expect(await eventsOf(team2.rangeId)).toEqual([]);
    expect(await scoreOf(team2.teamId)).toBe(0);
  });

  it('ends with a score of at most zero for the walking team, made only of its own wrong entries', async () => {
    const events = await eventsOf(team1.rangeId);
    const total = events.reduce((s, e) => s + e.points, 0);
    expect(await scoreOf(team1.teamId)).toBe(total);
    expect(total).toBeLessThanOrEqual(0);
    const objectives = (await trainee().get(`/api/v1/ranges/${team1.rangeId}/objectives`).expect(200)).body as Array<{ id: string; met: boolean; pointsEarned: number }>;
    // Submitting the report meets its objective for time and progress (0 points); its IOCs scored below zero. Nothing else is met.
    expect(objectives.filter((o) => o.met).map((o) => o.id)).toEqual(['incident-report']);
    expect(objectives.find((o) => o.id === 'incident-report')!.pointsEarned).toBeLessThan(0);
    expect(objectives.filter((o) => o.pointsEarned > 0).map((o) => o.id)).toEqual([]);
    console.log(`the walk's score events: ${events.map((e) => `${e.type} ${e.points}`).join(', ')}; score ${total}`);
  });
});
