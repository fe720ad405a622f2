/**
 * The narrow container-runtime interface the range code uses, after
 * containerlab's: networks, containers, exec, delete, list by label. Nothing
 * else of the engine leaks into the domain, so it can be faked in unit tests.
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

export interface ContainerRuntime {
  ping(): Promise<void>;
  createNetwork(spec: NetworkSpec): Promise<NetworkInfo>;
  listNetworks(labels: Record<string, string | undefined>): Promise<NetworkInfo[]>;
  removeNetwork(idOrName: string): Promise<void>;
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  restartContainer(id: string, timeoutSeconds?: number): Promise<void>;
  listContainers(labels: Record<string, string | undefined>): Promise<ContainerInfo[]>;
  inspectContainer(id: string): Promise<ContainerInfo | null>;
  removeContainer(id: string): Promise<void>;
  exec(containerId: string, argv: string[], options?: ExecOptions): Promise<ExecResult>;
  imageExists(reference: string): Promise<boolean>;
}
