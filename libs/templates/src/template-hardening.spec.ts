import { checkTemplateSource, loadTemplateSource } from './load-template.js';
import { formatIssue } from './model.js';
import { normalizeAnswer } from './normalize-answer.js';
import { compileProbePattern, probePatternProblem } from './probe-pattern.js';
import { hasUnclosedReference, referencedVariables, substitute } from './substitution.js';
import { parseTemplate } from './template-parser.js';
import { renderTemplate } from './template-renderer.js';
import { isImageReference, MAX_REPORTED_ISSUES, type ValidateOptions } from './template-validator.js';
import { BUILTIN_IMAGES, toYaml, validTemplate } from './template-fixture.spec-helper.js';

const options: ValidateOptions = { builtinImages: BUILTIN_IMAGES, subnetPrefix: 24 };
const check = (data: unknown, o: ValidateOptions = options) => checkTemplateSource(toYaml(data), o);
const lines = (data: unknown, o: ValidateOptions = options) => check(data, o).issues.map(formatIssue);

/** Runs fn and returns its result with the wall time it took: a guard against super-linear work (the old image regex took 8 s on 98 KB), bounded 10x above what a loaded 2-core CI host needs for linear work. */
function timed<T>(fn: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = fn();
  return { result, ms: performance.now() - start };
}

describe('templates are semi-trusted input: nothing in them costs super-linear time', () => {
  it('refuses a 98 KB image value, the old regex\'s worst case, in milliseconds', () => {
    check(validTemplate()); // warm up (class-validator metadata, JIT), so only the refusal is timed
    for (const image of ['a'.repeat(98_000) + '!', 'a.'.repeat(49_000) + '/', `${'a-'.repeat(49_000)}:`]) {
      const t = validTemplate();
      t.nodes[0].image = image;
      const source = toYaml(t);
      const { result, ms } = timed(() => checkTemplateSource(source, options).issues.map(formatIssue));
      expect(result).toEqual([expect.stringMatching(/^nodes\[0\]\.image: image must be at most 255 characters/)]);
      expect(ms).toBeLessThan(2000);
    }
  });

  it('checks image references piece by piece, in linear time even at the 255-character bound', () => {
    for (const good of [
      'nginx:1.27',
      'registry.local:5000/team/logs:1.2',
      'localhost/range/web',
      'library/nginx@sha256:' + 'a'.repeat(64),
      'ghcr.io/org/img_name--x__y:v1.2-rc.3',
    ]) {
      expect({ good, ok: isImageReference(good) }).toEqual({ good, ok: true });
    }
    for (const bad of ['Upper/case', 'a//b', ':tag', 'a:', 'x@sha256:zz', 'a/b:' + 't'.repeat(200), '-a/b', 'a/.b']) {
      expect({ bad, ok: isImageReference(bad) }).toEqual({ bad, ok: false });
    }
    const worst = 'a-'.repeat(126) + '!';
    const { result, ms } = timed(() => isImageReference(worst));
    expect(result).toBe(false);
    expect(ms).toBeLessThan(500);
  });

  it('scans ${...} without regex backtracking: 50,000 unclosed "${" in milliseconds, and reports them', () => {
    const text = '${'.repeat(50_000);
    const { result, ms } = timed(() => [referencedVariables(text), hasUnclosedReference(text)] as const);
    expect(result).toEqual([[], true]);
    expect(ms).toBeLessThan(2000);
    expect(substitute('a $${x} ${v} ${ b', { v: 'V' })).toBe('a ${x} V ${ b');
    const t = validTemplate();
    t.attack.steps[1].argv = ['recon', 'www', 'echo ${flag'];
    expect(lines(t)).toEqual(['attack.steps[1].argv[2]: "${" is never closed (write $${ for a literal ${)']);
  });

  it('runs probe patterns on RE2: a catastrophic pattern matches in linear time; backreferences and lookaround are refused', () => {
    const pattern = compileProbePattern('^(a+)+$');
    const { result, ms } = timed(() => pattern.test('a'.repeat(30_000) + '!'));
    expect(result).toBe(false);
    expect(ms).toBeLessThan(2000);
    expect(compileProbePattern('^ok-\\d+$').test('x\nok-12\ny')).toBe(true);
    expect(probePatternProblem('(a)\\1')).toMatch(/invalid regular expression \(RE2 syntax.*\\1/);
    expect(probePatternProblem('(?=a)b')).toMatch(/invalid regular expression/);
    expect(probePatternProblem('a'.repeat(1001))).toBe('pattern is longer than 1000 characters');
    const t = validTemplate();
    t.objectives[2].check.http.bodyMatches = '(ok)\\1';
    t.objectives[1].check.exec.outputNotMatches = '(?<!x)${implant}';
    expect(lines(t)).toEqual([
      expect.stringMatching(/^objectives\[1\]\.check\.exec\.outputNotMatches: invalid regular expression/),
      expect.stringMatching(/^objectives\[2\]\.check\.http\.bodyMatches: invalid regular expression/),
    ]);
  });

  it('normalises 100 KB of hostile answer text in linear time', () => {
    const hostile = ["'" + 'a'.repeat(100_000), '[' + ':'.repeat(100_000), '1.'.repeat(50_000) + ':x', ' \t'.repeat(50_000) + 'x'];
    for (const normalizer of ['text', 'ip', 'path', 'hostname', 'hex', 'number'] as const) {
      const { ms } = timed(() => hostile.forEach((h) => normalizeAnswer(normalizer, h)));
      expect({ normalizer, fast: ms < 2000 }).toEqual({ normalizer, fast: true });
    }
  });

  it('refuses YAML nested deeper than a template needs before the parser recurses', () => {
    const { result, ms } = timed(() => parseTemplate('a: ' + '['.repeat(100_000)));
    expect(result.issues).toEqual([{ path: '', message: 'template nests [ ] or { } deeper than 64 levels' }]);
    expect(ms).toBeLessThan(2000);
  });
});

describe('template paths, sizes and modes', () => {
  it('normalises file paths before the "under /tmp or /run" rule, refusing .. segments and control characters', () => {
    const t = validTemplate();
    t.nodes[1].files = [
      { path: '/tmp/../etc/x', content: '' },
      { path: '/run/ok\u0000x', content: '' },
      { path: '/run/', content: '' },
      { path: '/tmp/./fine', content: '' },
      { path: '/etc/passwd', content: '' },
      { path: 'relative', content: '' },
    ];
    t.nodes[2].readOnlyRoot = false;
    t.nodes[2].files = [{ path: '/etc/../x', content: '' }, { path: '/etc/ok', content: '' }];
    expect(lines(t)).toEqual([
      'nodes[1].files[5].path: path must be an absolute path',
      'nodes[1].files[0].path: "/tmp/../etc/x" holds a ".." segment: give the path without it',
      'nodes[1].files[1].path: path must not hold NUL or control characters',
      'nodes[1].files[2].path: "/run/" names a directory: give a file path',
      'nodes[1].files[4].path: "/etc/passwd" is on the read-only root: place files under /tmp or /run, or set readOnlyRoot: false',
      'nodes[2].files[0].path: "/etc/../x" holds a ".." segment: give the path without it',
    ]);
  });

  it('checks a file path as it renders with each value of its variables', () => {
    const t = validTemplate();
    t.variables.push({ name: 'dir', kind: 'pick', from: ['cache', '../../etc'] });
    t.nodes[1].files = [{ path: '/run/${dir}/x', content: '' }];
    expect(lines(t)).toEqual(['nodes[1].files[0].path: "/run/../../etc/x" holds a ".." segment: give the path without it (once rendered)']);
  });

  it('reads file modes as octal: "0644", 0o644 and YAML 1.2\'s plain 0644; says why a decimal-looking 644 is refused', () => {
    const t = validTemplate();
    t.nodes[1].files = [
      { path: '/run/a', content: '', mode: '0640' },
      { path: '/run/b', content: '', mode: '755' },
      { path: '/run/c', content: '', mode: 0o600 },
    ];
    const loaded = loadTemplateSource(toYaml(t).replace("mode: 384", 'mode: 0o600'), options);
    expect(loaded.nodes[1]!.files.map((f) => f.mode)).toEqual([0o640, 0o755, 0o600]);
    const plain = toYaml(t).replace('mode: "0640"', 'mode: 0640');
    expect(plain).toContain('mode: 0640');
    expect(loadTemplateSource(plain, options).nodes[1]!.files[0]!.mode).toBe(0o640);
    t.nodes[1].files = [{ path: '/run/a', content: '', mode: 644 }, { path: '/run/b', content: '', mode: '0999' }];
    expect(lines(t)).toEqual([
      'nodes[1].files[0].mode: mode must be permission bits up to 0777, as an octal string ("0644") or 0o644 (644 is read as a decimal number: quote it, "0644", or write 0o644)',
      'nodes[1].files[1].mode: mode must be permission bits up to 0777, as an octal string ("0644") or 0o644',
    ]);
  });

  it('checks host offsets and the number of nodes per network against RANGE_SUBNET_PREFIX', () => {
    const t = validTemplate();
    t.nodes[2].networks[0].hostOffset = 63;
    expect(lines(t, { ...options, subnetPrefix: 26 })).toEqual([
      'nodes[2].networks[0].hostOffset: host offset 63 is outside a /26 range network (RANGE_SUBNET_PREFIX): use 2 to 62',
    ]);
    t.nodes[2].networks[0].hostOffset = 62;
    expect(lines(t, { ...options, subnetPrefix: 26 })).toEqual([]);
    // A /30 has 4 addresses: the network, the gateway, one node, the broadcast.
    t.nodes[2].networks[0].hostOffset = 2;
    expect(lines(t, { ...options, subnetPrefix: 30 })).toEqual([
      'networks[1]: network "dmz" has 2 nodes; a /30 range network (RANGE_SUBNET_PREFIX) holds 1',
      'networks[0]: network "internet" has 2 nodes; a /30 range network (RANGE_SUBNET_PREFIX) holds 1',
    ]);
  });

  it('caps the error list at 100 and says how many more there are (a 10,000-node template)', () => {
    const t = validTemplate();
    t.nodes = Array.from({ length: 10_000 }, () => ({}));
    const source = toYaml(t);
    expect(Buffer.byteLength(source)).toBeLessThan(256 * 1024);
    const result = checkTemplateSource(source, options);
    expect(result.issues).toHaveLength(MAX_REPORTED_ISSUES);
    expect(result.omittedIssues).toBeGreaterThan(40_000);
    expect(() => loadTemplateSource(source, options)).toThrow(new RegExp(`and ${result.omittedIssues} more error\\(s\\) not listed`));
  });
});

describe('everything render substitutes is checked before deploy', () => {
  it('reports an unknown ${var} in step titles, objective titles and descriptions, IOC labels, hints and probes, each with its path', () => {
    const t = validTemplate();
    t.attack.steps[0].title.en = 'Exploit ${victim}';
    t.objectives[0].title.ja = '誰 ${who_ja}';
    t.objectives[0].description = { ja: '説明', en: 'From ${where}' };
    t.objectives[0].hints[0].text.en = 'Look at ${log_file}';
    t.objectives[3].report.iocs[0].label.en = 'IP of ${thing}';
    t.objectives[1].check.exec.argv = ['sh', '-c', 'test ${missing}'];
    expect(lines(t)).toEqual([
      'attack.steps[0].title.en: unknown variable "${victim}"',
      'objectives[0].title.ja: unknown variable "${who_ja}"',
      'objectives[0].hints[0].text.en: unknown variable "${log_file}"',
      'objectives[0].description.en: unknown variable "${where}"',
      'objectives[1].check.exec.argv[2]: unknown variable "${missing}"',
      'objectives[3].report.iocs[0].label.en: unknown variable "${thing}"',
    ]);
  });

  it('refuses pick and word values that hold ${...} or repeat', () => {
    const t = validTemplate();
    t.variables[1].from = ['alpha', 'alpha', '${flag}'];
    expect(lines(t)).toEqual([
      'variables[1].from[1]: "alpha" is listed twice',
      'variables[1].from[2]: a value must not hold ${...}: variables are not substituted into other variables',
    ]);
  });
});

describe('scores that cannot be gamed (validator part)', () => {
  it('refuses an answer whose attempts could walk its whole pick list, including lists named in alternatives', () => {
    const t = validTemplate();
    t.objectives[0].answer = { variable: 'implant', maxAttempts: 3 };
    t.objectives.push(
      { ...t.objectives[0], id: 'path', answer: { expected: '/tmp/${implant}', maxAttempts: 2 } },
      { ...t.objectives[0], id: 'alt', answer: { expected: 'fixed', alternatives: ['${implant}-x'], maxAttempts: 3 } },
      { ...t.objectives[0], id: 'word', answer: { variable: 'group', maxAttempts: 30 } },
      { ...t.objectives[0], id: 'hexed', answer: { expected: '${implant}-${flag}', maxAttempts: 100 } },
    );
    expect(lines(t)).toEqual([
      'objectives[0].answer.maxAttempts: 3 attempts can walk every one of the 3 values the answer can take ("implant" is one of 3): allow at most 2',
      'objectives[5].answer.maxAttempts: 3 attempts can walk every one of the 3 values the answer can take ("implant" is one of 3): allow at most 2',
      'objectives[6].answer.maxAttempts: 30 attempts can walk every one of the 30 values the answer can take ("group" is one of 30): allow at most 29',
    ]);
  });

  it('counts the default of 5 attempts, and the addresses trainees see for an address answer (not a hidden node\'s)', () => {
    const t = validTemplate();
    t.variables.push({ name: 'web_ip', kind: 'address', node: 'web', network: 'dmz' });
    t.objectives[0].answer = { variable: 'web_ip', maxAttempts: 1 };
    expect(lines(t)).toEqual([]);
    t.objectives[0].answer = { variable: 'web_ip' };
    expect(lines(t)).toEqual([
      'objectives[0].answer.maxAttempts: 5 attempts can walk every one of the 2 values the answer can take ("web_ip" is the address of node "web", one of the 2 nodes trainees see on network "dmz"): allow at most 1',
    ]);
    t.variables[1].from = ['a', 'b', 'c', 'd', 'e'];
    t.objectives[0].answer = { variable: 'implant' };
    expect(lines(t)).toEqual([
      'objectives[0].answer.maxAttempts: 5 attempts can walk every one of the 5 values the answer can take ("implant" is one of 5): allow at most 4',
    ]);
    // The attacker is hidden: its address is not a list trainees can read.
    t.objectives[0].answer = { variable: 'attacker_ip', maxAttempts: 100 };
    expect(lines(t)).toEqual([]);
  });

  it('refuses a contain, eradicate or recover check that follows no attack step, all at once', () => {
    const t = validTemplate();
    delete t.objectives[1].after;
    delete t.objectives[2].after;
    t.objectives.push({ ...t.objectives[1], id: 'erad', phase: 'eradicate' }, { ...t.objectives[1], id: 'seen', phase: 'detect' });
    expect(lines(t)).toEqual([
      'objectives[1].after: a contain check answers damage an attack step does: name that step in after, so the check counts only once it has run (an idle team would meet it otherwise)',
      'objectives[2].after: a recover check answers damage an attack step does: name that step in after, so the check counts only once it has run (an idle team would meet it otherwise)',
      'objectives[4].after: an eradicate check answers damage an attack step does: name that step in after, so the check counts only once it has run (an idle team would meet it otherwise)',
    ]);
  });
});

describe('trainee access per node: visibility, shell, shell user, capabilities per role', () => {
  const base = () => {
    const t = validTemplate();
    t.nodes.push(
      { name: 'router', image: 'router', role: 'router', networks: [{ network: 'dmz' }], capabilities: ['NET_ADMIN'] },
      { name: 'c2', image: 'c2', role: 'c2', networks: [{ network: 'internet' }] },
      { name: 'soc', image: 'workstation', role: 'workstation', networks: [{ network: 'dmz' }] },
    );
    return t;
  };

  it('defaults by role: the adversary hidden without a shell, NET_ADMIN without a shell, the rest a shell as "trainee"', () => {
    const template = loadTemplateSource(toYaml(base()), options);
    const view = Object.fromEntries(template.nodes.map((n) => [n.name, { visible: n.visible, shell: n.shell, shellUser: n.shellUser }]));
    expect(view).toEqual({
      logserver: { visible: true, shell: true, shellUser: 'trainee' },
      web: { visible: true, shell: true, shellUser: 'trainee' },
      attacker: { visible: false, shell: false, shellUser: 'trainee' },
      router: { visible: true, shell: false, shellUser: 'trainee' },
      c2: { visible: false, shell: false, shellUser: 'trainee' },
      soc: { visible: true, shell: true, shellUser: 'trainee' },
    });
  });

  it('carries visible, shell and shellUser into the rendered blueprint', () => {
    const t = base();
    t.nodes[1].shellUser = 'root';
    t.nodes[3].shell = true;
    t.nodes[3].shellUser = 'netops';
    const template = loadTemplateSource(toYaml(t), options);
    const blueprint = renderTemplate({ template, hash: 'h'.repeat(64), subnets: { internet: '10.210.0.0/24', dmz: '10.210.1.0/24' }, seed: 's' });
    const view = Object.fromEntries(blueprint.nodes.map((n) => [n.name, [n.visible, n.shell, n.shellUser]]));
    expect(view).toMatchObject({ web: [true, true, 'root'], router: [true, true, 'netops'], attacker: [false, false, 'trainee'] });
  });

  it('refuses what cannot be made safe, each with its path, all at once', () => {
    const t = base();
    t.nodes[3].shell = true;
    t.nodes[3].shellUser = 'root';
    t.nodes[4].visible = false;
    t.nodes[4].shell = true;
    t.nodes[5].capabilities = ['NET_RAW'];
    t.nodes[0].capabilities = ['NET_ADMIN'];
    t.nodes[2].shellUser = 'root';
    t.nodes[1].shellUser = 'Root!';
    expect(lines(t)).toEqual([
      'nodes[1].shellUser: shellUser must be a Unix account name (lowercase letters, digits, _ or -, at most 32)',
      'nodes[0].capabilities[0]: capability "NET_ADMIN" is only allowed for the roles attacker, router, firewall, not "logserver" (a logserver may have NET_BIND_SERVICE, CHOWN, SETUID, SETGID, KILL, DAC_OVERRIDE, FOWNER)',
      'nodes[2].shellUser: trainees get no shell on this node (it holds NET_ADMIN), so shellUser has no use',
      'nodes[3].shellUser: a root shell on a node with NET_ADMIN could rewire the range network: name an unprivileged account, or drop NET_ADMIN',
      'nodes[4].shell: trainees get a shell on a node they do not see: set visible: true, or shell: false',
      'nodes[5].capabilities[0]: capability "NET_RAW" is only allowed for the roles server, c2, attacker, router, firewall, not "workstation" (a workstation may have NET_BIND_SERVICE, CHOWN, SETUID, SETGID, KILL, DAC_OVERRIDE, FOWNER)',
    ]);
  });
});
