import { AppConfig, loadConfig } from '@app/config';
import { DockerEngine, RangeImageBuilder } from '@app/docker';
import { TemplateCatalog, type RangeBlueprint } from '@app/templates';
import { BlueprintRunner } from './support/blueprint-runner.js';
import { removeLabelledObjects } from './support/docker-cleanup.js';
import { freeSubnets } from './support/free-subnets.js';

/**
 * Each shipped template, rendered and run on the real engine: every attack
 * step works against an undefended range, the contain/eradicate probes see
 * the damage, a scripted defence (what trainees are expected to do) makes
 * every check objective hold, and the attack is then blocked.
 */
type Defence = (v: Record<string, string>) => Array<[node: string, argv: string[]]>;

// Replaces the CGI's eval by a strict check of the address: the fix trainees are expected to make.
const PATCH_CGI = ['sh', '-c', `sed -i 's/^eval .*/case "$host" in *[!0-9.]*) echo rejected ;; *) ping -c 1 -W 1 "$host" ;; esac/' /run/app/ping.sh`];

// pkill runs on its own (not inside sh -c), or the shell holding the pattern would be killed too.
const DEFENCES: Record<string, Defence> = {
  'course-a': (v) => [
    ['web', PATCH_CGI],
    ['web', ['crontab', '-r']],
    ['web', ['pkill', '-f', v.implant_name!]],
    ['web', ['sh', '-c', 'rm -rf /tmp/.cache && cp /srv/www/index.html /run/www/index.html']],
  ],
  'course-b': (v) => [
    ['pc01', ['crontab', '-r']],
    ['pc01', ['pkill', '-f', v.implant_name!]],
    ['pc01', ['rm', '-rf', '/tmp/.cache']],
    ['fileserver', ['sh', '-c', `sed -i 's/:${v.admin_password}$/:Rotated-2026-x9/' /run/httpd.conf && kill -HUP $(pidof httpd)`]],
  ],
  'course-c': (v) => [
    ['web', PATCH_CGI],
    ['web', ['crontab', '-r']],
    ['web', ['pkill', '-f', v.implant_name!]],
    ['web', ['rm', '-rf', '/tmp/.font-unix']],
    ['web', ['sh', '-c', 'setsid /usr/local/bin/log-ship >/dev/null 2>&1 &']],
  ],
  'online-a': () => [
    ['web', PATCH_CGI],
    ['web', ['crontab', '-r']],
    ['web', ['cp', '/srv/www/index.html', '/run/www/index.html']],
  ],
};

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

describe('Shipped templates played on the real engine', () => {
  let config: AppConfig;
  let engine: DockerEngine;
  let builder: RangeImageBuilder;
  let catalog: TemplateCatalog;

  beforeAll(async () => {
    config = loadConfig();
    engine = DockerEngine.fromConfig(config);
    await engine.connectOrFail();
    builder = new RangeImageBuilder(engine, config);
    await builder.ensureAll();
    catalog = new TemplateCatalog(config);
    catalog.reload();
  });

  afterAll(async () => {
    await removeLabelledObjects(config);
    engine.close();
  });

  it.each(Object.keys(DEFENCES))('%s: the attack works, leaves evidence, and the expected defence meets every check', async (id) => {
    const summary = await catalog.describe(id);
    const free = await freeSubnets(engine, summary.networks.length);
    const subnets = Object.fromEntries(summary.networks.map((n, k) => [n, free[k]!]));
    const blueprint: RangeBlueprint = await catalog.render(id, subnets, `e2e-${id}`);
    const runner = new BlueprintRunner(engine, config, blueprint);
    try {
      await runner.provision(builder);
      const { attack, objectives } = blueprint.scenario!;

      const runs = [];
      for (const step of attack) runs.push(await runner.runStep(step));
      expect(runs.map(({ id: stepId, outcome, exitCode }) => ({ stepId, outcome, exitCode }))).toEqual(
        attack.map((s) => ({ stepId: s.id, outcome: 'ran', exitCode: 0 })),
      );

      // Log lines travel through the shipper asynchronously; give them a moment to arrive.
      for (const [node, argv, variable] of EVIDENCE[id]!) {
        let output = '';
        for (let attempt = 0; attempt < 20 && !output.includes(blueprint.variables[variable]!); attempt++) {
          if (attempt) await new Promise((r) => setTimeout(r, 250));
          output = (await runner.exec(node, argv)).stdout;
        }
        expect({ node, variable, found: output.includes(blueprint.variables[variable]!) }).toEqual({ node, variable, found: true });
      }

      const checks = objectives.filter((o) => o.kind === 'check');
      // What the attack damaged: contain/eradicate checks, and any check tied to a step that ran.
      const damaged = checks.filter((o) => o.phase === 'contain' || o.phase === 'eradicate' || o.after !== undefined);
      expect(damaged.length).toBeGreaterThan(0);
      for (const objective of damaged) {
        expect({ objective: objective.id, holds: await runner.checkHolds(objective) }).toEqual({ objective: objective.id, holds: false });
      }

      for (const [node, argv] of DEFENCES[id]!(blueprint.variables)) {
        const result = await runner.exec(node, argv);
        expect({ node, argv, exitCode: result.exitCode }).toEqual({ node, argv, exitCode: 0 });
      }
      for (const objective of checks) {
        expect({ objective: objective.id, holds: await runner.checkHolds(objective) }).toEqual({ objective: objective.id, holds: true });
      }

      // Steps guarded by a precondition are now blocked: the trainees stopped them.
      const guarded = attack.filter((s) => s.precondition);
      expect(guarded.length).toBeGreaterThan(0);
      for (const step of guarded) expect((await runner.runStep(step)).outcome).toBe('blocked');
    } finally {
      await removeLabelledObjects(config);
    }
  });
});
