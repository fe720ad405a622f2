import { AttackStepRunner } from '@app/scenario';
import { EvaluationService } from '@app/scoring';
import type { Objective, RangeBlueprint } from '@app/templates';
import { DataSource } from 'typeorm';
import { type RangeBody, RangeTestApp } from './support/range-app.js';
import { DEFENCES } from './support/scripted-defence.js';

/**
 * Each shipped template on the real engine, all through production code: the range provisioned by
 * the API, the worker's job and the RangeProvisioner; every attack step tried by the scenario's
 * AttackStepRunner (precondition, confirmation, step); every check objective's probe taken by the
 * scoring's EvaluationService. Every step works against an undefended range, the contain/eradicate
 * probes see the damage, a scripted defence (what trainees are expected to do) makes every check
 * objective hold, and the guarded steps are then blocked. No clock runs: the steps are tried in order.
 */
const SHIPPED = Object.keys(DEFENCES);

/** What trainees must be able to find, per template: node, command, and the variable its output shows. */
const EVIDENCE: Record<string, Array<[node: string, argv: string[], variable: string]>> = {
  'course-a': [
    ['logserver', ['cat', '/var/log/remote/all.log'], 'attacker_ip'],
    ['web', ['ps', '-o', 'args'], 'c2_domain'],
  ],
  'course-b': [
    ['logserver', ['cat', '/var/log/remote/all.log'], 'admin_user'],
    ['pc01', ['ps', '-o', 'args'], 'c2_domain'],
  ],
  'course-c': [
    ['logserver', ['cat', '/var/log/remote/all.log'], 'c2_port'],
    ['web', ['ps', '-o', 'args'], 'cdn_name'],
  ],
  'online-a': [
    ['web', ['cat', '/var/log/messages'], 'attacker_ip'],
    ['web', ['crontab', '-l'], 'backdoor_port'],
  ],
};

describe('Shipped templates played on the real engine by the production provisioner, attack runner and probes', () => {
  let app: RangeTestApp;
  let db: DataSource;
  let steps: AttackStepRunner;
  let evaluation: EvaluationService;
  // Every template's range is asked for at once (the engine builds them side by side); each test waits for its own.
  const provisioned: Record<string, Promise<RangeBody>> = {};

  beforeAll(async () => {
    app = await RangeTestApp.start();
    db = app.worker.get(DataSource);
    steps = app.worker.get(AttackStepRunner);
    evaluation = app.worker.get(EvaluationService);
    for (const id of SHIPPED) {
      provisioned[id] = app.provision(id, 240000);
      provisioned[id].catch(() => undefined); // awaited (and reported) by the template's own test
    }
  });

  afterAll(async () => {
    await app?.close();
  });

  it.each(SHIPPED)('%s: the attack works, leaves evidence, and the expected defence meets every check', async (id) => {
    const range = await provisioned[id]!;
    const [{ blueprint }]: Array<{ blueprint: RangeBlueprint }> = await db.query(`SELECT blueprint FROM ranges WHERE id = $1`, [range.id]);
    const { attack, objectives } = blueprint.scenario!;
    const v = blueprint.variables;
    const holds = async (checks: Objective[]) =>
      (await evaluation.probe(range.id, checks)).map((verdict, i) => ({ objective: checks[i]!.id, holds: verdict.holds, detail: verdict.detail }));

    const runs = [];
    for (const step of attack) {
      const { status, result } = await steps.attempt(range.id, step);
      runs.push({ stepId: step.id, status, exitCode: result.exitCode });
    }
    expect(runs).toEqual(attack.map((s) => ({ stepId: s.id, status: 'executed', exitCode: 0 })));

    // Log lines travel through the shipper asynchronously; give them a moment to arrive.
    for (const [node, argv, variable] of EVIDENCE[id]!) {
      let output = '';
      for (let attempt = 0; attempt < 20 && !output.includes(v[variable]!); attempt++) {
        if (attempt) await new Promise((r) => setTimeout(r, 250));
        output = (await app.exec(range, node, argv)).stdout;
      }
      expect({ node, variable, found: output.includes(v[variable]!) }).toEqual({ node, variable, found: true });
    }

    const checks = objectives.filter((o) => o.kind === 'check');
    // What the attack damaged: contain/eradicate checks, and any check tied to a step that ran.
    const damaged = checks.filter((o) => o.phase === 'contain' || o.phase === 'eradicate' || o.after !== undefined);
    expect(damaged.length).toBeGreaterThan(0);
    expect((await holds(damaged)).filter((c) => c.holds)).toEqual([]);

    for (const [node, argv] of DEFENCES[id]!(v)) {
      const result = await app.exec(range, node, argv);
      expect({ node, argv, exitCode: result.exitCode }).toEqual({ node, argv, exitCode: 0 });
    }
    expect((await holds(checks)).filter((c) => !c.holds)).toEqual([]);

    // Steps guarded by a precondition are now blocked: the trainees stopped them. A command line that merely names
    // the range's things (a trainee reading the implant, the scorer's own probe) runs meanwhile and fools no guard.
    const guarded = attack.filter((s) => s.precondition);
    expect(guarded.length).toBeGreaterThan(0);
    for (const node of new Set(guarded.map((s) => s.precondition!.node))) {
      const decoy = await app.exec(range, node, ['sh', '-c', 'setsid sh -c "sleep 120; exit 0 # $*" </dev/null >/dev/null 2>&1 &', 'decoy', ...Object.values(v)]);
      expect({ node, decoy: decoy.exitCode }).toEqual({ node, decoy: 0 });
    }
    const after = [];
    for (const step of guarded) {
      const { status, result } = await steps.attempt(range.id, step);
      after.push({ stepId: step.id, status, output: status === 'blocked' ? '' : `${result.stdout}${result.stderr}`.slice(0, 300) });
    }
    expect(after).toEqual(guarded.map((s) => ({ stepId: s.id, status: 'blocked', output: '' })));
    await app.teardown(range);
  }, 300000);
});
