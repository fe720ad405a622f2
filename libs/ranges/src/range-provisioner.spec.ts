import { Test } from '@nestjs/testing';
import { AppConfig, loadConfig } from '@app/config';
import { type ContainerInfo, type ContainerSpec, DockerEngine, labelKeys, type NetworkInfo, type NetworkSpec, RangeImageBuilder } from '@app/docker';
import type { RangeBlueprint } from '@app/templates';
import { NetworkRemovalError, type ProvisionObserver, RangeProvisioner } from './range-provisioner.js';

const range = { id: '0b8f6a52-5f5e-4c39-9d55-8f1f0c4a9e11', sessionId: 's', teamId: 't', templateHash: 'h' };
const keys = labelKeys('org.cyder-range');

/** An in-memory engine: enough of DockerEngine to see what the provisioner creates, finds and removes. */
class FakeEngine {
  networks: NetworkInfo[] = [];
  containers: ContainerInfo[] = [];
  created: string[] = [];
  removeNetworkFailures = new Map<string, number>();

  async listNetworks(labels: Record<string, string>) {
    return this.networks.filter((n) => Object.entries(labels).every(([k, v]) => n.labels[k] === v));
  }
  async createNetwork(spec: NetworkSpec) {
    const info: NetworkInfo = { id: `net-${spec.name}`, name: spec.name, labels: spec.labels, subnet: spec.subnet, internal: true, options: {}, containerIds: [] };
    this.networks.push(info);
    this.created.push(`network ${spec.labels[keys.network]}`);
    return info;
  }
  async removeNetwork(id: string) {
    const left = this.removeNetworkFailures.get(id) ?? 0;
    if (left > 0) {
      this.removeNetworkFailures.set(id, left - 1);
      throw Object.assign(new Error('error while removing network: network has active endpoints'), { statusCode: 403 });
    }
    this.networks = this.networks.filter((n) => n.id !== id);
  }
  async listContainers(labels: Record<string, string>) {
    return this.containers.filter((c) => Object.entries(labels).every(([k, v]) => c.labels[k] === v));
  }
  async createContainer(spec: ContainerSpec) {
    const id = `c-${spec.name}-${this.created.length}`;
    this.containers.push({ id, name: spec.name, labels: spec.labels, state: 'created', status: '', createdAt: new Date(), networks: {} });
    this.created.push(`container ${spec.labels[keys.node]}`);
    return id;
  }
  async startContainer(id: string) {
    const container = this.containers.find((c) => c.id === id)!;
    container.state = 'running';
    this.created.push(`start ${container.labels[keys.node]}`);
  }
  async removeContainer(id: string) {
    this.containers = this.containers.filter((c) => c.id !== id && c.name !== id);
  }
  async putFiles() {}
  async exec() {
    return { exitCode: 0, stdout: '', stderr: '' };
  }
  async imageExists() {
    return true;
  }
}

const blueprint: RangeBlueprint = {
  templateId: 't',
  templateVersion: '1',
  templateHash: 'h',
  networks: [
    { name: 'dmz', subnet: '10.210.0.0/26' },
    { name: 'office', subnet: '10.210.0.64/26' },
  ],
  nodes: ['web', 'attacker'].map((name) => ({
    name,
    role: name === 'web' ? ('server' as const) : ('attacker' as const),
    image: { builtin: 'base' },
    attachments: [{ network: 'dmz', address: name === 'web' ? '10.210.0.10' : '10.210.0.11', aliases: [name] }],
    shell: false,
    resources: { memoryMb: 32, cpus: 0.25, pids: 64 },
    capabilities: [],
    env: {},
    files: [],
    readiness: { argv: ['true'], timeoutSeconds: 1, intervalMs: 10 },
    readOnlyRoot: true,
    dependsOn: name === 'attacker' ? ['web'] : [],
  })),
  variables: {},
};

const observer = (): ProvisionObserver & { events: string[] } => {
  const events: string[] = [];
  return {
    events,
    event: async (kind, message) => void events.push(`${kind}: ${message}`),
    node: async () => undefined,
    checkpoint: async () => undefined,
  };
};

describe('RangeProvisioner (fake engine through Nest DI)', () => {
  let engine: FakeEngine;
  let provisioner: RangeProvisioner;

  beforeEach(async () => {
    engine = new FakeEngine();
    const moduleRef = await Test.createTestingModule({
      providers: [
        RangeProvisioner,
        { provide: DockerEngine, useValue: engine },
        { provide: RangeImageBuilder, useValue: { ensure: async () => ({ image: { reference: 'cyder-range/base:x' }, built: false }) } },
        { provide: AppConfig, useValue: loadConfig({ INSTANCE_NAME: 'unit' }) },
      ],
    }).compile();
    provisioner = moduleRef.get(RangeProvisioner);
    provisioner.networkRemovalBackoffMs = [1, 1, 1];
  });

  it('creates networks, then every container, and starts a node only after the nodes it depends on', async () => {
    await provisioner.provision(range, blueprint, observer());
    expect(engine.created.slice(0, 2).sort()).toEqual(['network dmz', 'network office']);
    expect(engine.created.slice(2, 4).sort()).toEqual(['container attacker', 'container web']);
    expect(engine.created.slice(4)).toEqual(['start web', 'start attacker']);
  });

  it('run again, it finds everything by label and creates nothing; a node left half-made is replaced', async () => {
    await provisioner.provision(range, blueprint, observer());
    engine.created = [];
    await provisioner.provision(range, blueprint, observer());
    expect(engine.created).toEqual([]);

    // A crash between create and start leaves a container that never started: it is made again.
    engine.containers.find((c) => c.labels[keys.node] === 'attacker')!.state = 'created';
    await provisioner.provision(range, blueprint, observer());
    expect(engine.created).toEqual(['container attacker', 'start attacker']);
    expect(engine.containers.filter((c) => c.labels[keys.node] === 'attacker')).toHaveLength(1);
  });

  it('retries a network that still "has active endpoints", reports it, and removes it', async () => {
    await provisioner.provision(range, blueprint, observer());
    const dmz = engine.networks.find((n) => n.labels[keys.network] === 'dmz')!;
    engine.removeNetworkFailures.set(dmz.id, 2);
    const seen = observer();
    expect(await provisioner.teardown(range.id, seen)).toEqual({ containers: 2, networks: 2 });
    expect(engine.networks).toEqual([]);
    expect(seen.events.some((e) => e.startsWith('network.removal-retry') && e.includes('active endpoints'))).toBe(true);
    expect(seen.events.some((e) => e.startsWith('network.removed') && e.includes('after 3 attempts'))).toBe(true);
  });

  it('gives up on a network that never goes, with an error naming it, and keeps track of it', async () => {
    await provisioner.provision(range, blueprint, observer());
    const dmz = engine.networks.find((n) => n.labels[keys.network] === 'dmz')!;
    engine.removeNetworkFailures.set(dmz.id, 100);
    const seen = observer();
    const failure = provisioner.teardown(range.id, seen);
    await expect(failure).rejects.toThrow(NetworkRemovalError);
    await expect(failure).rejects.toThrow(dmz.name);
    expect(engine.networks.map((n) => n.id)).toEqual([dmz.id]);
    expect(seen.events.some((e) => e.startsWith('network.removal-failed'))).toBe(true);
  });
});
