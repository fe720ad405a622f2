import { checkTemplateSource } from './load-template.js';
import { formatIssue } from './model.js';
import { parseTemplate } from './template-parser.js';
import { validateTemplate } from './template-validator.js';
import { BUILTIN_IMAGES, toYaml, validTemplate } from './template-fixture.spec-helper.js';

const check = (data: unknown) => checkTemplateSource(toYaml(data), { builtinImages: BUILTIN_IMAGES });
const lines = (data: unknown) => check(data).issues.map(formatIssue);

describe('template parse -> validate', () => {
  it('accepts the valid fixture', () => {
    const result = check(validTemplate());
    expect(result.issues).toEqual([]);
    expect(result.template?.id).toBe('mini');
  });

  it('reports YAML syntax errors with line and column, before any validation', () => {
    const parsed = parseTemplate('id: x\nnodes: [\n  - a: 1\n');
    expect(parsed.value).toBeUndefined();
    expect(parsed.issues.length).toBeGreaterThan(0);
    expect(parsed.issues[0]!.path).toMatch(/^yaml \(line \d+, column \d+\)$/);
  });

  it('rejects duplicate keys and a document that is not a mapping', () => {
    expect(parseTemplate('id: a\nid: b\n').issues[0]!.message).toMatch(/unique|duplicate/i);
    expect(parseTemplate('- just\n- a list\n').issues).toEqual([{ path: '', message: expect.stringMatching(/mapping/) }]);
  });

  it('reports an unknown network with its path', () => {
    const t = validTemplate();
    t.nodes[1].networks[1].network = 'dmz2';
    expect(lines(t)).toEqual(['nodes[1].networks[1]: unknown network "dmz2"']);
  });

  it('reports unknown nodes wherever a node is referenced', () => {
    const t = validTemplate();
    t.nodes[1].dependsOn = ['db'];
    t.attack.steps[0].node = 'ghost';
    t.objectives[1].check.exec.node = 'nobody';
    t.objectives[2].check.http.from = 'nowhere';
    t.variables[2].node = 'missing';
    expect(lines(t)).toEqual(
      expect.arrayContaining([
        'nodes[1].dependsOn[0]: unknown node "db"',
        'attack.steps[0].node: unknown node "ghost"',
        'objectives[1].check.exec.node: unknown node "nobody"',
        'objectives[2].check.http.from: unknown node "nowhere"',
        'variables[2].node: unknown node "missing"',
      ]),
    );
  });

  it('reports duplicate names of networks, nodes, variables, steps and objectives', () => {
    const t = validTemplate();
    t.networks.push({ name: 'dmz' });
    t.nodes.push({ ...t.nodes[0], networks: [{ network: 'internet' }] });
    t.variables.push({ name: 'flag', kind: 'word' });
    t.attack.steps.push({ ...t.attack.steps[1] });
    t.objectives.push({ ...t.objectives[0] });
    expect(lines(t)).toEqual(
      expect.arrayContaining([
        'networks[2].name: duplicate network "dmz"',
        'nodes[3].name: duplicate node "logserver"',
        'variables[5].name: duplicate variable "flag"',
        'attack.steps[2].id: duplicate attack step "recon"',
        'objectives[4].id: duplicate objective "who"',
      ]),
    );
  });

  it('reports a missing image and an unknown built-in image', () => {
    const t = validTemplate();
    delete t.nodes[0].image;
    t.nodes[1].image = 'webz';
    const out = lines(t);
    expect(out).toEqual(expect.arrayContaining([expect.stringMatching(/^nodes\[0\]\.image: missing image/)]));
    expect(out).toEqual(expect.arrayContaining([expect.stringMatching(/^nodes\[1\]\.image: unknown built-in range image "webz"/)]));
  });

  it('accepts any image reference that is not a bare name', () => {
    const t = validTemplate();
    t.nodes[0].image = 'registry.local:5000/team/logs:1.2';
    expect(check(t).template?.nodes[0]!.image).toEqual({ reference: 'registry.local:5000/team/logs:1.2' });
  });

  it('refuses capabilities outside the allowlist, and NET_ADMIN for a server', () => {
    const t = validTemplate();
    t.nodes[1].capabilities = ['NET_BIND_SERVICE', 'SYS_ADMIN', 'NET_ADMIN'];
    expect(lines(t)).toEqual([
      expect.stringMatching(/^nodes\[1\]\.capabilities\[1\]: capability "SYS_ADMIN" is not allowed/),
      'nodes[1].capabilities[2]: capability "NET_ADMIN" is only allowed for the roles attacker, router, firewall, not "server" (a server may have NET_BIND_SERVICE, CHOWN, SETUID, SETGID, KILL, DAC_OVERRIDE, FOWNER, NET_RAW)',
    ]);
  });

  it('reports resources out of bounds', () => {
    const t = validTemplate();
    t.nodes[1].resources = { memoryMb: 4096, cpus: 0, pids: 100000 };
    expect(lines(t)).toEqual([
      'nodes[1].resources.memoryMb: memoryMb must not be greater than 512',
      'nodes[1].resources.cpus: cpus must not be less than 0.05',
      'nodes[1].resources.pids: pids must not be greater than 512',
    ]);
  });

  it('reports every unknown ${variable}, in commands, env, files, steps, answers and probes', () => {
    const t = validTemplate();
    t.nodes[1].env.SECRET = '${secret}';
    t.nodes[1].readOnlyRoot = false;
    t.nodes[1].files = [{ path: '/etc/motd', content: 'hello ${who_knows}' }];
    t.attack.steps[1].argv = ['recon', '${target}'];
    t.objectives[0].answer = { expected: '${nope}' };
    t.objectives[2].check.http.url = 'http://${host_var}/';
    expect(lines(t)).toEqual(
      expect.arrayContaining([
        'nodes[1].env.SECRET: unknown variable "${secret}"',
        'nodes[1].files[0].content: unknown variable "${who_knows}"',
        'attack.steps[1].argv[1]: unknown variable "${target}"',
        'objectives[0].answer.expected: unknown variable "${nope}"',
        'objectives[2].check.http.url: unknown variable "${host_var}"',
      ]),
    );
  });

  it('reports a dependency cycle once, with the nodes in it', () => {
    const t = validTemplate();
    t.nodes[0].dependsOn = ['attacker'];
    expect(lines(t)).toEqual(['nodes[0].dependsOn: dependency cycle: logserver -> attacker -> web -> logserver']);
  });

  it('reports a node depending on itself', () => {
    const t = validTemplate();
    t.nodes[0].dependsOn = ['logserver'];
    expect(lines(t)).toEqual(['nodes[0].dependsOn[0]: node "logserver" depends on itself']);
  });

  it('reports EVERY error of a broken template at once, each with its path', () => {
    const t = validTemplate();
    t.version = 1.5;
    t.courses = ['Z'];
    t.networks.push({ name: 'dmz' });
    t.nodes[0].image = '';
    t.nodes[1].networks[1].network = 'dmz2';
    t.nodes[1].capabilities = ['SYS_ADMIN'];
    t.nodes[1].resources = { memoryMb: 1 };
    t.nodes[1].shel = true;
    t.nodes[0].dependsOn = ['attacker'];
    t.attack.steps[0].argv = ['echo', '${unknown_var}'];
    t.objectives[0].phase = 'celebrate';
    t.objectives[0].after = 'no-such-step';
    const out = lines(t);
    expect(out).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^version: /),
        expect.stringMatching(/^courses: each course must be one of/),
        'networks[2].name: duplicate network "dmz"',
        expect.stringMatching(/^nodes\[0\]\.image: missing image/),
        'nodes[1].networks[1]: unknown network "dmz2"',
        expect.stringMatching(/^nodes\[1\]\.capabilities\[0\]: capability "SYS_ADMIN" is not allowed/),
        'nodes[1].resources.memoryMb: memoryMb must not be less than 16',
        'nodes[1].shel: unknown field "shel"',
        'nodes[0].dependsOn: dependency cycle: logserver -> attacker -> web -> logserver',
        'attack.steps[0].argv[1]: unknown variable "${unknown_var}"',
        expect.stringMatching(/^objectives\[0\]\.phase: phase must be one of detect, analyze, contain, eradicate, recover, report/),
        'objectives[0].after: unknown attack step "no-such-step"',
      ]),
    );
    expect(out.length).toBeGreaterThanOrEqual(12);
  });

  it('checks each objective kind carries its own section, and exactly one probe', () => {
    const t = validTemplate();
    delete t.objectives[0].answer;
    t.objectives[1].check = { exec: t.objectives[1].check.exec, http: { from: 'web', url: 'http://www/' } };
    t.objectives[3].answer = { variable: 'flag' };
    expect(lines(t)).toEqual([
      'objectives[0].answer: a "answer" objective needs its answer section',
      'objectives[1].check: give exactly one probe: exec (in a node) or http (a GET from one node to another)',
      'objectives[3].answer: only a "answer" objective has a answer section (this one is "report")',
    ]);
  });

  it('checks answer variables, probe hosts and regular expressions', () => {
    const t = validTemplate();
    t.objectives[0].answer = { variable: 'ghost' };
    t.objectives[2].check.http.url = 'http://intranet/';
    t.objectives[2].check.http.bodyMatches = '([unclosed';
    expect(lines(t)).toEqual([
      'objectives[0].answer.variable: unknown variable "ghost"',
      'objectives[2].check.http.url: unknown host "intranet": name a node, one of its aliases, or an address variable',
      expect.stringMatching(/^objectives\[2\]\.check\.http\.bodyMatches: invalid regular expression/),
    ]);
  });

  it('checks address variables name a network their node joins', () => {
    const t = validTemplate();
    t.variables[2].network = 'dmz';
    expect(lines(t)).toEqual(['variables[2].network: node "attacker" does not join network "dmz"']);
  });

  it('catches DNS name clashes and reused host offsets on one network', () => {
    const t = validTemplate();
    t.nodes[2].networks[0].aliases = ['www'];
    t.nodes[1].networks[0].hostOffset = 200;
    expect(lines(t)).toEqual([
      'nodes[2].networks[0].aliases: duplicate name "www" on network "internet" (already node "web")',
      'nodes[2].networks[0].hostOffset: host offset 200 on network "internet" is already node "web"\'s',
    ]);
  });

  it('only places files on a read-only root under /tmp or /run', () => {
    const t = validTemplate();
    t.nodes[1].files = [{ path: '/etc/motd', content: 'x' }, { path: '/run/motd', content: 'y' }];
    expect(lines(t)).toEqual([
      'nodes[1].files[0].path: "/etc/motd" is on the read-only root: place files under /tmp or /run, or set readOnlyRoot: false',
    ]);
  });

  it('never throws on malformed structure: it reports it', () => {
    const weird = [
      { ...validTemplate(), nodes: 'web' },
      { ...validTemplate(), networks: [null, 3, 'dmz'] },
      { ...validTemplate(), variables: [{}, null, { name: 'x', kind: 'address' }] },
      { ...validTemplate(), attack: { steps: [null, { id: 5, argv: 'ls' }] } },
      { ...validTemplate(), attack: 'now' },
      { ...validTemplate(), objectives: [{ kind: 'check', check: 5 }, { kind: 'answer', answer: [] }, null] },
      { ...validTemplate(), nodes: [{ name: 'a', networks: 'dmz', env: ['X'], files: {}, dependsOn: 'b', capabilities: 'ALL' }] },
    ];
    for (const data of weird) {
      const result = validateTemplate(data, { builtinImages: BUILTIN_IMAGES });
      expect(result.dto).toBeUndefined();
      expect(result.issues.length).toBeGreaterThan(0);
      for (const issue of result.issues) expect(typeof issue.message).toBe('string');
    }
  });

  it('validates plain data without YAML too (validateTemplate step alone)', () => {
    expect(validateTemplate(validTemplate(), { builtinImages: BUILTIN_IMAGES }).issues).toEqual([]);
    const broken = validateTemplate({}, { builtinImages: BUILTIN_IMAGES });
    expect(broken.dto).toBeUndefined();
    expect(broken.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['id', 'version', 'title', 'description', 'courses', 'durationMinutes', 'networks', 'nodes']),
    );
  });
});
