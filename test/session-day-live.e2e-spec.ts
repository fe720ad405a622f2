import type { INestApplication } from '@nestjs/common';
import { SessionLifecycle, TraineeStream, type TraineeEvent } from '@app/session-day';
import type { DataSource } from 'typeorm';
import type { Subscription } from 'rxjs';
import { type DayApps, startDayApps } from './support/day-apps.js';
import type { SchedulingClient } from './support/scheduling-api.js';
import { waitFor } from './support/waiting.js';

const SETTINGS = { COURSE_TEMPLATES: 'A=online-a', SESSION_TICK_INTERVAL_MS: '500', RANGE_RECONCILE_INTERVAL_MS: '0' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Live instructor controls on a real session (Online A's small template, real engine): messages, injects,
// one team's clock, one team's reset, and what each team's trainee stream carries.
describe('session day, live: messages and injects reach the right team only; an inject runs once', () => {
  let apps: DayApps | undefined;
  let api: INestApplication;
  let client: SchedulingClient;
  let actorName = '';
  let db: DataSource;
  const subscriptions: Subscription[] = [];
  let sessionId: string;
  let teams: Array<{ id: string; name: string }>;
  let rangeOf: Record<string, string>;
  const streams: Record<string, TraineeEvent[]> = {};

  beforeAll(async () => {
    apps = await startDayApps(SETTINGS);
    ({ api, client, actorName, db } = apps);

    sessionId = (await client.closedSession('2031-01-14', 27)).id;
    teams = (await client.http().get(`/api/v1/sessions/${sessionId}/teams`).expect(200)).body;
    await client.http().post(`/api/v1/sessions/${sessionId}/ranges`).send({}).expect(202);
    await waitFor('the session to be ready', async () => {
      const day = (await client.http().get(`/api/v1/sessions/${sessionId}/day`).expect(200)).body;
      if (day.status === 'closed' && day.statusReason) throw new Error(day.statusReason);
      return day.status === 'ready';
    }, 120000, 300);
    const ranges: Array<{ id: string; team_id: string }> = await db.query(`SELECT id, team_id FROM ranges WHERE session_id = $1`, [sessionId]);
    rangeOf = Object.fromEntries(ranges.map((r) => [r.team_id, r.id]));
    // Each team's trainee stream, as the trainee's SSE route serves it.
    for (const team of teams) {
      streams[team.id] = [];
      const stream = await api.get(TraineeStream).stream({ sessionId, teamId: team.id });
      subscriptions.push(stream.subscribe((e) => streams[team.id]!.push(e)));
    }
    await sleep(300); // the Redis subscription is live
  }, 180000);

  afterAll(async () => {
    for (const s of subscriptions) s.unsubscribe();
    if (apps && sessionId) {
      const live: Array<{ id: string }> = await db.query(`SELECT id FROM ranges WHERE session_id = $1 AND status <> 'destroyed'`, [sessionId]);
      for (const { id } of live) await client.http().post(`/api/v1/ranges/${id}/teardown`);
    }
    await apps?.close();
  });

  it('starting the clock makes the session running; a message to one team and to all reach exactly those streams and timelines', async () => {
    const [t1, t2] = teams as [{ id: string; name: string }, { id: string; name: string }];
    await client.http().post(`/api/v1/sessions/${sessionId}/scenario`).send({ action: 'start', speed: 1 }).expect(200);
    await waitFor('the session to be running', async () => (await client.http().get(`/api/v1/sessions/${sessionId}/day`).expect(200)).body.status === 'running', 20000, 200);

    const one = await client.http().post(`/api/v1/sessions/${sessionId}/messages`).send({ text: 'team one: look at the web log', teamId: t1.id }).expect(200);
    expect(one.body.teamIds).toEqual([t1.id]);
    const all = await client.http().post(`/api/v1/sessions/${sessionId}/messages`).send({ text: 'lunch at 12' }).expect(200);
    expect(all.body.teamIds.sort()).toEqual([t1.id, t2.id].sort());
    await client.http().post(`/api/v1/sessions/${sessionId}/messages`).send({ text: '' }).expect(400);

    await waitFor('both messages on team 1', async () => streams[t1.id]!.filter((e) => e.type === 'message').length === 2, 10000, 100);
    await waitFor('the message to all on team 2', async () => streams[t2.id]!.some((e) => e.type === 'message'), 10000, 100);
    await sleep(500);
    expect(streams[t1.id]!.filter((e) => e.type === 'message').map((e) => e.data)).toEqual([
      { text: 'team one: look at the web log', from: actorName, to: 'team' },
      { text: 'lunch at 12', from: actorName, to: 'all' },
    ]);
    expect(streams[t2.id]!.filter((e) => e.type === 'message').map((e) => e.data)).toEqual([{ text: 'lunch at 12', from: actorName, to: 'all' }]);
    expect(streams[t1.id]!.some((e) => e.type === 'clock' && e.data.state === 'running')).toBe(true);

    const timeline1 = (await client.http().get(`/api/v1/ranges/${rangeOf[t1.id]}/timeline`).expect(200)).body as Array<{ kind: string; summary: string }>;
    const timeline2 = (await client.http().get(`/api/v1/ranges/${rangeOf[t2.id]}/timeline`).expect(200)).body as Array<{ kind: string; summary: string }>;
    expect(timeline1.filter((e) => e.kind === 'note').map((e) => e.summary)).toEqual([
      `${actorName}: message to the team: team one: look at the web log`,
      `${actorName}: message to all teams: lunch at 12`,
    ]);
    expect(timeline2.filter((e) => e.kind === 'note').map((e) => e.summary)).toEqual([`${actorName}: message to all teams: lunch at 12`]);
  }, 60000);

  it('an inject runs its step once, for the right team only, and that stream shows its title and nothing else', async () => {
    const [t1, t2] = teams as [{ id: string; name: string }, { id: string; name: string }];
    const injectId = '5b0e7f1c-3d2a-4c8e-9f6b-1a2b3c4d5e6f';
    const sent = await client.http().post(`/api/v1/sessions/${sessionId}/injects`).send({ stepId: 'exploit', teamId: t1.id, injectId }).expect(202);
    expect(sent.body).toEqual({ injectId, stepId: 'exploit', rangeIds: [rangeOf[t1.id]] });
    // The same inject again, and another inject of the same step: still one run.
    await client.http().post(`/api/v1/sessions/${sessionId}/injects`).send({ stepId: 'exploit', teamId: t1.id, injectId }).expect(202);
    await client.http().post(`/api/v1/sessions/${sessionId}/injects`).send({ stepId: 'exploit', teamId: t1.id }).expect(202);
    const unknown = await client.http().post(`/api/v1/sessions/${sessionId}/injects`).send({ stepId: 'no-such-step' }).expect(400);
    expect(unknown.body.errors).toEqual([{ field: 'stepId', messages: ['unknown attack step "no-such-step"'] }]);

    await waitFor('the injected step on team 1', async () => streams[t1.id]!.some((e) => e.type === 'attack-step'), 30000, 200);
    await sleep(3000); // the second inject's job has run too
    const runs: Array<{ range_id: string; step_id: string }> = await db.query(`SELECT range_id, step_id FROM attack_runs WHERE range_id = ANY($1::uuid[])`, [
      Object.values(rangeOf),
    ]);
    expect(runs).toEqual([{ range_id: rangeOf[t1.id], step_id: 'exploit' }]);
    const steps = streams[t1.id]!.filter((e) => e.type === 'attack-step');
    expect(steps).toHaveLength(1);
    expect(Object.keys(steps[0]!.data).sort()).toEqual(['scenarioMs', 'title']);
    expect(streams[t2.id]!.some((e) => e.type === 'attack-step')).toBe(false);
  }, 60000);

  it('a one-off step is checked as a template step, runs once for its team only, and that stream shows its title', async () => {
    const [t1, t2] = teams as [{ id: string; name: string }, { id: string; name: string }];
    const bad = await client.http().post(`/api/v1/sessions/${sessionId}/one-off-injects`)
      .send({ step: { id: 'exploit', node: 'web', argv: ['rm', '-rf', '/run/www'], title: { ja: '改ざん' }, offsetSeconds: 5 } })
      .expect(400);
    expect((bad.body.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(['step.argv[0]', 'step.id', 'step.node', 'step.offsetSeconds', 'step.title.en']);
    expect(bad.body.errors.find((e: { field: string }) => e.field === 'step.id').messages).toEqual(['duplicate attack step "exploit"']);
    await client.http().post(`/api/v1/sessions/${sessionId}/one-off-injects`).send({ step: { id: 'x', node: 'attacker', argv: ['recon', '${nope}'], title: { ja: 'x', en: 'x' } } }).expect(400);

    const injectId = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
    const step = { id: 'extra-recon', node: 'attacker', argv: ['recon', 'www', '80'], title: { ja: '追加の偵察', en: 'Extra reconnaissance' } };
    const sent = await client.http().post(`/api/v1/sessions/${sessionId}/one-off-injects`).send({ step, teamId: t2.id, injectId }).expect(202);
    expect(sent.body).toEqual({ injectId, stepId: 'extra-recon', rangeIds: [rangeOf[t2.id]] });
    await client.http().post(`/api/v1/sessions/${sessionId}/one-off-injects`).send({ step, teamId: t2.id, injectId }).expect(202);

    await waitFor('the one-off step on team 2', async () => streams[t2.id]!.some((e) => e.type === 'attack-step' && (e.data.title as { en: string }).en === step.title.en), 30000, 200);
    await sleep(1500);
    const runs: Array<{ range_id: string }> = await db.query(`SELECT range_id FROM attack_runs WHERE step_id = 'extra-recon'`);
    expect(runs).toEqual([{ range_id: rangeOf[t2.id] }]);
    const extraOn = (teamId: string) => streams[teamId]!.filter((e) => e.type === 'attack-step' && (e.data.title as { en: string }).en === step.title.en);
    expect(extraOn(t2.id).map((e) => e.data.title)).toEqual([step.title]);
    expect(extraOn(t1.id)).toEqual([]);
    const timeline2 = (await client.http().get(`/api/v1/ranges/${rangeOf[t2.id]}/timeline`).expect(200)).body as Array<{ kind: string; ref: string; summary: string }>;
    expect(timeline2.filter((e) => e.summary.includes('one-off inject'))).toHaveLength(1);
    expect(timeline2.some((e) => e.kind === 'attack-step' && e.ref === 'extra-recon')).toBe(true);
  }, 60000);

  it('pauses one team alone, resets one team only with its name, and finishing stops every clock and archives', async () => {
    const [t1, t2] = teams as [{ id: string; name: string }, { id: string; name: string }];
    const paused = await client.http().post(`/api/v1/sessions/${sessionId}/teams/${t1.id}/clock`).send({ action: 'pause' }).expect(200);
    expect(paused.body).toMatchObject({ state: 'paused', rangeId: rangeOf[t1.id] });
    expect((await client.http().get(`/api/v1/sessions/${sessionId}/scenario`).expect(200)).body.state).toBe('running');
    await waitFor('team 1 sees its own clock paused', async () => streams[t1.id]!.some((e) => e.type === 'clock' && e.data.scope === 'team' && e.data.state === 'paused'), 10000, 100);
    expect(streams[t2.id]!.some((e) => e.type === 'clock' && e.data.scope === 'team')).toBe(false);

    const wrong = await client.http().post(`/api/v1/sessions/${sessionId}/teams/${t2.id}/reset`).send({ confirm: t1.name }).expect(400);
    expect(wrong.body.errors[0].field).toBe('confirm');
    const reset = await client.http().post(`/api/v1/sessions/${sessionId}/teams/${t2.id}/reset`).send({ confirm: t2.name }).expect(202);
    expect(reset.body).toMatchObject({ id: rangeOf[t2.id], status: 'resetting' });
    await waitFor('team 2 range back to ready', async () => (await client.http().get(`/api/v1/ranges/${rangeOf[t2.id]}`).expect(200)).body.status === 'ready', 60000, 300);
    const timeline2 = (await client.http().get(`/api/v1/ranges/${rangeOf[t2.id]}/timeline`).expect(200)).body as Array<{ summary: string }>;
    expect(timeline2.map((e) => e.summary)).toContain(`${actorName}: range reset to T0 (confirmed)`);

    // Team 1 gets 10 more minutes: its stream and timeline say so, team 2's do not.
    await client.http().post(`/api/v1/sessions/${sessionId}/teams/${t1.id}/extend`).send({ minutes: 0 }).expect(400);
    const extended = await client.http().post(`/api/v1/sessions/${sessionId}/teams/${t1.id}/extend`).send({ minutes: 10 }).expect(200);
    const sessionEndsAt = new Date(extended.body.sessionEndsAt).getTime();
    expect(extended.body).toMatchObject({ teamId: t1.id, rangeId: rangeOf[t1.id], minutes: 10, extraMinutes: 10, endsAt: new Date(sessionEndsAt + 600_000).toISOString() });
    await waitFor('team 1 sees its extra time', async () => streams[t1.id]!.some((e) => e.type === 'extension'), 10000, 100);
    expect(streams[t1.id]!.find((e) => e.type === 'extension')!.data).toEqual({ minutes: 10, extraMinutes: 10, endsAt: extended.body.endsAt });
    expect(streams[t2.id]!.some((e) => e.type === 'extension')).toBe(false);
    const timeline1 = (await client.http().get(`/api/v1/ranges/${rangeOf[t1.id]}/timeline`).expect(200)).body as Array<{ summary: string }>;
    expect(timeline1.some((e) => e.summary.includes(`extra time: 10 min (10 in all); the team's clock ends at ${extended.body.endsAt}`))).toBe(true);
    // The JST wall time beside the instant (issue 13), worked out here: UTC + 9 hours.
    const endsAtJst = `${new Date(Date.parse(extended.body.endsAt) + 9 * 3600_000).toISOString().slice(0, 19)}+09:00`;
    expect((await client.http().get(`/api/v1/sessions/${sessionId}/day`).expect(200)).body.extendedTeams).toEqual([
      { teamId: t1.id, extraMinutes: 10, endsAt: extended.body.endsAt, endsAtJst },
    ]);

    // The day as it is one second after the session's end: team 2's clock stops, team 1 (extended) keeps its own, the session runs on.
    const lifecycle = api.get(SessionLifecycle);
    const steps = await lifecycle.sync(sessionId, () => new Date(sessionEndsAt + 1000));
    expect(steps).toEqual([{ kind: 'end-team-clocks', rangeIds: [rangeOf[t2.id]], why: 'their time ended; other teams were given extra time' }]);
    const atEnd: Array<{ range_id: string | null; state: string }> = await db.query(`SELECT range_id, state FROM scenario_clocks WHERE session_id = $1`, [sessionId]);
    expect(Object.fromEntries(atEnd.map((c) => [c.range_id ?? 'session', c.state]))).toEqual({ session: 'running', [rangeOf[t1.id]!]: 'paused', [rangeOf[t2.id]!]: 'stopped' });
    expect((await client.http().get(`/api/v1/sessions/${sessionId}/day`).expect(200)).body.status).toBe('running');
    await waitFor('team 2 sees its own clock stopped', async () => streams[t2.id]!.some((e) => e.type === 'clock' && e.data.scope === 'team' && e.data.state === 'stopped'), 10000, 100);
    expect(await lifecycle.sync(sessionId, () => new Date(sessionEndsAt + 5 * 60_000))).toEqual([]);

    await client.transition(sessionId, 'finished');
    const clocks: Array<{ range_id: string | null; state: string }> = await db.query(`SELECT range_id, state FROM scenario_clocks WHERE session_id = $1`, [sessionId]);
    expect(Object.fromEntries(clocks.map((c) => [c.range_id ?? 'session', c.state]))).toEqual({ session: 'stopped', [rangeOf[t1.id]!]: 'stopped', [rangeOf[t2.id]!]: 'stopped' });
    await client.http().post(`/api/v1/sessions/${sessionId}/teams/${t1.id}/extend`).send({ minutes: 5 }).expect(409);
    const archive = (await client.http().get(`/api/v1/sessions/${sessionId}/archive`).expect(200)).body;
    const team1 = archive.export.teams.find((t: { teamId: string }) => t.teamId === t1.id);
    expect(team1.timeline.some((e: { kind: string; ref: string }) => e.kind === 'attack-step' && e.ref === 'exploit')).toBe(true);
    // Frozen: no score event is written for the session any more.
    const answer = await client.http().post(`/api/v1/ranges/${rangeOf[t1.id]}/objectives/attacker-address/answers`).send({ value: '10.0.0.1' });
    expect(answer.status).toBe(409);
    expect(answer.body.message).toBe(`session ${sessionId} has finished: its scores are frozen`);
  }, 120000);
});
