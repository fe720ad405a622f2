import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { loadConfig } from '@app/config';
import { bullConnection, hostQueueName, JobName, LiveEvents, QueueName, type LiveEvent } from '@app/queue';
import { type Job, Queue } from 'bullmq';
import { RangeScenarios, ScenarioClockService } from '@app/scenario';
import { EvaluationService, ObjectiveService } from '@app/scoring';
import type { RangeBlueprint } from '@app/templates';
import { authed, operatorToken } from './support/access.js';
import { DataSource } from 'typeorm';
import { removeLabelledObjects } from './support/docker-cleanup.js';
import { closedSessionWithTeams, jstWallOf } from './support/scheduling-api.js';
import { createApiApp, createWorkerContext } from './support/test-app.js';
import { waitFor } from './support/waiting.js';

/**
 * Course A at 60x on the real engine and queue: two teams, one defended by a
 * script that does what trainees are expected to do, one left alone. Then an
 * Online A range on its own clock for pause/resume and the answer rules.
 */
const SPEED = 60;
const PATCH_CGI = ['sh', '-c', `sed -i 's/^eval .*/case "$host" in *[!0-9.]*) echo rejected ;; *) ping -c 1 -W 1 "$host" ;; esac/' /run/app/ping.sh`];

describe('Scenario and scoring (course A at high speed, real engine and queue)', () => {
  let api: INestApplication;
  let worker: INestApplicationContext;
  let db: DataSource;
  // A scheduled session closed with two teams (ranges are requested only for real ones).
  let sessionId: string;
  let defended: string;
  let idle: string;
  let token: string;
  const http = () => authed(api, token);
  let ranges: Record<string, { id: string; blueprint: RangeBlueprint }>;
  let onlineSession: string;
  let onlineTeam: string;

  const runsOf = async (rangeId: string): Promise<Array<{ step_id: string; status: string }>> =>
    db.query(`SELECT step_id, status FROM attack_runs WHERE range_id = $1 ORDER BY scenario_ms`, [rangeId]);
  const exec = (rangeId: string, node: string, argv: string[]) => worker.get(RangeScenarios).exec(rangeId, node, argv, 10);

  beforeAll(async () => {
    // CHECK_NOW_WAIT_MS: "check now" answers with the evaluation, not "queued", even on a host so busy that one takes over 10 s.
    Object.assign(process.env, { SCORING_EVALUATION_INTERVAL_MS: '1000', CHECK_NOW_MIN_INTERVAL_MS: '20000', CHECK_NOW_WAIT_MS: '60000' });
    worker = await createWorkerContext();
    api = await createApiApp();
    token = await operatorToken(api);
    db = api.get(DataSource);
    ({ sessionId, teamIds: [defended, idle] } = await closedSessionWithTeams(http, 2));
    await http().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId: 'course-a', teamIds: [defended, idle] }).expect(202);
    // The Online A range of the last tests is provisioned meanwhile (its own session and clock).
    ({ sessionId: onlineSession, teamIds: [onlineTeam] } = await closedSessionWithTeams(http, 1));
    await http().post(`/api/v1/sessions/${onlineSession}/ranges`).send({ templateId: 'online-a', teamIds: [onlineTeam] }).expect(202);
    await waitFor('both course A ranges ready', async () => {
      const res = await http().get(`/api/v1/sessions/${sessionId}/ranges`);
      const all = res.body.ranges as Array<{ status: string }>;
      if (all.some((r) => r.status === 'failed')) throw new Error(`provisioning failed: ${JSON.stringify(res.body)}`);
      return all.length === 2 && all.every((r) => r.status === 'ready');
    }, 120000, 500);
    const rows: Array<{ id: string; team_id: string; blueprint: RangeBlueprint }> = await db.query(
      `SELECT id, team_id, blueprint FROM ranges WHERE session_id = $1`,
      [sessionId],
    );
    ranges = Object.fromEntries(rows.map((r) => [r.team_id, { id: r.id, blueprint: r.blueprint }]));
  }, 180000);

  afterAll(async () => {
    // Tear the ranges down the way an operator would (subnets released, rows destroyed), then sweep by label.
    if (api && db) {
      const live: Array<{ id: string }> = await db.query(`SELECT id FROM ranges WHERE status <> 'destroyed'`);
      for (const { id } of live) await http().post(`/api/v1/ranges/${id}/teardown`);
      await waitFor('every range destroyed', async () => {
        const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM ranges WHERE status <> 'destroyed'`);
        return n === 0;
      }, 60000, 500).catch((err) => console.error(err.message));
    }
    await api?.close();
    await worker?.close();
    await removeLabelledObjects(loadConfig());
  });

  it('refuses clock changes that make no sense, with the reason', async () => {
    const res = await http().post(`/api/v1/sessions/${sessionId}/scenario`).send({ action: 'pause' }).expect(409);
    expect(res.body.message).toBe('cannot pause the scenario clock: it is idle');
    const bad = await http().post(`/api/v1/sessions/${sessionId}/scenario`).send({ action: 'start', speed: 61 }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['speed']);
  });

  it('the defending team meets every objective with the expected points and metrics; the idle team meets none', async () => {
    const team = ranges[defended]!;
    const v = team.blueprint.variables;
    const started = await http().post(`/api/v1/sessions/${sessionId}/scenario`).send({ action: 'start', speed: SPEED }).expect(200);
    expect(started.body).toMatchObject({ state: 'running', speed: SPEED });

    // The defenders act as soon as the implant is in: fix the CGI, kill and delete the implant, clear cron, restore the page.
    // At 60x the next step is 3 s away, less than four execs take on a busy host: the instructor pauses the clock
    // meanwhile (scenario time stands still, so scores and time bonuses are what they would be at any speed).
    await waitFor('the implant step', async () => (await runsOf(team.id)).some((r) => r.step_id === 'implant'), 60000, 100);
    await http().post(`/api/v1/sessions/${sessionId}/scenario`).send({ action: 'pause' }).expect(200);
    for (const argv of [PATCH_CGI, ['crontab', '-r'], ['pkill', '-f', v.implant_name!], ['sh', '-c', 'rm -rf /tmp/.cache && cp /srv/www/index.html /run/www/index.html']]) {
      await exec(team.id, 'web', argv);
    }
    await http().post(`/api/v1/sessions/${sessionId}/scenario`).send({ action: 'resume' }).expect(200);
    const answers: Record<string, string> = {
      'attacker-address': v.attacker_ip!,
      'c2-domain': v.c2_domain!.toUpperCase(),
      'vulnerable-program': '/cgi-bin/ping',
      'implant-path': `/tmp/.cache/${v.implant_name}`,
      'stolen-file': `/run/data/${v.customer_file}`,
    };
    for (const [objectiveId, value] of Object.entries(answers)) {
      const res = await http().post(`/api/v1/ranges/${team.id}/objectives/${objectiveId}/answers`).send({ value }).expect(200);
      // The points awarded are what the ledger wrote: the objective's points and, inside its window, its time bonus.
      const objective = team.blueprint.scenario!.objectives.find((o) => o.id === objectiveId)!;
      const [{ written }] = await db.query(
        `SELECT sum(points)::int AS written FROM score_events WHERE range_id = $1 AND objective_id = $2 AND type IN ('objective_met', 'time_bonus')`,
        [team.id, objectiveId],
      );
      expect({ objectiveId, correct: res.body.correct, points: res.body.pointsAwarded }).toEqual({ objectiveId, correct: true, points: written });
      expect([objective.points, objective.points + (objective.timeBonus?.points ?? 0)]).toContain(written);
    }
    const report = await http()
      .post(`/api/v1/ranges/${team.id}/objectives/incident-report/report`)
      .send({
        timeline: [{ at: 'T+4m', event: 'command injection through /cgi-bin/ping' }],
        impact: 'Implant on the web server; customer data file exposed.',
        iocs: [v.attacker_ip, v.c2_domain, v.c2_port, `/tmp/.cache/${v.implant_name}`, v.customer_file],
        actions: ['patched the CGI', 'killed and deleted the implant', 'removed the cron entry'],
        recommendations: ['input validation', 'egress filtering'],
        selfAnalysis: [{ item: 'detection took too long', cause: 'do' }, { item: 'no egress policy', cause: 'plan' }],
      })
      .expect(201);
    expect(Object.values(report.body.iocResults)).toEqual([true, true, true, true, true]);
    await http().post(`/api/v1/reports/${report.body.reportId}/grade`).send({ points: 150, rubric: { timeline: 40, impact: 40, actions: 40, recommendations: 30 } }).expect(200);

    // Wait for the whole attack to be over in both ranges and every check objective of the defenders to be met.
    const attack = team.blueprint.scenario!.attack;
    await waitFor('every attack step in both ranges', async () => {
      const [a, b] = await Promise.all([runsOf(team.id), runsOf(ranges[idle]!.id)]);
      return a.length === attack.length && b.length === attack.length;
    }, 90000, 500);
    const objectives = team.blueprint.scenario!.objectives;
    await waitFor('every objective of the defending team met', async () => {
      const res = await http().get(`/api/v1/ranges/${team.id}/objectives`).expect(200);
      return (res.body as Array<{ met: boolean }>).every((o) => o.met);
    }, 60000, 500);

    const runs = await runsOf(team.id);
    const blocked = runs.filter((r) => r.status === 'blocked').map((r) => r.step_id);
    expect(blocked).toEqual(expect.arrayContaining(['deface', 'exfiltrate']));
    expect(runs.filter((r) => r.status === 'failed')).toEqual([]);
    const idleRuns = await runsOf(ranges[idle]!.id);
    expect(idleRuns.map((r) => r.status)).toEqual(attack.map(() => 'executed'));

    // Every objective's points, the two time bonuses (both met well inside their windows), 10 per blocked step.
    const expected = objectives.reduce((sum, o) => sum + o.points, 0) + 50 + 50 + 10 * blocked.length;
    const board = await http().get(`/api/v1/sessions/${sessionId}/board`).expect(200);
    const row = (board.body.teams as Array<{ teamId: string; score: number; metrics: Record<string, number | null>; progress: Array<{ met: number; total: number }> }>).find(
      (t) => t.teamId === defended,
    )!;
    expect(row.score).toBe(expected);
    expect(row.progress.every((p) => p.met === p.total)).toBe(true);
    const firstStepMs: number = (await db.query(`SELECT min(scenario_ms)::int AS ms FROM attack_runs WHERE range_id = $1 AND status = 'executed'`, [team.id]))[0].ms;
    const firstDetect: number = (
      await db.query(`SELECT min(scenario_ms)::int AS ms FROM score_events WHERE range_id = $1 AND type = 'objective_met' AND phase = 'detect'`, [team.id])
    )[0].ms;
    expect(row.metrics.timeToDetectSeconds).toBe(Math.round((firstDetect - firstStepMs) / 1000));
    expect(row.metrics.timeToContainSeconds).toEqual(expect.any(Number));
    expect(row.metrics.timeToRecoverSeconds).toEqual(expect.any(Number));

    const idleRow = (board.body.teams as Array<{ teamId: string; score: number; metrics: { objectivesMet: string[] } }>).find((t) => t.teamId === idle)!;
    expect(idleRow.metrics.objectivesMet).toEqual([]);
    expect(idleRow.score).toBe(0);
    const idleObjectives = await http().get(`/api/v1/ranges/${ranges[idle]!.id}/objectives`).expect(200);
    expect((idleObjectives.body as Array<{ met: boolean }>).filter((o) => o.met)).toEqual([]);
  }, 240000);

  it('the board, the timeline and the exports agree with the score events', async () => {
    const events: Array<{ range_id: string; total: number; n: number }> = await db.query(
      `SELECT range_id, sum(points)::int AS total, count(*)::int AS n FROM score_events WHERE session_id = $1 GROUP BY range_id`,
      [sessionId],
    );
    const board = await http().get(`/api/v1/sessions/${sessionId}/board`).expect(200);
    const exported = await http().get(`/api/v1/sessions/${sessionId}/export.json`).expect(200);
    for (const team of board.body.teams as Array<{ rangeId: string; score: number }>) {
      const fromEvents = events.find((e) => e.range_id === team.rangeId);
      expect(team.score).toBe(fromEvents?.total ?? 0);
      const exportedTeam = (exported.body.teams as Array<{ rangeId: string; score: number; timeline: Array<{ kind: string; points: number }> }>).find(
        (t) => t.rangeId === team.rangeId,
      )!;
      expect(exportedTeam.score).toBe(team.score);
      const scoreEntries = exportedTeam.timeline.filter((e) => e.kind === 'score');
      expect(scoreEntries).toHaveLength(fromEvents?.n ?? 0);
      expect(scoreEntries.reduce((s, e) => s + e.points, 0)).toBe(team.score);
    }
    // Beside each instant, its JST wall time: the export's own, the clock's, each team's last event and timeline entries.
    expect(exported.body.exportedAtJst).toBe(jstWallOf(exported.body.exportedAt));
    expect(board.body.clock.updatedAtJst).toBe(jstWallOf(board.body.clock.updatedAt));
    for (const team of exported.body.teams as Array<{ lastEvent: { at: string; atJst: string } | null; timeline: Array<{ at: string; atJst: string }> }>) {
      if (team.lastEvent) expect(team.lastEvent.atJst).toBe(jstWallOf(team.lastEvent.at));
      for (const entry of team.timeline) expect(entry.atJst).toBe(jstWallOf(entry.at));
    }
    const csv = await http().get(`/api/v1/sessions/${sessionId}/export.csv`).expect(200).expect('Content-Type', /text\/csv/);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="scores.csv"');
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.text.slice(1).trim().split('\r\n');
    const timelineLength = (exported.body.teams as Array<{ timeline: unknown[] }>).reduce((s, t) => s + t.timeline.length, 0);
    expect(lines).toHaveLength(1 + timelineLength);

    // Cross-session statistics count finished sessions only: this one adds nothing while it is still open, then
    // its two teams once archived (other suites of the run may have finished sessions of the same course: the
    // figures are compared before and after).
    type Aggregate = Array<{ course: string; teams: number; objectives: Array<{ objectiveId: string; ranges: number; met: number; achievementRate: number }>; selfAnalysis: { plan: number; do: number } }>;
    const [{ course_code: course }] = await db.query(`SELECT course_code FROM sessions WHERE id = $1`, [sessionId]);
    const figures = (all: Aggregate) => {
      const c = all.find((x) => x.course === course);
      const o = c?.objectives.find((x) => x.objectiveId === 'attacker-address');
      return { teams: c?.teams ?? 0, ranges: o?.ranges ?? 0, met: o?.met ?? 0, plan: c?.selfAnalysis.plan ?? 0, do: c?.selfAnalysis.do ?? 0 };
    };
    const before = figures((await http().get('/api/v1/analytics/courses').expect(200)).body);
    await db.query(`INSERT INTO session_archives (session_id, finished_at, export_json, export_csv) VALUES ($1, now(), $2, '')`, [sessionId, exported.body]);
    const aggregate = await http().get('/api/v1/analytics/courses').expect(200);
    const after = figures(aggregate.body);
    // Two teams more, one of which found the attacker; one "plan" and one "do" cause in the defenders' report.
    expect({ teams: after.teams - before.teams, ranges: after.ranges - before.ranges, met: after.met - before.met, plan: after.plan - before.plan, do: after.do - before.do }).toEqual({
      teams: 2,
      ranges: 2,
      met: 1,
      plan: 1,
      do: 1,
    });
    const rate = (aggregate.body as Aggregate).find((x) => x.course === course)!.objectives.find((o) => o.objectiveId === 'attacker-address')!;
    expect(rate.achievementRate).toBe(after.met / after.ranges);
    // No personal data: no acting user of any answer.
    expect(JSON.stringify(aggregate.body)).not.toMatch(/operator:|trainee:|instructor:/);
    // The session plays on in the next tests: an archived session's scores are frozen (409), so the
    // stand-in archive goes again.
    await db.query(`DELETE FROM session_archives WHERE session_id = $1`, [sessionId]);
  });

  it('append-only: the ledger refuses updates and deletes', async () => {
    await expect(db.query(`UPDATE score_events SET points = 1000 WHERE session_id = $1`, [sessionId])).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM score_events WHERE session_id = $1`, [sessionId])).rejects.toThrow(/append-only/);
  });

  it("copy detection: another team's answer is flagged to the instructors with both teams, on both timelines, and costs nothing more", async () => {
    const copier = ranges[idle]!;
    const owner = ranges[defended]!;
    expect(copier.blueprint.variables.attacker_ip).not.toBe(owner.blueprint.variables.attacker_ip);
    const events: LiveEvent[] = [];
    const subscription = api.get(LiveEvents).stream(sessionId).subscribe((e) => events.push(e));
    await new Promise((r) => setTimeout(r, 300)); // the Redis subscription is confirmed asynchronously
    try {
      const url = `/api/v1/ranges/${copier.id}/objectives/attacker-address/answers`;
      const copied = await http().post(url).send({ value: owner.blueprint.variables.attacker_ip }).expect(200);
      expect(copied.body).toMatchObject({ correct: false, pointsAwarded: -10 });
      // A wrong guess that is nobody's answer is no evidence.
      await http().post(url).send({ value: '203.0.113.77' }).expect(200);

      const flags = await http().get(`/api/v1/sessions/${sessionId}/copy-flags`).expect(200);
      expect(flags.body).toEqual([
        expect.objectContaining({
          objectiveId: 'attacker-address',
          source: 'answer',
          submitter: { teamId: idle, rangeId: copier.id },
          owner: { teamId: defended, rangeId: owner.id },
          // The acting user is the credential's (this suite works as the operator).
          actor: `operator:${(await http().get('/api/v1/auth/me').expect(200)).body.principal.id}`,
        }),
      ]);
      for (const rangeId of [copier.id, owner.id]) {
        const timeline = await http().get(`/api/v1/ranges/${rangeId}/timeline`).expect(200);
        expect(timeline.body.filter((e: { kind: string }) => e.kind === 'copy-flag')).toEqual([
          expect.objectContaining({ type: 'copy-suspected', ref: flags.body[0].id, points: 0 }),
        ]);
      }
      await waitFor('the copy-suspected live event', async () => events.some((e) => e.type === 'copy-suspected'), 5000, 100);
      expect(events.find((e) => e.type === 'copy-suspected')).toMatchObject({
        sessionId,
        data: { objectiveId: 'attacker-address', submitter: { teamId: idle, rangeId: copier.id }, owner: { teamId: defended, rangeId: owner.id } },
      });
      // Only the two wrong answers' own penalty: the flag itself costs nothing.
      const [{ total }] = await db.query(`SELECT coalesce(sum(points), 0)::int AS total FROM score_events WHERE range_id = $1`, [copier.id]);
      expect(total).toBe(-20);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('spraying IOCs does not pay, a list over the cap is refused, and nobody grades a report of their own team', async () => {
    const team = ranges[idle]!;
    const v = team.blueprint.variables;
    const url = `/api/v1/ranges/${team.id}/objectives/incident-report/report`;
    const body = (iocs: string[]) => ({ timeline: [], impact: 'n/a', iocs, actions: [], recommendations: [], selfAnalysis: [] });
    const tooMany = await http().post(url).send(body(Array.from({ length: 21 }, (_, i) => `198.51.100.${i}`))).expect(400);
    expect(tooMany.body.errors).toEqual([{ field: 'iocs', messages: ['a report lists at most 20 IOCs (21 given)'] }]);

    // 15 guesses: four of the team's five IOCs (one of them three times over) and eleven wrong ones.
    const right = [v.attacker_ip!, v.c2_domain!, v.c2_port!, `/tmp/.cache/${v.implant_name}`];
    // One of the wrong ones is the other team's C2 port: evidence of copying as well.
    const theirs = ranges[defended]!.blueprint.variables.c2_port!;
    expect(theirs).not.toBe(v.c2_port);
    const sprayed = [...right, v.attacker_ip!, v.attacker_ip!, theirs, ...Array.from({ length: 8 }, (_, i) => `198.51.100.${i + 1}`)];
    expect(sprayed).toHaveLength(15);
    const res = await http().post(url).send(body(sprayed)).expect(201);
    expect(res.body.iocResults).toEqual({ 'attacker-ip': true, 'c2-domain': true, 'c2-port': true, implant: true, 'stolen-file': false });
    expect(res.body.wrongIocs).toBe(11);
    expect(res.body.autoPoints).toBeLessThan(0);
    const [{ total }] = await db.query(
      `SELECT sum(points)::int AS total FROM score_events WHERE range_id = $1 AND type IN ('report_submitted', 'ioc_wrong')`,
      [team.id],
    );
    expect(total).toBe(res.body.autoPoints);

    // The team's own trainee may not grade it (403), whatever route reaches the service.
    await expect(
      api.get(ObjectiveService).gradeReport(res.body.reportId, 150, {}, { id: 'trainee-idle', role: 'trainee', teamId: idle }),
    ).rejects.toMatchObject({ kind: 'forbidden', message: 'nobody grades a report of their own team' });
    const [{ graded }] = await db.query(`SELECT count(*)::int AS graded FROM score_events WHERE range_id = $1 AND type = 'report_graded'`, [team.id]);
    expect(graded).toBe(0);
    const flags = await http().get(`/api/v1/sessions/${sessionId}/copy-flags`).expect(200);
    expect(flags.body.filter((f: { source: string }) => f.source === 'ioc')).toEqual([
      expect.objectContaining({ objectiveId: 'incident-report', submitter: { teamId: idle, rangeId: team.id }, owner: { teamId: defended, rangeId: ranges[defended]!.id } }),
    ]);
  });

  describe('Online A on its own clock', () => {
    let trainee: string;
    let rangeId: string;
    let blueprint: RangeBlueprint;

    beforeAll(async () => {
      trainee = onlineTeam;
      await waitFor('the online A range ready', async () => {
        const res = await http().get(`/api/v1/sessions/${onlineSession}/ranges`);
        return res.body.ranges?.[0]?.status === 'ready' ? true : undefined;
      }, 120000, 500);
      [{ id: rangeId, blueprint }] = await db.query(`SELECT id, blueprint FROM ranges WHERE session_id = $1`, [onlineSession]);
    }, 180000);

    it('pause stops the attack steps and resume continues them', async () => {
      const clock = `/api/v1/sessions/${onlineSession}/ranges/${rangeId}/scenario`;
      // Slow enough that the pause lands before the last step (due 33 s after the first at 10x; at 30x
      // 11 s was too close on a busy host); once paused the clock goes to 60x, so the wait for "nothing
      // runs while paused" and the rest of the scenario after the resume take seconds, not minutes.
      await http().post(clock).send({ action: 'start', speed: 10 }).expect(200);
      await waitFor('the first step', async () => (await runsOf(rangeId)).length >= 1, 30000, 100);
      // The range's jobs are on the queues of the range host that holds it.
      const [{ host_name: host }] = await db.query(`SELECT host_name FROM ranges WHERE id = $1`, [rangeId]);
      const scoringQueue = new Queue(hostQueueName(QueueName.Scoring, host), bullConnection(loadConfig()));
      // Scoring follows the clock: its repeatable evaluation of the range runs while the clock runs, and only then.
      expect(await scoringQueue.getJobScheduler(`evaluate.${rangeId}`)).toMatchObject({ every: 1000 });
      const paused = await http().post(clock).send({ action: 'pause' }).expect(200);
      expect(paused.body.state).toBe('paused');
      expect(await scoringQueue.getJobScheduler(`evaluate.${rangeId}`)).toBeUndefined();
      // A step already running when the clock paused may still finish: wait until none is active.
      const scenarioQueue = new Queue(hostQueueName(QueueName.Scenario, host), bullConnection(loadConfig()));
      await waitFor('in-flight steps to finish', async () => {
        const active: Job[] = await scenarioQueue.getActive();
        return !active.some((job) => job.name === JobName.RunAttackStep && job.data.rangeId === rangeId);
      }, 60000, 200);
      const ranWhenPaused = (await runsOf(rangeId)).length;
      const steps = blueprint.scenario!.attack;
      expect(ranWhenPaused).toBeLessThan(steps.length);
      const speed = 60;
      const faster = await http().post(clock).send({ action: 'speed', speed }).expect(200);
      expect(faster.body).toMatchObject({ state: 'paused', speed, scenarioMs: paused.body.scenarioMs });
      // Longer than the whole remaining scenario would take at this speed: nothing may run meanwhile.
      const remainingMs = (steps[steps.length - 1]!.offsetSeconds * 1000 - paused.body.scenarioMs) / speed + 1500;
      await new Promise((r) => setTimeout(r, remainingMs));
      expect((await runsOf(rangeId)).length).toBe(ranWhenPaused);
      await http().post(clock).send({ action: 'resume' }).expect(200);
      // Re-timed to the new speed: every 30 scenario s is 500 ms at 60x, sooner than the 1 s configured for slower clocks.
      expect(await scoringQueue.getJobScheduler(`evaluate.${rangeId}`)).toMatchObject({ every: 500 });
      await waitFor('every step after resume', async () => (await runsOf(rangeId)).length === steps.length, 60000, 200);
      await Promise.all([scoringQueue.close(), scenarioQueue.close()]);
    }, 120000);

    it('while paused, scoring is frozen: answers, hints and reports refused, holds neither completed nor reset; a trainee cannot resume', async () => {
      const clock = `/api/v1/sessions/${onlineSession}/ranges/${rangeId}/scenario`;
      const evaluation = worker.get(EvaluationService);
      const holdOf = async (): Promise<{ holds: boolean; ms: number | null }> => {
        const [row] = await db.query(`SELECT holds, holding_since_ms FROM objective_checks WHERE range_id = $1 AND objective_id = 'backdoor-removed'`, [rangeId]);
        return { holds: row?.holds ?? false, ms: row?.holding_since_ms === null || row === undefined ? null : Number(row.holding_since_ms) };
      };
      const metEvent = async () =>
        (await db.query(`SELECT scenario_ms FROM score_events WHERE range_id = $1 AND objective_id = 'backdoor-removed' AND type = 'objective_met'`, [rangeId]))[0] as
          | { scenario_ms: string }
          | undefined;
      const paused = await http().post(clock).send({ action: 'pause' }).expect(200);
      expect(paused.body.state).toBe('paused');
      const pausedAtMs: number = paused.body.scenarioMs;

      const answer = await http().post(`/api/v1/ranges/${rangeId}/objectives/attacker-address/answers`).send({ value: blueprint.variables.attacker_ip }).expect(409);
      expect(answer.body.message).toBe('the clock is paused');
      await http().post(`/api/v1/ranges/${rangeId}/objectives/backdoor-port/hints`).expect(409);
      const report = await http()
        .post(`/api/v1/ranges/${rangeId}/objectives/report/report`)
        .send({ timeline: [], impact: 'x', iocs: [blueprint.variables.attacker_ip], actions: [], recommendations: [], selfAnalysis: [] })
        .expect(409);
      expect(report.body.message).toBe('the clock is paused');
      // A trainee may start a self-paced clock, never resume (or pause) it.
      await expect(
        api.get(ScenarioClockService).control({ sessionId: onlineSession, rangeId }, 'resume', { id: 'trainee-x', role: 'trainee', teamId: trainee }),
      ).rejects.toMatchObject({ kind: 'forbidden' });

      // The defender removes the cron backdoor during the pause: the probe holds from the paused scenario time on,
      // and however long the pause lasts (longer here than the 30 s hold takes at 60x) it completes nothing.
      await exec(rangeId, 'web', ['crontab', '-r']);
      await evaluation.evaluate(rangeId);
      expect(await holdOf()).toEqual({ holds: true, ms: pausedAtMs });
      await new Promise((r) => setTimeout(r, 4000));
      const again = await evaluation.evaluate(rangeId);
      expect(again.newlyMet).toEqual([]);
      expect(await holdOf()).toEqual({ holds: true, ms: pausedAtMs });
      expect(await metEvent()).toBeUndefined();

      // After the resume the hold goes on from where it was (not reset) and completes 30 s of scenario time later.
      await http().post(clock).send({ action: 'resume' }).expect(200);
      await waitFor('the backdoor-removed hold to complete', async () => Boolean(await metEvent()), 30000, 200);
      expect(Number((await metEvent())!.scenario_ms)).toBeGreaterThanOrEqual(pausedAtMs + 30_000);
      expect((await holdOf()).ms).toBe(pausedAtMs);
    }, 90000);

    it('penalises wrong answers and holds the attempt limit', async () => {
      const url = `/api/v1/ranges/${rangeId}/objectives/attacker-address/answers`;
      for (let attempt = 1; attempt <= 5; attempt++) {
        const res = await http().post(url).send({ value: '203.0.113.9' }).expect(200);
        expect(res.body).toMatchObject({ correct: false, attemptsLeft: 5 - attempt });
        expect(res.body.pointsAwarded).toBeLessThan(0);
      }
      const refused = await http().post(url).send({ value: blueprint.variables.attacker_ip }).expect(409);
      expect(refused.body.message).toContain('attempt limit (5) is reached');
      const state = (await http().get(`/api/v1/ranges/${rangeId}/objectives`).expect(200)).body.find((o: { id: string }) => o.id === 'attacker-address');
      expect(state).toMatchObject({ met: false, attemptsUsed: 5, attemptsLeft: 0 });
      expect(state.pointsEarned).toBe(5 * (await penaltyOf(rangeId, 'attacker-address')));
    });

    it('hints are ordered and cost points; check now is rate limited', async () => {
      const first = await http().post(`/api/v1/ranges/${rangeId}/objectives/attacker-address/hints`).expect(200);
      expect(first.body.index).toBe(0);
      const hints = blueprint.scenario!.objectives.find((o) => o.id === 'attacker-address')!.hints;
      expect(first.body.text).toEqual(hints[0]!.text);
      const checked = await http().post(`/api/v1/ranges/${rangeId}/check-now`).expect(200);
      expect(checked.body.status).toBe('evaluated');
      const again = await http().post(`/api/v1/ranges/${rangeId}/check-now`).expect(429);
      expect(again.body.retryAfterSeconds).toBeGreaterThan(0);
      expect(again.headers['retry-after']).toBe(String(again.body.retryAfterSeconds));
    });

    async function penaltyOf(id: string, objectiveId: string): Promise<number> {
      const rows: Array<{ points: number }> = await db.query(
        `SELECT points FROM score_events WHERE range_id = $1 AND objective_id = $2 AND type = 'answer_wrong' LIMIT 1`,
        [id, objectiveId],
      );
      return rows[0]!.points;
    }
  });
});
