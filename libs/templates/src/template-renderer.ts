import { createHash, randomBytes } from 'node:crypto';
import type { BlueprintNode, RangeBlueprint } from './blueprint.js';
import { checkFilePath } from './file-path.js';
import type { RangeTemplate, TemplateVariable } from './model.js';
import { RenderError } from './errors.js';
import { substitute, substituteDeep } from './substitution.js';

interface Ipv4Subnet {
  cidr: string;
  base: number;
  size: number;
}

function parseSubnet(cidr: string): Ipv4Subnet {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = match?.slice(1, 5).map(Number);
  const prefix = Number(match?.[5]);
  if (!octets || octets.some((o) => o > 255) || prefix > 30 || prefix < 8) {
    throw new RenderError(`"${cidr}" is not an IPv4 subnet between /8 and /30`);
  }
  const address = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const size = 2 ** (32 - prefix);
  const base = address - (address % size);
  if (base !== address) throw new RenderError(`"${cidr}" has host bits set`);
  return { cidr, base, size };
}

const formatIpv4 = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/**
 * Static addresses: explicit host offsets first, then every other attachment
 * in node order from .2 up (.0 is the network, .1 the gateway Docker reserves,
 * the last the broadcast). The same template and subnets always give the same
 * addresses.
 */
function assignAddresses(template: RangeTemplate, subnets: Record<string, Ipv4Subnet>): Map<string, string> {
  const addresses = new Map<string, string>();
  for (const network of template.networks) {
    const subnet = subnets[network.name]!;
    const used = new Set<number>();
    const members = template.nodes.flatMap((node) => node.networks.filter((a) => a.network === network.name).map((a) => ({ node, a })));
    for (const { node, a } of members) {
      if (a.hostOffset === undefined) continue;
      if (a.hostOffset >= subnet.size - 1) {
        throw new RenderError(`node "${node.name}": host offset ${a.hostOffset} is outside ${subnet.cidr}`);
      }
      used.add(a.hostOffset);
      addresses.set(`${node.name}/${network.name}`, formatIpv4(subnet.base + a.hostOffset));
    }
    let next = 2;
    for (const { node, a } of members) {
      if (a.hostOffset !== undefined) continue;
      while (used.has(next)) next++;
      if (next >= subnet.size - 1) throw new RenderError(`subnet ${subnet.cidr} of network "${network.name}" is too small for its nodes`);
      used.add(next);
      addresses.set(`${node.name}/${network.name}`, formatIpv4(subnet.base + next));
    }
  }
  return addresses;
}

/**
 * Seeded values: each variable draws from sha256(seed, name, counter), so a
 * value depends only on the seed and its own name (adding a variable does
 * not change the others).
 */
class SeededStream {
  private counter = 0;
  private buffer = Buffer.alloc(0);
  constructor(private readonly seed: string, private readonly name: string) {}

  private bytes(n: number): Buffer {
    while (this.buffer.length < n) {
      const block = createHash('sha256').update(`${this.seed}\0${this.name}\0${this.counter++}`).digest();
      this.buffer = Buffer.concat([this.buffer, block]);
    }
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  /** Uniform integer in [0, n) by rejection sampling. */
  below(n: number): number {
    const limit = Math.floor(0x1_0000_0000 / n) * n;
    for (;;) {
      const x = this.bytes(4).readUInt32BE(0);
      if (x < limit) return x % n;
    }
  }

  hex(length: number): string {
    return this.bytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
  }
}

function generate(variable: TemplateVariable, seed: string, addresses: Map<string, string>): string {
  const stream = new SeededStream(seed, variable.name);
  switch (variable.kind) {
    case 'hex':
      return stream.hex(variable.length);
    case 'pick':
    case 'word':
      return variable.from[stream.below(variable.from.length)]!;
    case 'port':
      return String(variable.min + stream.below(variable.max - variable.min + 1));
    case 'address':
      return addresses.get(`${variable.node}/${variable.network}`)!;
    case 'value':
      return variable.value;
  }
}

/** Nodes in dependency order, otherwise in template order (Kahn's algorithm, stable). */
export function dependencyOrder<T extends { name: string; dependsOn: string[] }>(nodes: T[]): T[] {
  const done = new Set<string>();
  const out: T[] = [];
  while (out.length < nodes.length) {
    const next = nodes.find((n) => !done.has(n.name) && n.dependsOn.every((d) => done.has(d)));
    if (!next) throw new RenderError('dependency cycle among nodes');
    done.add(next.name);
    out.push(next);
  }
  return out;
}

export interface RenderInput {
  template: RangeTemplate;
  hash: string;
  /** Network name -> the CIDR allocated for it in this range. */
  subnets: Record<string, string>;
  seed?: string;
}

/** One team's range: variables generated, addresses assigned, every ${...} substituted. */
export function renderTemplate({ template, hash, subnets, seed }: RenderInput): RangeBlueprint {
  const missing = template.networks.filter((n) => !subnets[n.name]).map((n) => n.name);
  if (missing.length) throw new RenderError(`no subnet given for network(s) ${missing.join(', ')}`);
  const parsed = Object.fromEntries(template.networks.map((n) => [n.name, parseSubnet(subnets[n.name]!)]));
  const addresses = assignAddresses(template, parsed);
  const rangeSeed = seed ?? randomBytes(16).toString('hex');
  const variables: Record<string, string> = {};
  for (const v of template.variables) variables[v.name] = generate(v, rangeSeed, addresses);
  const sub = (s: string) => substitute(s, variables);

  const nodes: BlueprintNode[] = dependencyOrder(template.nodes).map((node) => ({
    name: node.name,
    role: node.role,
    image: 'builtin' in node.image ? { builtin: node.image.builtin } : { reference: node.image.reference },
    attachments: node.networks.map((a) => ({
      network: a.network,
      address: addresses.get(`${node.name}/${a.network}`)!,
      // The node's own name resolves on every network it joins.
      aliases: [...new Set([node.name, ...a.aliases.map(sub)])],
    })),
    shell: node.shell,
    shellUser: node.shellUser,
    visible: node.visible,
    resources: { ...node.resources },
    capabilities: [...node.capabilities],
    env: Object.fromEntries(Object.entries(node.env).map(([k, v]) => [k, sub(v)])),
    files: node.files.map((f) => {
      const path = sub(f.path);
      // Validated before render; checked again on the rendered path, which variables may have changed.
      const problem = checkFilePath(path, node.readOnlyRoot);
      if (problem) throw new RenderError(`node "${node.name}": ${problem}`);
      return { path, content: sub(f.content), mode: f.mode };
    }),
    ...(node.command ? { command: node.command.map(sub) } : {}),
    ...(node.readiness ? { readiness: { ...node.readiness, argv: node.readiness.argv.map(sub) } } : {}),
    readOnlyRoot: node.readOnlyRoot,
    dependsOn: [...node.dependsOn],
  }));

  return {
    templateId: template.id,
    templateVersion: template.version,
    templateHash: hash,
    networks: template.networks.map((n) => ({ name: n.name, subnet: parsed[n.name]!.cidr })),
    nodes,
    variables,
    seed: rangeSeed,
    title: { ...template.title },
    scenario: {
      attack: substituteDeep([...template.attack.steps].sort((a, b) => a.offsetSeconds - b.offsetSeconds), variables),
      objectives: substituteDeep(
        template.objectives.map((o) =>
          o.answer?.variable !== undefined ? { ...o, answer: { ...o.answer, expected: `\${${o.answer.variable}}` } } : o,
        ),
        variables,
      ),
    },
  };
}
