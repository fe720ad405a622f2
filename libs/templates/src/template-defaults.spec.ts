import { loadTemplateSource } from './load-template.js';
import { TemplateValidationError } from './errors.js';
import { RESOURCE_LIMITS } from './model.js';
import { BUILTIN_IMAGES, toYaml, validTemplate } from './template-fixture.spec-helper.js';

const load = (data: unknown) => loadTemplateSource(toYaml(data), { builtinImages: BUILTIN_IMAGES });

describe('template defaults', () => {
  const template = load(validTemplate());
  const node = (name: string) => template.nodes.find((n) => n.name === name)!;

  it('fills node defaults: resources, read-only root, no capabilities, empty env/files', () => {
    expect(node('logserver')).toMatchObject({
      image: { builtin: 'logserver' },
      resources: { memoryMb: RESOURCE_LIMITS.memoryMb.default, cpus: RESOURCE_LIMITS.cpus.default, pids: RESOURCE_LIMITS.pids.default },
      capabilities: [],
      env: {},
      files: [],
      readOnlyRoot: true,
      dependsOn: [],
    });
    expect(node('logserver').networks).toEqual([{ network: 'dmz', aliases: [] }]);
  });

  it('gives the router and firewall roles a higher process limit unless the template sets one', () => {
    const withRouter = (resources?: { pids: number }) => {
      const data = validTemplate() as { nodes: Array<Record<string, unknown>> };
      data.nodes.push({ name: 'gw', image: 'router', role: 'router', networks: [{ network: 'dmz' }], ...(resources ? { resources } : {}) });
      return load(data).nodes.find((n) => n.name === 'gw')!.resources.pids;
    };
    expect(withRouter()).toBe(256);
    expect(withRouter({ pids: 128 })).toBe(128);
    expect(node('web').resources.pids).toBe(RESOURCE_LIMITS.pids.default);
  });

  it('lets trainees open a shell on the organisation\'s nodes, not on the attacker\'s', () => {
    expect(node('web').shell).toBe(true);
    expect(node('logserver').shell).toBe(true);
    expect(node('attacker').shell).toBe(false);
  });

  it('turns env values into strings and fills readiness timing', () => {
    expect(node('web').env).toEqual({ FLAG: '${flag}', PORT: '80' });
    expect(node('web').readiness).toEqual({ argv: ['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/'], timeoutSeconds: 30, intervalMs: 500 });
  });

  it('fills variable, step and objective defaults', () => {
    expect(template.variables.find((v) => v.name === 'c2_port')).toEqual({ name: 'c2_port', kind: 'port', min: 20000, max: 60000 });
    expect(template.variables.find((v) => v.name === 'group')).toMatchObject({ kind: 'word', from: expect.arrayContaining(['raven']) });
    expect(template.attack.steps[0]!.precondition).toEqual({
      node: 'attacker',
      argv: ['probe-injection', 'http://www/cgi-bin/ping', 'host'],
      expectExitCode: 0,
    });
    expect(template.attack.steps[0]!.timeoutSeconds).toBe(30);
    const [who, stopped, site, report] = template.objectives;
    expect(who!.answer).toEqual({ variable: 'attacker_ip', normalize: 'ip', alternatives: [], maxAttempts: 5, wrongAnswerPenalty: 10 });
    // contain/eradicate checks must hold a while; an exec with no pattern expects exit 0.
    expect(stopped!.check).toEqual({
      exec: { node: 'web', argv: ['sh', '-c', "! ps | grep -q '${implant}'"], expectExitCode: 0, timeoutSeconds: 10 },
      holdSeconds: 60,
    });
    expect(site!.check).toEqual({ http: { from: 'attacker', url: 'http://www/', bodyMatches: 'ok-${flag}', timeoutSeconds: 10 }, holdSeconds: 0 });
    expect(report!.report).toEqual({
      iocs: [{ id: 'ip', label: { ja: 'IP', en: 'IP' }, expected: '${attacker_ip}', normalize: 'ip' }],
      sections: ['timeline', 'impact', 'iocs', 'actions', 'recommendations'],
    });
    expect(stopped!.hints).toEqual([]);
  });

  it('throws TemplateValidationError listing every issue', () => {
    const t = validTemplate();
    t.nodes[0].role = 'toaster';
    t.nodes[1].capabilities = ['SYS_MODULE'];
    expect(() => load(t)).toThrow(TemplateValidationError);
    try {
      load(t);
    } catch (err) {
      expect((err as TemplateValidationError).issues).toHaveLength(2);
      expect((err as Error).message).toContain('nodes[0].role: role must be one of');
    }
  });
});
