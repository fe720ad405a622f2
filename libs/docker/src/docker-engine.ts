import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type AppConfig, DependencyUnavailableError } from '@app/config';
import Docker from 'dockerode';
import http from 'node:http';
import { PassThrough } from 'node:stream';
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
import { labelFilter } from './labels.js';
import { tarArchive } from './tar.js';

/** Capabilities no range container ever gets, whatever a template says. */
const FORBIDDEN_CAPS = new Set([
  'ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'SYS_BOOT', 'SYS_TIME',
  'DAC_READ_SEARCH', 'MAC_ADMIN', 'MAC_OVERRIDE', 'BPF', 'PERFMON', 'SYSLOG', 'MKNOD', 'AUDIT_CONTROL',
]);

const MAX_EXEC_OUTPUT = 256 * 1024;

/**
 * Where one Docker engine listens. Only the local unix socket today; a remote
 * range host (issue 12) adds `{ kind: 'tls', host, port: 2376, ca, cert, key }`
 * (mutual TLS client certificates) here and in `clientOptions`: one
 * DockerEngine per engine, nothing else changes.
 */
export type DockerEndpoint = { kind: 'socket'; socketPath: string };

export interface DockerEngineOptions {
  endpoint: DockerEndpoint;
  /** Oldest engine API accepted by connectOrFail. */
  minApiVersion: string;
  /** The setting that named this endpoint, quoted in boot errors ("check DOCKER_SOCKET=..."). */
  setting: string;
}

/** Docker's KEY=value environment list. */
const envList = (env: Record<string, string> = {}) => Object.entries(env).map(([k, v]) => `${k}=${v}`);

function describeEndpoint(endpoint: DockerEndpoint): { url: string; settingValue: string } {
  switch (endpoint.kind) {
    case 'socket':
      return { url: `unix://${endpoint.socketPath}`, settingValue: endpoint.socketPath };
  }
}

/** The engine's answer as an EngineError (message without dockerode's "(HTTP code …)" prefix); anything else as is. */
function toEngineError(err: unknown): unknown {
  const e = err as { statusCode?: unknown; json?: unknown; message?: string };
  if (err instanceof EngineError || typeof e?.statusCode !== 'number') return err;
  const json = e.json as { message?: string } | string | null | undefined;
  const message = (typeof json === 'object' && json?.message) || (typeof json === 'string' && json.trim()) || e.message || String(err);
  return new EngineError(message, e.statusCode);
}

/**
 * One Docker engine behind the ContainerRuntime interface, with the isolation
 * rules built in. The only place that knows dockerode: its client stays
 * private, and every engine failure leaves here as an EngineError.
 */
export class DockerEngine implements ContainerRuntime, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DockerEngine.name);
  // No socket cap: exec streams are hijacked connections that hold a socket for their whole run, and a
  // capped pool deadlocks once more execs run at once than it has sockets.
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly docker: Docker;
  private readonly endpoint: { url: string; settingValue: string };

  /** The runtime of the engine the application is configured for (DOCKER_SOCKET). */
  static fromConfig(config: AppConfig): DockerEngine {
    return new DockerEngine({
      endpoint: { kind: 'socket', socketPath: config.DOCKER_SOCKET },
      minApiVersion: config.DOCKER_MIN_API_VERSION,
      setting: 'DOCKER_SOCKET',
    });
  }

  constructor(private readonly options: DockerEngineOptions) {
    this.endpoint = describeEndpoint(options.endpoint);
    this.docker = new Docker(this.clientOptions(options.endpoint));
  }

  private clientOptions(endpoint: DockerEndpoint): Docker.DockerOptions {
    switch (endpoint.kind) {
      case 'socket':
        return { socketPath: endpoint.socketPath, agent: this.agent } as Docker.DockerOptions;
    }
  }

  /** Runs one engine call, translating its failure. */
  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      throw toEngineError(err);
    }
  }

  async onModuleInit(): Promise<void> {
    await this.connectOrFail();
  }

  /** Boot check: the engine answers and speaks at least the minimum API version. */
  async connectOrFail(): Promise<void> {
    try {
      const version = (await this.docker.version()) as { ApiVersion: string; Version: string };
      if (compareVersions(version.ApiVersion, this.options.minApiVersion) < 0) {
        throw new Error(`engine API ${version.ApiVersion} is older than ${this.options.minApiVersion}`);
      }
      this.logger.log(`docker engine ${version.Version} (API ${version.ApiVersion}) at ${this.endpoint.url}`);
    } catch (err) {
      throw new DependencyUnavailableError('Docker engine', this.options.setting, this.endpoint.settingValue, err);
    }
  }

  async ping(): Promise<void> {
    await this.call(() => this.docker.ping());
  }

  async info(): Promise<EngineInfo> {
    const [version, info] = await this.call(() => Promise.all([this.docker.version(), this.docker.info() as Promise<Record<string, unknown>>]));
    return {
      endpoint: this.endpoint.url,
      version: version.Version,
      apiVersion: version.ApiVersion,
      os: version.Os,
      arch: version.Arch,
      kernelVersion: version.KernelVersion,
      cpus: Number(info.NCPU ?? 0),
      memoryBytes: Number(info.MemTotal ?? 0),
      containersRunning: Number(info.ContainersRunning ?? 0),
    };
  }

  async createNetwork(spec: NetworkSpec): Promise<NetworkInfo> {
    if (spec.bridgeName.length > 15) throw new Error(`bridge name "${spec.bridgeName}" is longer than 15 characters`);
    const network = await this.call(() =>
      this.docker.createNetwork({
        Name: spec.name,
        Driver: 'bridge',
        CheckDuplicate: true,
        // Always internal and without a host address: no route out, and the host is unreachable.
        Internal: true,
        Attachable: false,
        EnableIPv6: false,
        IPAM: { Driver: 'default', Config: [{ Subnet: spec.subnet, ...(spec.gateway ? { Gateway: spec.gateway } : {}) }] },
        Options: {
          'com.docker.network.bridge.inhibit_ipv4': 'true',
          'com.docker.network.bridge.name': spec.bridgeName,
          'com.docker.network.bridge.enable_ip_masquerade': 'false',
        },
        Labels: spec.labels,
      }),
    );
    const info = await this.inspectNetwork(network.id);
    if (!info) throw new Error(`network ${spec.name} vanished right after creation`);
    return info;
  }

  private async inspectNetwork(id: string): Promise<NetworkInfo | null> {
    try {
      const n = (await this.call(() => this.docker.getNetwork(id).inspect())) as Docker.NetworkInspectInfo;
      return toNetworkInfo(n);
    } catch (err) {
      if (EngineError.is(err, 404)) return null;
      throw err;
    }
  }

  async listNetworks(labels: Record<string, string | undefined>): Promise<NetworkInfo[]> {
    const list = await this.call(() => this.docker.listNetworks({ filters: { label: labelFilter(labels) } }));
    const detailed = await Promise.all(list.map((n) => this.inspectNetwork(n.Id)));
    return detailed.filter((n): n is NetworkInfo => n !== null);
  }

  async removeNetwork(idOrName: string): Promise<void> {
    try {
      await this.call(() => this.docker.getNetwork(idOrName).remove());
    } catch (err) {
      if (!EngineError.is(err, 404)) throw err;
    }
  }

  async disconnectNetwork(networkId: string, containerId: string): Promise<void> {
    try {
      await this.call(() => this.docker.getNetwork(networkId).disconnect({ Container: containerId, Force: true }));
    } catch (err) {
      // Gone already (network, container or endpoint): nothing left to detach.
      if (!EngineError.is(err, 404) && !/not connected|not found/i.test((err as Error).message)) throw err;
    }
  }

  async engineSubnets(): Promise<string[]> {
    const networks = await this.call(() => this.docker.listNetworks());
    return networks.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => Boolean(s && s.includes('.'))));
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const forbidden = spec.capAdd.filter((c) => FORBIDDEN_CAPS.has(c.replace(/^CAP_/, '')));
    if (forbidden.length) throw new Error(`capabilities never allowed: ${forbidden.join(', ')}`);
    const [first, ...rest] = spec.networks;
    if (!first) throw new Error(`container ${spec.name} joins no network`);
    const endpoint = (a: (typeof spec.networks)[number]) => ({
      Aliases: a.aliases ?? [],
      ...(a.ipv4Address ? { IPAMConfig: { IPv4Address: a.ipv4Address } } : {}),
    });
    const container = await this.call(() =>
      this.docker.createContainer({
        name: spec.name,
        Hostname: spec.hostname,
        Image: spec.image,
        Cmd: spec.cmd,
        Entrypoint: spec.entrypoint,
        Env: envList(spec.env),
        Labels: spec.labels,
        WorkingDir: spec.workingDir,
        User: spec.user,
        NetworkDisabled: false,
        ExposedPorts: {},
        HostConfig: {
          NetworkMode: first.network,
          Memory: spec.memoryBytes,
          MemorySwap: spec.memoryBytes,
          NanoCpus: spec.nanoCpus,
          PidsLimit: spec.pidsLimit,
          CapDrop: ['ALL'],
          CapAdd: spec.capAdd,
          SecurityOpt: ['no-new-privileges'],
          Privileged: false,
          ReadonlyRootfs: spec.readOnlyRootfs,
          Tmpfs: spec.tmpfs ?? {},
          PublishAllPorts: false,
          PortBindings: {},
          Binds: [],
          Dns: [...RANGE_UPSTREAM_DNS],
          IpcMode: 'private',
          PidMode: '',
          Init: false,
          RestartPolicy: { Name: 'no' },
          LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } },
        },
        NetworkingConfig: { EndpointsConfig: { [first.network]: endpoint(first) } },
      }),
    );
    for (const attachment of rest) {
      await this.call(() => this.docker.getNetwork(attachment.network).connect({ Container: container.id, EndpointConfig: endpoint(attachment) }));
    }
    return container.id;
  }

  async putFiles(containerId: string, files: ContainerFile[]): Promise<void> {
    await this.call(() => this.docker.getContainer(containerId).putArchive(tarArchive(files), { path: '/' }));
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.call(() => this.docker.getContainer(id).start());
    } catch (err) {
      // 304: already running, which is what a retry wants.
      if (!EngineError.is(err, 304)) throw err;
    }
  }

  async stopContainer(id: string, timeoutSeconds = 10): Promise<void> {
    try {
      await this.call(() => this.docker.getContainer(id).stop({ t: timeoutSeconds }));
    } catch (err) {
      // 304: already stopped.
      if (!EngineError.is(err, 304)) throw err;
    }
  }

  async restartContainer(id: string, timeoutSeconds = 1): Promise<void> {
    await this.call(() => this.docker.getContainer(id).restart({ t: timeoutSeconds }));
  }

  async listContainers(labels: Record<string, string | undefined>): Promise<ContainerInfo[]> {
    const list = await this.call(() => this.docker.listContainers({ all: true, filters: { label: labelFilter(labels) } }));
    return list.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      labels: c.Labels ?? {},
      state: c.State,
      status: c.Status,
      createdAt: new Date(c.Created * 1000),
      networks: Object.fromEntries(
        Object.entries(c.NetworkSettings?.Networks ?? {}).map(([name, n]) => [name, { ipv4Address: n.IPAddress }]),
      ),
    }));
  }

  async inspectContainer(id: string): Promise<ContainerDetails | null> {
    let c: Docker.ContainerInspectInfo;
    try {
      c = await this.call(() => this.docker.getContainer(id).inspect());
    } catch (err) {
      if (EngineError.is(err, 404)) return null;
      throw err;
    }
    const host = c.HostConfig;
    return {
      id: c.Id,
      name: c.Name.replace(/^\//, ''),
      labels: c.Config.Labels ?? {},
      state: c.State.Status,
      status: c.State.Status,
      createdAt: new Date(c.Created),
      networks: Object.fromEntries(
        Object.entries(c.NetworkSettings.Networks ?? {}).map(([name, n]) => [name, { ipv4Address: n.IPAddress }]),
      ),
      exitCode: c.State.ExitCode,
      oomKilled: c.State.OOMKilled,
      applied: {
        user: c.Config.User ?? '',
        capAdd: host.CapAdd ?? [],
        capDrop: host.CapDrop ?? [],
        privileged: host.Privileged ?? false,
        securityOpt: host.SecurityOpt ?? [],
        readOnlyRootfs: host.ReadonlyRootfs ?? false,
        memoryBytes: host.Memory ?? 0,
        nanoCpus: host.NanoCpus ?? 0,
        pidsLimit: host.PidsLimit ?? null,
        tmpfs: (host as { Tmpfs?: Record<string, string> }).Tmpfs ?? {},
        binds: host.Binds ?? [],
        portBindings: (host.PortBindings as Record<string, unknown> | undefined) ?? {},
        networkMode: host.NetworkMode ?? '',
        pidMode: host.PidMode ?? '',
        dns: host.Dns ?? [],
      },
    };
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.call(() => this.docker.getContainer(id).remove({ force: true, v: true }));
    } catch (err) {
      // 409 "removal already in progress" is as good as done for an idempotent caller.
      if (!EngineError.is(err, 404) && !EngineError.is(err, 409)) throw err;
    }
  }

  async exec(containerId: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const exec = await this.call(() =>
      this.docker.getContainer(containerId).exec({
        Cmd: argv,
        AttachStdin: options.stdin !== undefined,
        AttachStdout: true,
        AttachStderr: true,
        User: options.user,
        Env: envList(options.env),
      }),
    );
    const withStdin = options.stdin !== undefined;
    const stream = await this.call(() => exec.start({ hijack: true, stdin: withStdin }));
    // The input, then end of file (a half-close of the hijacked connection; the engine closes the process's stdin).
    if (withStdin) stream.end(options.stdin);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => {
      const sink = new PassThrough();
      sink.on('data', (chunk: Buffer) => {
        if (size < MAX_EXEC_OUTPUT) into.push(chunk);
        size += chunk.length;
      });
      return sink;
    };
    this.docker.modem.demuxStream(stream, collect(out), collect(err));
    const timeoutMs = options.timeoutMs ?? 30000;
    const finished = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      stream.on('end', done);
      stream.on('close', done);
      stream.on('error', done);
    });
    if (!finished) {
      stream.destroy();
      return { exitCode: 124, stdout: Buffer.concat(out).toString('utf8'), stderr: `timed out after ${timeoutMs} ms` };
    }
    const inspected = await this.call(() => exec.inspect());
    return {
      exitCode: inspected.ExitCode ?? -1,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
    };
  }

  async execInteractive(containerId: string, argv: string[], options: InteractiveExecOptions = {}): Promise<InteractiveExec> {
    const exec = await this.call(() =>
      this.docker.getContainer(containerId).exec({
        Cmd: argv,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        User: options.user,
        WorkingDir: options.workingDir,
        Env: envList(options.env),
      }),
    );
    // With a TTY the stream is raw (no stdout/stderr frames): it is the terminal itself.
    const stream = await this.call(() => exec.start({ hijack: true, stdin: true, Tty: true }));
    const resize = (size: TerminalSize) => this.call(() => exec.resize({ h: size.rows, w: size.cols })).then(() => undefined);
    if (options.size) {
      // The engine may not have the process yet right after start: retry briefly, as the docker CLI does.
      for (let attempt = 0; ; attempt++) {
        try {
          await resize(options.size);
          break;
        } catch (err) {
          if (attempt >= 4) {
            stream.destroy();
            throw err;
          }
          await new Promise((r) => setTimeout(r, 10 * (attempt + 1)));
        }
      }
    }
    return {
      id: exec.id,
      stream,
      resize,
      inspect: async () => {
        const state = await this.call(() => exec.inspect());
        return { running: state.Running, exitCode: state.ExitCode ?? null, pid: state.Pid ?? 0 };
      },
    };
  }

  async inspectImage(reference: string): Promise<ImageInfo | null> {
    try {
      const image = await this.call(() => this.docker.getImage(reference).inspect());
      return { id: image.Id, labels: image.Config?.Labels ?? {} };
    } catch (err) {
      if (EngineError.is(err, 404)) return null;
      throw err;
    }
  }

  async imageExists(reference: string): Promise<boolean> {
    return (await this.inspectImage(reference)) !== null;
  }

  async buildImage(build: ImageBuild): Promise<void> {
    const stream = await this.call(() =>
      this.docker.buildImage(tarArchive(build.context) as unknown as NodeJS.ReadableStream, {
        t: build.tag,
        labels: build.labels,
        ...(build.buildArgs ? { buildargs: build.buildArgs } : {}),
        rm: true,
        forcerm: true,
        nocache: false,
      }),
    );
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(stream, (err: Error | null, output: Array<{ error?: string }>) => {
        const failed = err?.message ?? output.find((o) => o.error)?.error;
        if (failed) reject(new Error(`building ${build.tag} failed: ${failed}`));
        else resolve();
      });
    });
  }

  close(): void {
    this.agent.destroy();
  }

  onApplicationShutdown(): void {
    this.close();
  }
}

function toNetworkInfo(n: Docker.NetworkInspectInfo): NetworkInfo {
  return {
    id: n.Id,
    name: n.Name,
    labels: n.Labels ?? {},
    subnet: n.IPAM?.Config?.[0]?.Subnet,
    internal: n.Internal,
    options: n.Options ?? {},
    containerIds: Object.keys(n.Containers ?? {}),
  };
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
