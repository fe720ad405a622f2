import { Global, Module } from '@nestjs/common';
import {
  type BlueprintNode,
  RANGE_TEMPLATE_SOURCE,
  type RangeBlueprint,
  type RangeTemplateSource,
  TemplateNotFoundError,
  type TemplateSummary,
} from '@app/templates';
import { createHash, randomBytes } from 'node:crypto';

/**
 * A tiny stand-in for libs/templates until it is merged: two networks (dmz,
 * office) and three nodes on the built-in `base` image, rendered into a
 * RangeBlueprint the way the contract says (variables from the seed, static
 * addresses inside the given subnets, ${...} substituted). Used by the e2e
 * tests, the benchmark and the crash test's child worker.
 */
interface FixtureNode extends Omit<BlueprintNode, 'attachments'> {
  attachments: Array<{ network: string; aliases: string[] }>;
}

interface FixtureTemplate {
  id: string;
  networks: string[];
  nodes: FixtureNode[];
}

const limits = { memoryMb: 32, cpus: 0.25, pids: 64 };

function twoNetTemplate(id: string, webStartDelaySeconds: number): FixtureTemplate {
  const httpd = 'exec httpd -f -p 8080 -h /srv/www';
  return {
    id,
    networks: ['dmz', 'office'],
    nodes: [
      {
        name: 'web',
        role: 'server',
        image: { builtin: 'base' },
        attachments: [{ network: 'dmz', aliases: ['web', 'www'] }],
        shell: false,
        resources: limits,
        capabilities: [],
        env: { FLAG: '${flag}' },
        files: [{ path: '/srv/www/index.html', content: 'welcome to ${team_name}: ${flag}\n', mode: 0o644 }],
        command: ['sh', '-c', webStartDelaySeconds > 0 ? `sleep ${webStartDelaySeconds}; ${httpd}` : httpd],
        readiness: { argv: ['timeout', '2', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/'], timeoutSeconds: 30, intervalMs: 200 },
        readOnlyRoot: false,
        dependsOn: [],
      },
      {
        name: 'workstation',
        role: 'workstation',
        image: { builtin: 'base' },
        attachments: [
          { network: 'office', aliases: ['ws'] },
          { network: 'dmz', aliases: ['workstation'] },
        ],
        shell: true,
        resources: limits,
        capabilities: [],
        env: {},
        files: [],
        readOnlyRoot: true,
        dependsOn: [],
      },
      {
        name: 'attacker',
        role: 'attacker',
        image: { builtin: 'base' },
        attachments: [{ network: 'dmz', aliases: ['attacker'] }],
        shell: false,
        resources: limits,
        capabilities: ['NET_RAW'],
        env: { TARGET: 'web' },
        files: [],
        readiness: { argv: ['timeout', '2', 'wget', '-q', '-O', '/dev/null', 'http://web:8080/'], timeoutSeconds: 20, intervalMs: 200 },
        readOnlyRoot: true,
        dependsOn: ['web'],
      },
    ],
  };
}

export const FIXTURE_TEMPLATES: Record<string, FixtureTemplate> = {
  'fixture-two-net': twoNetTemplate('fixture-two-net', 0),
  // The web node takes a few seconds to come up, so a test can act while provisioning is half done.
  'fixture-slow': twoNetTemplate('fixture-slow', 4),
  // The web node never passes its readiness check: the range fails and says why.
  'fixture-never-ready': (() => {
    const t = twoNetTemplate('fixture-never-ready', 0);
    t.nodes[0]!.readiness = { argv: ['test', '-e', '/never'], timeoutSeconds: 1, intervalMs: 200 };
    return t;
  })(),
};

function hashOf(template: FixtureTemplate): string {
  return createHash('sha256').update(JSON.stringify(template)).digest('hex');
}

function substitute(text: string, variables: Record<string, string>): string {
  return text.replace(/\$\{([a-z_][a-z0-9_]*)\}/gi, (whole, name: string) => variables[name] ?? whole);
}

function hostAddress(cidr: string, host: number): string {
  const [base] = cidr.split('/');
  const parts = base!.split('.').map(Number);
  const value = ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]! + host;
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

export class FixtureTemplateSource implements RangeTemplateSource {
  async describe(templateId: string): Promise<TemplateSummary> {
    const template = FIXTURE_TEMPLATES[templateId];
    if (!template) throw new TemplateNotFoundError(templateId);
    return {
      id: template.id,
      version: '1',
      hash: hashOf(template),
      networks: template.networks,
      footprint: { containers: template.nodes.length, memoryMb: template.nodes.reduce((sum, n) => sum + n.resources.memoryMb, 0) },
    };
  }

  async render(templateId: string, subnets: Record<string, string>, seed?: string): Promise<RangeBlueprint> {
    const template = FIXTURE_TEMPLATES[templateId];
    if (!template) throw new TemplateNotFoundError(templateId);
    for (const network of template.networks) {
      if (!subnets[network]) throw new Error(`no subnet given for network "${network}"`);
    }
    const actualSeed = seed ?? randomBytes(16).toString('hex');
    const derive = (name: string) => createHash('sha256').update(`${actualSeed}\0${name}`).digest('hex');
    const variables: Record<string, string> = {
      flag: `FLAG{${derive('flag').slice(0, 16)}}`,
      team_name: `team-${derive('team').slice(0, 6)}`,
    };
    // Addresses from .10 upwards per network, in node order; .1 stays the (unused) gateway.
    const next: Record<string, number> = {};
    const nodes: BlueprintNode[] = template.nodes.map((node) => ({
      ...node,
      attachments: node.attachments.map((a) => {
        next[a.network] = (next[a.network] ?? 9) + 1;
        return { network: a.network, aliases: a.aliases, address: hostAddress(subnets[a.network]!, next[a.network]!) };
      }),
      env: Object.fromEntries(Object.entries(node.env).map(([k, v]) => [k, substitute(v, variables)])),
      files: node.files.map((f) => ({ ...f, content: substitute(f.content, variables) })),
    }));
    for (const node of nodes) {
      for (const a of node.attachments) variables[`${node.name}_${a.network}_address`] = a.address;
    }
    return {
      templateId: template.id,
      templateVersion: '1',
      templateHash: hashOf(template),
      networks: template.networks.map((name) => ({ name, subnet: subnets[name]! })),
      nodes,
      variables,
    };
  }
}

/** Provides the fixture under RANGE_TEMPLATE_SOURCE to the whole application. */
@Global()
@Module({
  providers: [{ provide: RANGE_TEMPLATE_SOURCE, useClass: FixtureTemplateSource }],
  exports: [RANGE_TEMPLATE_SOURCE],
})
export class FixtureTemplatesModule {}
