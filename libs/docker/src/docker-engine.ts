import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AppConfig, DependencyUnavailableError } from '@app/config';
import Docker from 'dockerode';
import http from 'node:http';
import { PassThrough } from 'node:stream';
import type {
  ContainerInfo,
  ContainerRuntime,
  ContainerSpec,
  ExecOptions,
  ExecResult,
  NetworkInfo,
  NetworkSpec,
} from './container-runtime.js';
import { labelFilter } from './labels.js';
import { tarArchive, type TarEntry } from './tar.js';

/** Capabilities no range container ever gets, whatever a template says. */
const FORBIDDEN_CAPS = new Set([
  'ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'SYS_BOOT', 'SYS_TIME',
  'DAC_READ_SEARCH', 'MAC_ADMIN', 'MAC_OVERRIDE', 'BPF', 'PERFMON', 'SYSLOG', 'MKNOD', 'AUDIT_CONTROL',
]);

const MAX_EXEC_OUTPUT = 256 * 1024;

function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number })?.statusCode === 404;
}

/** Docker engine over its unix socket, behind the narrow ContainerRuntime interface. */
@Injectable()
export class DockerEngine implements ContainerRuntime, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DockerEngine.name);
  // No socket cap: exec streams are hijacked connections that hold a socket for their whole run, and a
  // capped pool deadlocks once more execs run at once than it has sockets.
  private readonly agent = new http.Agent({ keepAlive: true });
  readonly docker: Docker;
  apiVersion = '';

  constructor(private readonly config: AppConfig) {
    this.docker = new Docker({ socketPath: config.DOCKER_SOCKET, agent: this.agent } as Docker.DockerOptions);
  }

  async onModuleInit(): Promise<void> {
    await this.connectOrFail();
  }

  /** Boot check: the engine answers and speaks at least DOCKER_MIN_API_VERSION. */
  async connectOrFail(): Promise<void> {
    try {
      const version = (await this.docker.version()) as { ApiVersion: string; Version: string };
      this.apiVersion = version.ApiVersion;
      if (compareVersions(version.ApiVersion, this.config.DOCKER_MIN_API_VERSION) < 0) {
        throw new Error(`engine API ${version.ApiVersion} is older than ${this.config.DOCKER_MIN_API_VERSION}`);
      }
      this.logger.log(`docker engine ${version.Version} (API ${version.ApiVersion})`);
    } catch (err) {
      throw new DependencyUnavailableError('Docker engine', 'DOCKER_SOCKET', this.config.DOCKER_SOCKET, err);
    }
  }

  async ping(): Promise<void> {
    await this.docker.ping();
  }

  async createNetwork(spec: NetworkSpec): Promise<NetworkInfo> {
    if (spec.bridgeName.length > 15) throw new Error(`bridge name "${spec.bridgeName}" is longer than 15 characters`);
    const network = await this.docker.createNetwork({
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
    });
    const info = await this.inspectNetwork(network.id);
    if (!info) throw new Error(`network ${spec.name} vanished right after creation`);
    return info;
  }

  private async inspectNetwork(id: string): Promise<NetworkInfo | null> {
    try {
      const n = (await this.docker.getNetwork(id).inspect()) as Docker.NetworkInspectInfo;
      return toNetworkInfo(n);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async listNetworks(labels: Record<string, string | undefined>): Promise<NetworkInfo[]> {
    const list = await this.docker.listNetworks({ filters: { label: labelFilter(labels) } });
    const detailed = await Promise.all(list.map((n) => this.inspectNetwork(n.Id)));
    return detailed.filter((n): n is NetworkInfo => n !== null);
  }

  async removeNetwork(idOrName: string): Promise<void> {
    try {
      await this.docker.getNetwork(idOrName).remove();
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
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
    const container = await this.docker.createContainer({
      name: spec.name,
      Hostname: spec.hostname,
      Image: spec.image,
      Cmd: spec.cmd,
      Entrypoint: spec.entrypoint,
      Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
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
        IpcMode: 'private',
        PidMode: '',
        Init: false,
        RestartPolicy: { Name: 'no' },
        LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } },
      },
      NetworkingConfig: { EndpointsConfig: { [first.network]: endpoint(first) } },
    });
    for (const attachment of rest) {
      await this.docker.getNetwork(attachment.network).connect({ Container: container.id, EndpointConfig: endpoint(attachment) });
    }
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (err) {
      // 304: already running, which is what a retry wants.
      if ((err as { statusCode?: number })?.statusCode !== 304) throw err;
    }
  }

  async restartContainer(id: string, timeoutSeconds = 1): Promise<void> {
    await this.docker.getContainer(id).restart({ t: timeoutSeconds });
  }

  async listContainers(labels: Record<string, string | undefined>): Promise<ContainerInfo[]> {
    const list = await this.docker.listContainers({ all: true, filters: { label: labelFilter(labels) } });
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

  async inspectContainer(id: string): Promise<ContainerInfo | null> {
    try {
      const c = await this.docker.getContainer(id).inspect();
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
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      // 409 "removal already in progress" is as good as done for an idempotent caller.
      const code = (err as { statusCode?: number })?.statusCode;
      if (code !== 404 && code !== 409) throw err;
    }
  }

  async putFiles(containerId: string, entries: TarEntry[]): Promise<void> {
    await this.docker.getContainer(containerId).putArchive(tarArchive(entries), { path: '/' });
  }

  async exec(containerId: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const exec = await this.docker.getContainer(containerId).exec({
      Cmd: argv,
      AttachStdout: true,
      AttachStderr: true,
      User: options.user,
      Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
    });
    const stream = await exec.start({ hijack: true, stdin: false });
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
    const inspected = await exec.inspect();
    return {
      exitCode: inspected.ExitCode ?? -1,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
    };
  }

  async imageExists(reference: string): Promise<boolean> {
    try {
      await this.docker.getImage(reference).inspect();
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  onApplicationShutdown(): void {
    this.agent.destroy();
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
