import { Test } from '@nestjs/testing';
import { AppConfig, loadConfig } from '@app/config';
import { CONTAINER_RUNTIME, EngineError, labelKeys, RangeImageBuilder } from '@app/docker';
import { InMemoryRuntime } from '@app/docker/testing';
import type { RangeBlueprint } from '@app/templates';
import { containerName } from './naming.js';
import { NetworkRemovalError, type ProvisionObserver, RangeProvisioner } from './range-provisioner.js';

const range = { id: '0b8f6a52-5f5e-4c39-9d55-8f1f0c4a9e11', sessionId: 's', teamId: 't', templateHash: 'h' };
const keys = labelKeys('org.cyder-range');
const IMAGE = 'cyder-range/base:x';

/** What the provisioner created and started, in order, by network and node label. */
function created(engine: InMemoryRuntime): string[] {
  const shown = { createNetwork: 'network', createContainer: 'container', startContainer: 'start' } as const;
  return engine.operations.flatMap((o) =>
    o.op in shown ? [`${shown[o.op as keyof typeof shown]} ${o.labels[o.op === 'createNetwork' ? keys.network : keys.node]}`] : [],
  );
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

describe('RangeProvisioner (in-memory runtime through Nest DI)', () => {
  let engine: InMemoryRuntime;
  let provisioner: RangeProvisioner;

  beforeEach(async () => {
    engine = new InMemoryRuntime([IMAGE]);
    const moduleRef = await Test.createTestingModule({
      providers: [
        RangeProvisioner,
        { provide: CONTAINER_RUNTIME, useValue: engine },
        { provide: RangeImageBuilder, useValue: { ensure: async () => ({ image: { reference: IMAGE }, built: false }) } },
        { provide: AppConfig, useValue: loadConfig({ INSTANCE_NAME: 'unit' }) },
      ],
    }).compile();
    provisioner = moduleRef.get(RangeProvisioner);
    provisioner.networkRemovalBackoffMs = [1, 1, 1];
  });

  it('creates networks, then every container, and starts a node only after the nodes it depends on', async () => {
    await provisioner.provision(range, blueprint, observer());
    expect(created(engine).slice(0, 2).sort()).toEqual(['network dmz', 'network office']);
    expect(created(engine).slice(2, 4).sort()).toEqual(['container attacker', 'container web']);
    expect(created(engine).slice(4)).toEqual(['start web', 'start attacker']);
  });

  it('run again, it finds everything by label and creates nothing; a node left half-made is replaced', async () => {
    await provisioner.provision(range, blueprint, observer());
    engine.operations = [];
    await provisioner.provision(range, blueprint, observer());
    expect(created(engine)).toEqual([]);

    // A crash between create and start leaves a container that never started: it is made again.
    engine.containers.find((c) => c.labels[keys.node] === 'attacker')!.state = 'created';
    await provisioner.provision(range, blueprint, observer());
    expect(created(engine)).toEqual(['container attacker', 'start attacker']);
    expect(engine.containers.filter((c) => c.labels[keys.node] === 'attacker')).toHaveLength(1);
  });

  it('retries a network that still "has active endpoints", reports it, and removes it', async () => {
    await provisioner.provision(range, blueprint, observer());
    const dmz = engine.networks.find((n) => n.labels[keys.network] === 'dmz')!;
    engine.failNext('removeNetwork', new EngineError('error while removing network: network has active endpoints', 403), 2, dmz.id);
    const seen = observer();
    expect(await provisioner.teardown(range.id, seen)).toEqual({ containers: 2, networks: 2 });
    expect(engine.networks).toEqual([]);
    expect(seen.events.some((e) => e.startsWith('network.removal-retry') && e.includes('active endpoints'))).toBe(true);
    expect(seen.events.some((e) => e.startsWith('network.removed') && e.includes('after 3 attempts'))).toBe(true);
  });

  it('tears down in the order that leaves no endpoint: stop every container, detach it from each network, remove it, then the networks', async () => {
    await provisioner.provision(range, blueprint, observer());
    const from = engine.operations.length;
    const gone: string[] = [];
    await provisioner.teardown(range.id, observer(), async (network) => void gone.push(network));
    const ops = engine.operations.slice(from).map((o) => o.op);
    const last = (op: string) => ops.lastIndexOf(op as never);
    const first = (op: string) => ops.indexOf(op as never);
    expect(ops.filter((o) => o === 'disconnectNetwork')).toHaveLength(2);
    expect(last('stopContainer')).toBeLessThan(first('disconnectNetwork'));
    expect(last('disconnectNetwork')).toBeLessThan(first('removeContainer'));
    expect(last('removeContainer')).toBeLessThan(first('removeNetwork'));
    expect(gone.sort()).toEqual(['dmz', 'office']);
  });

  it('tells which networks are gone even when another one is stuck, so their subnets are released', async () => {
    await provisioner.provision(range, blueprint, observer());
    const dmz = engine.networks.find((n) => n.labels[keys.network] === 'dmz')!;
    engine.failNext('removeNetwork', new EngineError('error while removing network: network has active endpoints', 403), 100, dmz.id);
    const gone: string[] = [];
    await expect(provisioner.teardown(range.id, observer(), async (network) => void gone.push(network))).rejects.toThrow(NetworkRemovalError);
    expect(gone).toEqual(['office']);
  });

  it('gives up on a network that never goes, with an error naming it, and keeps track of it', async () => {
    await provisioner.provision(range, blueprint, observer());
    const dmz = engine.networks.find((n) => n.labels[keys.network] === 'dmz')!;
    engine.failNext('removeNetwork', new EngineError('error while removing network: network has active endpoints', 403), 100, dmz.id);
    const seen = observer();
    const failure = provisioner.teardown(range.id, seen);
    await expect(failure).rejects.toThrow(NetworkRemovalError);
    await expect(failure).rejects.toThrow(dmz.name);
    expect(engine.networks.map((n) => n.id)).toEqual([dmz.id]);
    expect(seen.events.some((e) => e.startsWith('network.removal-failed'))).toBe(true);
  });

  it('replaces a container that holds the node\'s name without its labels (the engine answers 409)', async () => {
    const name = containerName('unit', range.id, 'web');
    await engine.createContainer({ name, hostname: 'web', image: IMAGE, labels: {}, networks: [{ network: 'elsewhere' }], memoryBytes: 1, nanoCpus: 1, pidsLimit: 1, capAdd: [], readOnlyRootfs: true });
    engine.operations = [];
    await provisioner.provision(range, blueprint, observer());
    const web = engine.containers.filter((c) => c.name === name);
    expect(web).toHaveLength(1);
    expect(web[0]!.labels[keys.node]).toBe('web');
    expect(engine.operations.filter((o) => o.target === name).map((o) => o.op)).toEqual(['removeContainer', 'createContainer', 'startContainer']);
  });

  it('fails the range for good when an image reference is not on the engine', async () => {
    const withReference: RangeBlueprint = { ...blueprint, nodes: blueprint.nodes.map((n) => ({ ...n, image: { reference: 'nginx:1.27' } })) };
    await expect(provisioner.provision(range, withReference, observer())).rejects.toThrow(/image "nginx:1.27" is not on the engine/);
    expect(engine.containers).toEqual([]);
  });
});
