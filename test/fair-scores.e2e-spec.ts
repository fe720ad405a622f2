import { isVisibleToTrainees, type Objective, type RangeBlueprint } from '@app/templates';
import { DataSource } from 'typeorm';
import { type RangeBody, RangeTestApp } from './support/range-app.js';
import { DEFENCES } from './support/scripted-defence.js';
import { waitFor } from './support/waiting.js';

const SHIPPED = ['course-a', 'course-b', 'course-c', 'online-a'];
const SPEED = 60;

interface BoardTeam {
  rangeId: string;
  score: number;
  maxScore: number;
  metrics: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Fair scores on every shipped template, through the production API, worker, provisioner, attack
 * runner and probes. Two teams of one session play the whole attack at 60x side by side:
 * - a team that does nothing scores exactly 0 and gets no time metric (no objective met before the
 *   attack made it mean something);
 * - a scripted defending team, acting as trainees would (answers through the answer route once the
 *   step they follow has run, the expected containment, eradication and recovery typed into its
 *   nodes after the attack, the report with every IOC, graded in full by the instructor), scores
 *   the template's maximum, every time bonus included.
 */
describe('Fair scores: an idle team scores 0 and a defending team the maximum, on every shipped template', () => {
  let app: RangeTestApp;
  let db: DataSource;
  const http = () => app.http();

  // Every template's two ranges are requested at once, before any attack plays: each test then
  // waits only for its own (already ready, past the first), and no provisioning competes with a play
  // at 60x once the first has started.
  const teams: Record<string, Promise<RangeBody[]>> = {};

  beforeAll(async () => {
    app = await RangeTestApp.start();
    db = app.worker.get(DataSource);
    for (const templateId of SHIPPED) {
      teams[templateId] = app.provisionTeams(templateId, 2, 300000);
      teams[templateId].catch(() => undefined); // awaited (and reported) by the template's own test
    }
    await Promise.allSettled(Object.values(teams));
  }, 330000);

  afterAll(async () => {
    await app?.close();
  });

  const ranSteps = async (rangeId: string): Promise<Set<string>> =>
    new Set((await db.query(`SELECT step_id FROM attack_runs WHERE range_id = $1`, [rangeId]) as Array<{ step_id: string }>).map((r) => r.step_id));

  /** The answer objectives, each sent as soon as the team could know it: once its step ran (the bonus clock starts then). */
  async function answerAsTheyBecomeKnown(range: RangeBody, blueprint: RangeBlueprint, play: { over: boolean }): Promise<void> {
    const { attack, objectives } = blueprint.scenario!;
    const pending = objectives.filter((o) => o.kind === 'answer');
    while (pending.length && !play.over) {
      const ran = await ranSteps(range.id);
      const known = pending.filter((o) => (o.after ? ran.has(o.after) : o.timeBonus !== undefined || ran.size === attack.length));
      for (const o of known) {
        const answered = await http().post(`/api/v1/ranges/${range.id}/objectives/${o.id}/answers`).send({ value: o.answer!.expected! });
        expect({ objective: o.id, status: answered.status, correct: answered.body.correct }).toEqual({ objective: o.id, status: 200, correct: true });
        pending.splice(pending.indexOf(o), 1);
      }
      if (pending.length) await sleep(200);
    }
  }

  /**
   * The template's defence in the team's nodes (each command once its step has run, the rest after the
   * attack), then the report with every IOC, graded in full.
   */
  async function defendAndReport(range: RangeBody, blueprint: RangeBlueprint, templateId: string, play: { over: boolean }): Promise<void> {
    const { attack, objectives } = blueprint.scenario!;
    const pending = DEFENCES[templateId]!(blueprint.variables);
    while (pending.length && !play.over) {
      const ran = await ranSteps(range.id);
      const due = pending.filter(([, , after]) => (after ? ran.has(after) : ran.size === attack.length));
      for (const command of due) {
        const [node, argv] = command;
        const result = await app.exec(range, node, argv);
        expect({ node, argv, exitCode: result.exitCode }).toEqual({ node, argv, exitCode: 0 });
        pending.splice(pending.indexOf(command), 1);
      }
      if (pending.length) await sleep(200);
    }
    for (const o of objectives.filter((x) => x.kind === 'report')) {
      const submitted = await http()
        .post(`/api/v1/ranges/${range.id}/objectives/${o.id}/report`)
        .send({
          timeline: attack.map((s) => ({ at: `+${s.offsetSeconds}s`, event: s.title.en })),
          impact: 'The attack as it played out, its scope and its damage.',
          iocs: o.report!.iocs.map((ioc) => ioc.expected),
          actions: ['Contained, eradicated and recovered as the objectives ask.'],
          recommendations: ['Patch, rotate credentials, monitor the logs.'],
          selfAnalysis: [],
        })
        .expect(201);
      expect({ objective: o.id, wrongIocs: submitted.body.wrongIocs, missed: Object.values(submitted.body.iocResults).filter((ok) => !ok).length }).toEqual({
        objective: o.id,
        wrongIocs: 0,
        missed: 0,
      });
      // The instructor gives the rubric everything the IOCs did not earn.
      await http()
        .post(`/api/v1/reports/${submitted.body.reportId}/grade`)
        .send({ points: o.points - submitted.body.autoPoints, rubric: { timeline: 'complete' } })
        .expect(200);
    }
  }

  /**
   * The logs trainees analyse: the log server's collection and each node's own log, on every node
   * they see. Lines by file.
   */
  async function evidence(range: RangeBody, blueprint: RangeBlueprint): Promise<Record<string, string[]>> {
    const files: Array<[node: string, path: string]> = blueprint.nodes
      .filter((n) => isVisibleToTrainees(n))
      .flatMap((n) => [[n.name, '/run/log/messages'] as [string, string], ...(n.role === 'logserver' ? [[n.name, '/run/log/remote/all.log'] as [string, string]] : [])]);
    const read = await Promise.all(files.map(async ([node, path]) => (await app.exec(range, node, ['cat', path])).stdout.split('\n').filter((l) => l !== '')));
    return Object.fromEntries(files.map(([node, path], i) => [`${node}:${path}`, read[i]!]));
  }

  /** What a scoring probe would leave in a log: its marker, a served request, a CGI's line, a relay of a connection from the Internet. */
  const probeFootprint = (blueprint: RangeBlueprint) => (line: string) =>
    /cyder-probe|\burl:|\bresponse:\d|webapp|admin-console/.test(line) ||
    (blueprint.variables.attacker_ip !== undefined && line.includes(`relay from ${blueprint.variables.attacker_ip}:`));

  it.each(SHIPPED)('%s: an idle and a defending team of one session, the whole attack at 60x', async (templateId) => {
    const [idle, defended] = await teams[templateId]!;
    const [{ session_id: sessionId, blueprint }] = await db.query(`SELECT session_id, blueprint FROM ranges WHERE id = $1`, [defended!.id]);
    const { attack, objectives } = (blueprint as RangeBlueprint).scenario!;
    const template = (await http().get(`/api/v1/templates/${templateId}`).expect(200)).body as { maxScore: number };
    expect(template.maxScore).toBeGreaterThan(0);

    const play = { over: false };
    try {
      await http().post(`/api/v1/sessions/${sessionId}/scenario`).send({ action: 'start', speed: SPEED }).expect(200);
      const defending = Promise.all([answerAsTheyBecomeKnown(defended!, blueprint, play), defendAndReport(defended!, blueprint, templateId, play)]);
      defending.catch(() => undefined); // awaited below; a failure meanwhile is not unhandled
      await waitFor(`every attack step of ${templateId} to run against the idle team`, async () => (await ranSteps(idle!.id)).size === attack.length, 180000, 500);
      const idleAttackDone = Date.now();
      // The evidence once the last step's own lines have been shipped: from here on the idle team's range
      // sees nothing but the scoring probes of every pending check, on every evaluation pass.
      await sleep(1500);
      const evidenceBefore = await evidence(idle!, blueprint);
      await defending;

      const board = async () => (await http().get(`/api/v1/sessions/${sessionId}/board`).expect(200)).body as { teams: BoardTeam[] };
      const team = async (range: RangeBody) => (await board()).teams.find((t) => t.rangeId === range.id)!;
      // The defence's holds (at most 300 scenario s, 5 s here) complete on the next evaluations.
      await waitFor(`the defending team of ${templateId} to reach ${template.maxScore}`, async () => (await team(defended!)).score >= template.maxScore, 60000, 500).catch(() => undefined);
      // Evaluations after the last step (one right after each step, then every 30 scenario s): long enough for
      // any contain or eradicate hold to complete for the idle team, had it wrongly held.
      await sleep(Math.max(0, idleAttackDone + 8000 - Date.now()));

      const events = async (range: RangeBody) =>
        (await db.query(`SELECT type, objective_id, points FROM score_events WHERE range_id = $1 ORDER BY id`, [range.id]) as Array<{
          type: string;
          objective_id: string | null;
          points: number;
        }>).map((e) => `${e.type} ${e.objective_id ?? ''} ${e.points}`);
      const runs: Array<{ range_id: string; step_id: string; status: string }> = await db.query(
        `SELECT range_id, step_id, status FROM attack_runs WHERE range_id = ANY($1) AND status = 'blocked'`,
        [[idle!.id, defended!.id]],
      );
      expect({ templateId, blocked: runs.map((r) => `${r.range_id === idle!.id ? 'idle' : 'defended'} ${r.step_id} ${r.status}`) }).toEqual({ templateId, blocked: [] });

      const [{ evaluated }] = await db.query(`SELECT count(*)::int AS evaluated FROM objective_checks WHERE range_id = $1`, [idle!.id]);
      expect(evaluated).toBeGreaterThan(0);
      // Clean evidence: several evaluation passes later (one every 30 scenario s, 0.5 s here), no probe left a line.
      const evidenceAfter = await evidence(idle!, blueprint);
      const added = Object.fromEntries(Object.entries(evidenceAfter).map(([file, lines]) => [file, lines.slice(evidenceBefore[file]?.length ?? 0)]));
        const footprint = probeFootprint(blueprint);
      expect({ templateId, probeLines: Object.entries(added).flatMap(([file, lines]) => lines.filter(footprint).map((l) => `${file} ${l}`)) }).toEqual({
        templateId,
        probeLines: [],
      });
      const idleTeam = await team(idle!);
      expect({
        templateId,
        score: idleTeam.score,
        scoreEvents: await events(idle!),
        timeToDetectSeconds: idleTeam.metrics.timeToDetectSeconds ?? null,
        timeToContainSeconds: idleTeam.metrics.timeToContainSeconds ?? null,
        timeToRecoverSeconds: idleTeam.metrics.timeToRecoverSeconds ?? null,
      }).toEqual({ templateId, score: 0, scoreEvents: [], timeToDetectSeconds: null, timeToContainSeconds: null, timeToRecoverSeconds: null });

      // The maximum: every objective met, every time bonus, nothing taken off (events listed to show what is missing).
      const defendedTeam = await team(defended!);
      const defendedEvents = await events(defended!);
      const withBonus = objectives.filter((o: Objective) => o.timeBonus).map((o) => o.id);
      expect({
        templateId,
        score: defendedTeam.score,
        maxScore: defendedTeam.maxScore,
        unmet: objectives.filter((o) => !defendedEvents.some((e) => e.startsWith(`objective_met ${o.id} `))).map((o) => o.id),
        bonusMissing: withBonus.filter((id) => !defendedEvents.some((e) => e.startsWith(`time_bonus ${id} `))),
        penalties: defendedEvents.filter((e) => / -\d+$/.test(e)),
      }).toEqual({ templateId, score: template.maxScore, maxScore: template.maxScore, unmet: [], bonusMissing: [], penalties: [] });
      expect(defendedTeam.metrics.timeToContainSeconds).toEqual(expect.any(Number));
    } finally {
      play.over = true;
      // Whatever failed, the clock stops and both ranges go: nothing left probing at 60x for the next template.
      await http().post(`/api/v1/sessions/${sessionId}/scenario`).send({ action: 'stop' });
      await Promise.all([idle, defended].map((r) => http().post(`/api/v1/ranges/${r!.id}/teardown`)));
    }
  }, 480000);
});
