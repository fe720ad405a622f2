import { loadTemplateSource } from './load-template.js';
import { RenderError } from './errors.js';
import { renderTemplate } from './template-renderer.js';
import { BUILTIN_IMAGES, toYaml, validTemplate } from './template-fixture.spec-helper.js';

const template = loadTemplateSource(toYaml(validTemplate()), { builtinImages: BUILTIN_IMAGES });
const subnets = { internet: '10.210.0.0/24', dmz: '10.210.1.0/28' };
const render = (seed?: string, t = template, s: Record<string, string> = subnets) => renderTemplate({ template: t, hash: 'h'.repeat(64), subnets: s, seed });

const ipToInt = (ip: string) => ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
function inside(ip: string, cidr: string): { inside: boolean; offset: number; size: number } {
  const [base, prefix] = cidr.split('/');
  const size = 2 ** (32 - Number(prefix));
  const offset = ipToInt(ip) - ipToInt(base!);
  return { inside: offset >= 0 && offset < size, offset, size };
}

describe('renderTemplate', () => {
  it('gives the same variables for the same seed, and others for another seed', () => {
    const a = render('seed-1');
    const b = render('seed-1');
    expect(b.variables).toEqual(a.variables);
    expect(b).toEqual(a);
    const others = ['seed-2', 'seed-3', 'seed-4'].map((s) => render(s).variables.flag);
    expect(others.some((f) => f !== a.variables.flag)).toBe(true);
    expect(a.seed).toBe('seed-1');
  });

  it('draws a fresh seed when none is given, and records it so a re-render is identical', () => {
    const first = render();
    expect(first.seed).toMatch(/^[0-9a-f]{32}$/);
    expect(render(first.seed)).toEqual(first);
  });

  it('generates each kind of variable within its definition', () => {
    for (const seed of ['a', 'b', 'c', 'd', 'e']) {
      const v = render(seed).variables;
      expect(v.flag).toMatch(/^[0-9a-f]{12}$/);
      expect(['alpha', 'beta', 'gamma']).toContain(v.implant);
      expect(Number(v.c2_port)).toBeGreaterThanOrEqual(20000);
      expect(Number(v.c2_port)).toBeLessThanOrEqual(60000);
      expect(v.group).toMatch(/^[a-z]+$/);
      expect(v.attacker_ip).toBe('10.210.0.200');
    }
  });

  it('assigns addresses inside each subnet, never .0, .1 or the broadcast; explicit offsets kept', () => {
    const blueprint = render('x');
    const seen = new Set<string>();
    for (const node of blueprint.nodes) {
      for (const a of node.attachments) {
        const where = inside(a.address, subnets[a.network as keyof typeof subnets]);
        expect(where.inside).toBe(true);
        expect(where.offset).toBeGreaterThanOrEqual(2);
        expect(where.offset).toBeLessThan(where.size - 1);
        expect(seen.has(a.address)).toBe(false);
        seen.add(a.address);
      }
    }
    const address = (node: string, network: string) =>
      blueprint.nodes.find((n) => n.name === node)!.attachments.find((a) => a.network === network)!.address;
    // Node order: logserver (dmz .2), web (internet .2, dmz .3), attacker (internet .200 explicit).
    expect(address('logserver', 'dmz')).toBe('10.210.1.2');
    expect(address('web', 'internet')).toBe('10.210.0.2');
    expect(address('web', 'dmz')).toBe('10.210.1.3');
    expect(address('attacker', 'internet')).toBe('10.210.0.200');
    expect(blueprint.networks).toEqual([
      { name: 'internet', subnet: '10.210.0.0/24' },
      { name: 'dmz', subnet: '10.210.1.0/28' },
    ]);
  });

  it('substitutes every ${...} (and turns $${ into a literal ${)', () => {
    const blueprint = render('subst');
    const v = blueprint.variables;
    const web = blueprint.nodes.find((n) => n.name === 'web')!;
    expect(web.env.FLAG).toBe(v.flag);
    const attacker = blueprint.nodes.find((n) => n.name === 'attacker')!;
    expect(attacker.command).toEqual(['sh', '-c', `echo ${v.implant} \${HOME}`]);
    const { attack, objectives } = blueprint.scenario!;
    expect(attack.find((s) => s.id === 'exploit')!.argv[3]).toBe(`echo ${v.flag}`);
    expect(objectives[0]!.answer!.expected).toBe(v.attacker_ip);
    expect(objectives[2]!.check!.http!.bodyMatches).toBe(`ok-${v.flag}`);
    expect(objectives[3]!.report!.iocs[0]!.expected).toBe(v.attacker_ip);
    const withoutLiteral = JSON.stringify({ ...blueprint, nodes: blueprint.nodes.filter((n) => n.name !== 'attacker') });
    expect(withoutLiteral).not.toContain('${');
  });

  it('orders nodes by dependency and attack steps by offset', () => {
    const t = validTemplate();
    // Declared in reverse dependency order on purpose.
    t.nodes.reverse();
    const reversed = loadTemplateSource(toYaml(t), { builtinImages: BUILTIN_IMAGES });
    const blueprint = render('order', reversed);
    expect(blueprint.nodes.map((n) => n.name)).toEqual(['logserver', 'web', 'attacker']);
    for (const [i, node] of blueprint.nodes.entries()) {
      for (const dep of node.dependsOn) expect(blueprint.nodes.findIndex((n) => n.name === dep)).toBeLessThan(i);
    }
    expect(blueprint.scenario!.attack.map((s) => s.id)).toEqual(['recon', 'exploit']);
  });

  it('gives each node its own name as a DNS alias on every network', () => {
    const web = render('dns').nodes.find((n) => n.name === 'web')!;
    expect(web.attachments.map((a) => a.aliases)).toEqual([['web', 'www'], ['web']]);
  });

  it('fails clearly on a missing subnet, a bad CIDR or a subnet too small', () => {
    expect(() => render('s', template, { internet: '10.210.0.0/24' })).toThrow(/no subnet given for network\(s\) dmz/);
    expect(() => render('s', template, { ...subnets, dmz: '10.210.1.5/28' })).toThrow(RenderError);
    expect(() => render('s', template, { ...subnets, dmz: '10.210.1.0/30' })).toThrow(/too small/);
    expect(() => render('s', template, { ...subnets, internet: '10.210.0.0/25' })).toThrow(/host offset 200 is outside/);
  });
});
