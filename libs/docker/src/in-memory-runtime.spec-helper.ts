import { Duplex, PassThrough } from 'node:stream';
import {
  type ContainerDetails,
  type ContainerFile,
  type ContainerInfo,
  type ContainerRuntime,
  type ContainerSpec,
  EngineError,
  type EngineInfo,
  type ExecOptions,
  type ExecResult,
  type ImageBuild,
  type ImageInfo,
  type InteractiveExec,
  type InteractiveExecOptions,
  type NetworkInfo,
  type NetworkSpec,
  RANGE_UPSTREAM_DNS,
  type TerminalSize,
} from './container-runtime.js';

/** One call that changed the fake engine, with the labels of the object it touched. */
export interface RuntimeOperation {
  op: 'createNetwork' | 'removeNetwork' | 'disconnectNetwork' | 'createContainer' | 'putFiles' | 'startContainer' | 'stopContainer' | 'restartContainer' | 'removeContainer' | 'buildImage';
  /** Name of the object (network, container or image tag). */
  target: string;
  labels: Record<string, string>;
}

type Failing = Exclude<keyof ContainerRuntime, 'close'>;

const matches = (labels: Record<string, string>, selector: Record<string, string | undefined>) =>
  Object.entries(selector).every(([k, v]) => (v === undefined ? k in labels : labels[k] === v));

/**
 * An in-memory ContainerRuntime for unit tests (never compiled into dist):
 * it keeps networks, containers, files and images, answers like the engine
 * (EngineError 404 for a missing container, 409 for a taken name), logs
 * every change in `operations`, and fails a call on demand (`failNext`).
 */
export class InMemoryRuntime implements ContainerRuntime {
  networks: NetworkInfo[] = [];
  containers: Array<ContainerDetails & { spec: ContainerSpec }> = [];
  /** Files placed per container id. */
  files = new Map<string, ContainerFile[]>();
  images = new Map<string, ImageInfo>();
  /** Subnets of networks that are not ours (another instance, dockerd's bridge). */
  foreignSubnets: string[] = [];
  operations: RuntimeOperation[] = [];
  /** Sizes each interactive exec was given, by exec id. */
  terminalSizes = new Map<string, TerminalSize[]>();
  closed = false;
  /** What an exec answers; every exec succeeds with no output unless a test says otherwise. */
  execHandler: (container: ContainerInfo, argv: string[], options: ExecOptions) => ExecResult | Promise<ExecResult> = () => ({
    exitCode: 0,
    stdout: '',
    stderr: '',
  });
  private failures = new Map<string, { error: Error; times: number }>();
  private sequence = 0;

  constructor(images: string[] = []) {
    for (const reference of images) this.images.set(reference, { id: `sha256:${reference}`, labels: {} });
  }

  /** The next `times` calls of `method` (for `target` only, when given) throw `error`. */
  failNext(method: Failing, error: Error, times = 1, target?: string): void {
    this.failures.set(`${method}:${target ?? '*'}`, { error, times });
  }

  private maybeFail(method: Failing, target?: string): void {
    for (const key of [`${method}:${target ?? '*'}`, `${method}:*`]) {
      const failure = this.failures.get(key);
      if (failure && failure.times > 0) {
        failure.times--;
        throw failure.error;
      }
    }
  }

  private record(op: RuntimeOperation['op'], target: string, labels: Record<string, string>): void {
    this.operations.push({ op, target, labels });
  }

  private container(idOrName: string): ContainerDetails & { spec: ContainerSpec } {
    const found = this.containers.find((c) => c.id === idOrName || c.name === idOrName);
    if (!found) throw new EngineError(`No such container: ${idOrName}`, 404);
    return found;
  }

  async ping(): Promise<void> {
    this.maybeFail('ping');
  }

  async info(): Promise<EngineInfo> {
    this.maybeFail('info');
    const containersRunning = this.containers.filter((c) => c.state === 'running').length;
    return { endpoint: 'memory://', version: 'fake', apiVersion: '1.41', os: 'linux', arch: 'x86_64', kernelVersion: 'fake', cpus: 2, memoryBytes: 0, containersRunning };
  }

  async createNetwork(spec: NetworkSpec): Promise<NetworkInfo> {
    this.maybeFail('createNetwork', spec.name);
    if (this.networks.some((n) => n.name === spec.name)) throw new EngineError(`network with name ${spec.name} already exists`, 409);
    const info: NetworkInfo = { id: `net-${spec.name}`, name: spec.name, labels: spec.labels, subnet: spec.subnet, internal: true, options: {}, containerIds: [] };
    this.networks.push(info);
    this.record('createNetwork', spec.name, spec.labels);
    return info;
  }

  async listNetworks(labels: Record<string, string | undefined>): Promise<NetworkInfo[]> {
    this.maybeFail('listNetworks');
    return this.networks.filter((n) => matches(n.labels, labels));
  }

  async removeNetwork(idOrName: string): Promise<void> {
    this.maybeFail('removeNetwork', idOrName);
    const network = this.networks.find((n) => n.id === idOrName || n.name === idOrName);
    if (!network) return;
    this.networks = this.networks.filter((n) => n !== network);
    this.record('removeNetwork', network.name, network.labels);
  }

  async disconnectNetwork(networkId: string, containerId: string): Promise<void> {
    this.maybeFail('disconnectNetwork', networkId);
    const network = this.networks.find((n) => n.id === networkId || n.name === networkId);
    if (!network || !network.containerIds.includes(containerId)) return;
    network.containerIds = network.containerIds.filter((id) => id !== containerId);
    this.record('disconnectNetwork', `${network.name} ${this.containers.find((c) => c.id === containerId)?.name ?? containerId}`, network.labels);
  }

  async engineSubnets(): Promise<string[]> {
    this.maybeFail('engineSubnets');
    return [...this.networks.flatMap((n) => (n.subnet ? [n.subnet] : [])), ...this.foreignSubnets];
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    this.maybeFail('createContainer', spec.name);
    if (this.containers.some((c) => c.name === spec.name)) throw new EngineError(`Conflict. The container name "/${spec.name}" is already in use`, 409);
    if (!this.images.has(spec.image)) throw new EngineError(`No such image: ${spec.image}`, 404);
    const id = `c${++this.sequence}-${spec.name}`;
    this.containers.push({
      id,
      name: spec.name,
      labels: spec.labels,
      state: 'created',
      status: 'Created',
      createdAt: new Date(),
      networks: Object.fromEntries(spec.networks.map((a) => [a.network, { ipv4Address: a.ipv4Address ?? '' }])),
      exitCode: 0,
      oomKilled: false,
      applied: {
        user: spec.user ?? '',
        capAdd: spec.capAdd,
        capDrop: ['ALL'],
        privileged: false,
        securityOpt: ['no-new-privileges'],
        readOnlyRootfs: spec.readOnlyRootfs,
        memoryBytes: spec.memoryBytes,
        nanoCpus: spec.nanoCpus,
        pidsLimit: spec.pidsLimit,
        tmpfs: spec.tmpfs ?? {},
        binds: [],
        portBindings: {},
        networkMode: spec.networks[0]?.network ?? '',
        pidMode: '',
        dns: [...RANGE_UPSTREAM_DNS],
      },
      spec,
    });
    for (const attachment of spec.networks) this.networks.find((n) => n.name === attachment.network || n.id === attachment.network)?.containerIds.push(id);
    this.record('createContainer', spec.name, spec.labels);
    return id;
  }

  async putFiles(containerId: string, files: ContainerFile[]): Promise<void> {
    this.maybeFail('putFiles', containerId);
    const container = this.container(containerId);
    this.files.set(container.id, [...(this.files.get(container.id) ?? []), ...files]);
    this.record('putFiles', container.name, container.labels);
  }

  async startContainer(id: string): Promise<void> {
    this.maybeFail('startContainer', id);
    const container = this.container(id);
    if (container.state === 'running') return;
    container.state = 'running';
    container.status = 'Up';
    this.record('startContainer', container.name, container.labels);
  }

  async stopContainer(id: string): Promise<void> {
    this.maybeFail('stopContainer', id);
    const container = this.container(id);
    if (container.state !== 'running') return;
    container.state = 'exited';
    container.status = 'Exited (0)';
    this.record('stopContainer', container.name, container.labels);
  }

  async restartContainer(id: string): Promise<void> {
    this.maybeFail('restartContainer', id);
    const container = this.container(id);
    container.state = 'running';
    container.status = 'Up';
    this.record('restartContainer', container.name, container.labels);
  }

  async listContainers(labels: Record<string, string | undefined>): Promise<ContainerInfo[]> {
    this.maybeFail('listContainers');
    return this.containers.filter((c) => matches(c.labels, labels)).map(({ id, name, labels: l, state, status, createdAt, networks }) => ({ id, name, labels: l, state, status, createdAt, networks }));
  }

  async inspectContainer(id: string): Promise<ContainerDetails | null> {
    this.maybeFail('inspectContainer', id);
    const found = this.containers.find((c) => c.id === id || c.name === id);
    if (!found) return null;
    const { spec: _spec, ...details } = found;
    return details;
  }

  async removeContainer(id: string): Promise<void> {
    this.maybeFail('removeContainer', id);
    const container = this.containers.find((c) => c.id === id || c.name === id);
    if (!container) return;
    this.containers = this.containers.filter((c) => c !== container);
    for (const network of this.networks) network.containerIds = network.containerIds.filter((c) => c !== container.id);
    this.files.delete(container.id);
    this.record('removeContainer', container.name, container.labels);
  }

  async exec(containerId: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.maybeFail('exec', containerId);
    const container = this.container(containerId);
    if (container.state !== 'running') throw new EngineError(`Container ${container.id} is not running`, 409);
    return this.execHandler(container, argv, options);
  }

  /** A terminal that echoes its input, as a TTY in cooked mode would, until its stream ends. */
  async execInteractive(containerId: string, _argv: string[], options: InteractiveExecOptions = {}): Promise<InteractiveExec> {
    this.maybeFail('execInteractive', containerId);
    const container = this.container(containerId);
    if (container.state !== 'running') throw new EngineError(`Container ${container.id} is not running`, 409);
    const id = `exec-${++this.sequence}`;
    const output = new PassThrough();
    let running = true;
    const stream = new Duplex({
      read: () => undefined,
      write: (chunk: Buffer, _encoding, done) => {
        output.write(chunk);
        done();
      },
      final: (done) => {
        running = false;
        output.end();
        done();
      },
    });
    output.on('data', (chunk: Buffer) => stream.push(chunk));
    output.on('end', () => stream.push(null));
    stream.on('close', () => (running = false));
    const sizes: TerminalSize[] = options.size ? [options.size] : [];
    this.terminalSizes.set(id, sizes);
    return {
      id,
      stream,
      resize: async (size) => void sizes.push(size),
      inspect: async () => ({ running, exitCode: running ? null : 0, pid: 1000 + this.sequence }),
    };
  }

  async imageExists(reference: string): Promise<boolean> {
    this.maybeFail('imageExists', reference);
    return this.images.has(reference);
  }

  async inspectImage(reference: string): Promise<ImageInfo | null> {
    this.maybeFail('inspectImage', reference);
    return this.images.get(reference) ?? null;
  }

  async buildImage(build: ImageBuild): Promise<void> {
    this.maybeFail('buildImage', build.tag);
    if (!build.context.some((f) => f.path === 'Dockerfile')) throw new Error(`building ${build.tag} failed: Cannot locate specified Dockerfile: Dockerfile`);
    this.images.set(build.tag, { id: `sha256:${build.tag}`, labels: build.labels });
    this.record('buildImage', build.tag, build.labels);
  }

  close(): void {
    this.closed = true;
  }
}
