import { Inject } from '@nestjs/common';
import type { Duplex } from 'node:stream';

/**
 * The narrow container-runtime interface the range code uses, after
 * containerlab's: networks, containers, files, exec (collected or
 * interactive), images, list by label. Consumers inject it by the
 * CONTAINER_RUNTIME token and never see the engine's client, so unit tests
 * fake it and one runtime can be built per engine (DockerEngine is the only
 * implementation that knows Docker).
 */
export interface NetworkSpec {
  name: string;
  /** Bridge interface name on the host, at most 15 characters. */
  bridgeName: string;
  subnet: string;
  gateway?: string;
  labels: Record<string, string>;
}

export interface NetworkInfo {
  id: string;
  name: string;
  labels: Record<string, string>;
  subnet?: string;
  internal: boolean;
  options: Record<string, string>;
  containerIds: string[];
}

export interface ContainerAttachment {
  network: string;
  ipv4Address?: string;
  aliases?: string[];
}

export interface ContainerSpec {
  name: string;
  hostname: string;
  image: string;
  cmd?: string[];
  entrypoint?: string[];
  env?: Record<string, string>;
  labels: Record<string, string>;
  /** The first attachment is given at create time, the rest are connected before start. */
  networks: ContainerAttachment[];
  memoryBytes: number;
  nanoCpus: number;
  pidsLimit: number;
  capAdd: string[];
  readOnlyRootfs: boolean;
  /** tmpfs mounts (path -> options), e.g. /tmp and /run on a read-only root. */
  tmpfs?: Record<string, string>;
  workingDir?: string;
  user?: string;
}

export interface ContainerInfo {
  id: string;
  name: string;
  labels: Record<string, string>;
  state: string;
  status: string;
  createdAt: Date;
  networks: Record<string, { ipv4Address: string }>;
}

/**
 * Every range container's upstream DNS server: its own loopback, where nothing answers. Docker's
 * embedded resolver (127.0.0.11) still answers the range's own names; a name it does not know is
 * forwarded here, from the container's namespace, and goes nowhere. Without it, an engine before
 * 26.0 on a host whose resolver is on loopback (127.0.0.53 of systemd-resolved) forwards it from
 * the host's namespace: a way out of an Internal network.
 */
export const RANGE_UPSTREAM_DNS: readonly string[] = ['127.0.0.1'];

/** What the engine actually applied to a container, named after ContainerSpec (for audits and tests). */
export interface AppliedContainerSettings {
  user: string;
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  securityOpt: string[];
  readOnlyRootfs: boolean;
  memoryBytes: number;
  nanoCpus: number;
  pidsLimit: number | null;
  tmpfs: Record<string, string>;
  binds: string[];
  portBindings: Record<string, unknown>;
  networkMode: string;
  pidMode: string;
  /** Upstream DNS servers of Docker's embedded resolver: always RANGE_UPSTREAM_DNS. */
  dns: string[];
}

export interface ContainerDetails extends ContainerInfo {
  /** Exit code of the last run (0 while it has never exited). */
  exitCode: number;
  oomKilled: boolean;
  applied: AppliedContainerSettings;
}

/** A file to place into a container or a build context. */
export interface ContainerFile {
  /** Path inside the container (absolute) or the build context (relative). */
  path: string;
  content: string | Buffer;
  mode?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  timeoutMs?: number;
  user?: string;
  env?: Record<string, string>;
  stdin?: string;
}

export interface TerminalSize {
  rows: number;
  cols: number;
}

export interface InteractiveExecOptions {
  user?: string;
  env?: Record<string, string>;
  workingDir?: string;
  /** Applied right after the exec starts (the engine's API 1.41 has no size at create). */
  size?: TerminalSize;
}

export interface InteractiveExecState {
  running: boolean;
  exitCode: number | null;
  /**
   * Process id of the exec's first process in the engine host's PID namespace
   * (Docker's exec inspect `Pid`; 0 before it starts). Docker cannot kill an
   * exec: ending the stream leaves the process running, so a caller that must
   * stop it kills its process group from a second exec, after mapping this id
   * (or finding the process by a marker it put in `env`).
   */
  pid: number;
}

/** A running exec with a TTY: a terminal. */
export interface InteractiveExec {
  readonly id: string;
  /**
   * The terminal, already attached when the exec is returned (input written
   * before attach would be lost): bytes written are its input, bytes read its
   * output (stdout and stderr, merged by the TTY). Ending or destroying it
   * detaches; it does not stop the process.
   */
  readonly stream: Duplex;
  resize(size: TerminalSize): Promise<void>;
  inspect(): Promise<InteractiveExecState>;
}

export interface ImageBuild {
  /** The build context: a Dockerfile at its root and whatever it copies. */
  context: ContainerFile[];
  /** Tag the built image gets, e.g. "cyder-range/web:3f2a9c1b0d4e". */
  tag: string;
  labels: Record<string, string>;
  /** The Dockerfile's ARG values, e.g. { BASE: "cyder-range/base:83a7cb570ee2" }. */
  buildArgs?: Record<string, string>;
}

export interface ImageInfo {
  id: string;
  labels: Record<string, string>;
}

export interface EngineInfo {
  /** Which engine this runtime talks to, as configured (e.g. "unix:///var/run/docker.sock"). */
  endpoint: string;
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  kernelVersion: string;
  cpus: number;
  memoryBytes: number;
  containersRunning: number;
}

/** A failure the engine reported, with its HTTP status (404 missing, 409 conflict), so callers need no engine client. */
export class EngineError extends Error {
  override name = 'EngineError';
  constructor(
    message: string,
    readonly statusCode: number | undefined,
  ) {
    super(message);
  }

  static is(err: unknown, statusCode: number): boolean {
    return err instanceof EngineError && err.statusCode === statusCode;
  }
}

export interface ContainerRuntime {
  ping(): Promise<void>;
  info(): Promise<EngineInfo>;

  createNetwork(spec: NetworkSpec): Promise<NetworkInfo>;
  listNetworks(labels: Record<string, string | undefined>): Promise<NetworkInfo[]>;
  removeNetwork(idOrName: string): Promise<void>;
  /** Detaches a container from a network (forced: also a container that is stopped); nothing when it is not attached. */
  disconnectNetwork(networkId: string, containerId: string): Promise<void>;
  /** The IPv4 subnets of every network on the engine, ours or not (a new network must overlap none). */
  engineSubnets(): Promise<string[]>;

  /** Throws EngineError 409 when the name is taken. */
  createContainer(spec: ContainerSpec): Promise<string>;
  /** Places files (with parents) into a created or running container. */
  putFiles(containerId: string, files: ContainerFile[]): Promise<void>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutSeconds?: number): Promise<void>;
  restartContainer(id: string, timeoutSeconds?: number): Promise<void>;
  listContainers(labels: Record<string, string | undefined>): Promise<ContainerInfo[]>;
  inspectContainer(id: string): Promise<ContainerDetails | null>;
  removeContainer(id: string): Promise<void>;

  /** Runs argv to completion and collects its output (bounded), or gives exit code 124 on timeout. */
  exec(containerId: string, argv: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Starts argv with a TTY and stdin attached, for a terminal. */
  execInteractive(containerId: string, argv: string[], options?: InteractiveExecOptions): Promise<InteractiveExec>;

  imageExists(reference: string): Promise<boolean>;
  inspectImage(reference: string): Promise<ImageInfo | null>;
  /** Builds the context offline and tags it; throws with the build's error when it fails. */
  buildImage(build: ImageBuild): Promise<void>;

  /** Releases the connections to the engine. */
  close(): void;
}

/** DI token of the application's ContainerRuntime (DockerModule provides it from AppConfig). */
export const CONTAINER_RUNTIME = Symbol('CONTAINER_RUNTIME');

/** Injects the ContainerRuntime: `constructor(@InjectRuntime() runtime: ContainerRuntime)`. */
export const InjectRuntime = (): ParameterDecorator & PropertyDecorator => Inject(CONTAINER_RUNTIME);
