import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import {
  type ContainerInfo,
  type ContainerRuntime,
  type ContainerSpec,
  EngineError,
  InjectRuntime,
  labelKeys,
  type LabelKeys,
  type NetworkInfo,
  RangeImageBuilder,
} from '@app/docker';
import type { BlueprintNode, RangeBlueprint } from '@app/templates';
import { dependencyLevels } from './dependency-levels.js';
import {
  bridgeName,
  containerName,
  networkLabels,
  networkName,
  nodeLabels,
  RANGE_NETWORK_KIND,
  RANGE_NODE_KIND,
  type RangeIdentity,
  rangeSelector,
} from './naming.js';

export interface NodeProgress {
  state?: 'pending' | 'creating' | 'starting' | 'ready' | 'failed' | 'missing' | 'removed';
  containerId?: string | null;
  addresses?: Record<string, string>;
  health?: 'healthy' | 'unhealthy' | 'unknown';
  lastError?: string | null;
}

/** How the provisioner reports progress and learns that it should stop. */
export interface ProvisionObserver {
  event(kind: string, message: string, details?: Record<string, unknown>): Promise<void>;
  node(name: string, progress: NodeProgress): Promise<void>;
  /** Throws when the range must not be worked on any more (torn down meanwhile). */
  checkpoint(): Promise<void>;
}

/** A failure that retrying the same blueprint cannot fix (bad image, node never ready). */
export class PermanentProvisionError extends Error {
  override name = 'PermanentProvisionError';
}

/** Networks that could not be removed even after retries (e.g. "has active endpoints"). */
export class NetworkRemovalError extends Error {
  override name = 'NetworkRemovalError';
  constructor(readonly networks: Array<{ name: string; error: string }>) {
    super(`could not remove ${networks.length} network(s): ${networks.map((n) => `${n.name}: ${n.error}`).join('; ')}`);
  }
}

const TMPFS = { '/tmp': 'rw,nosuid,nodev,size=16m', '/run': 'rw,nosuid,nodev,size=4m' };
/** Delays between network removal attempts: about 16 s in all, then the job's own retry takes over. */
const NETWORK_REMOVAL_BACKOFF_MS: readonly number[] = [250, 500, 1000, 2000, 4000, 8000];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Containers stopped or removed at once during a teardown: the engine serialises much of it anyway. */
const TEARDOWN_CONCURRENCY = 8;

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Creates, resets and removes one range's Docker objects from its blueprint
 * through the ContainerRuntime. Every step first looks for the objects by
 * label, so running it again after a crash completes the range instead of
 * duplicating it. Networks are created in parallel, then containers, each as
 * soon as the nodes it depends on are ready.
 */
@Injectable()
export class RangeProvisioner {
  private readonly logger = new Logger(RangeProvisioner.name);
  readonly keys: LabelKeys;
  readonly instance: string;
  /** Waits between network removal attempts (unit tests shorten them). */
  networkRemovalBackoffMs: readonly number[] = NETWORK_REMOVAL_BACKOFF_MS;

  constructor(
    @InjectRuntime() private readonly engine: ContainerRuntime,
    private readonly images: RangeImageBuilder,
    config: AppConfig,
  ) {
    this.keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
    this.instance = config.INSTANCE_NAME;
  }

  selector(rangeId: string): Record<string, string> {
    return rangeSelector(this.keys, this.instance, rangeId);
  }

  async provision(range: RangeIdentity, blueprint: RangeBlueprint, observer: ProvisionObserver): Promise<void> {
    const levels = dependencyLevels(blueprint.nodes);
    const [images] = await Promise.all([this.resolveImages(blueprint), this.ensureNetworks(range, blueprint, observer)]);
    await observer.checkpoint();
    const existing = await this.engine.listContainers({ ...this.selector(range.id), [this.keys.kind]: RANGE_NODE_KIND });
    await observer.event('nodes.starting', `starting ${blueprint.nodes.length} nodes in ${levels.length} dependency level(s)`, { levels });
    await this.startNodes(range, blueprint, images, existing, observer);
  }

  /** Back to T0 in place: every container is recreated from the same blueprint (same variables, addresses, files). */
  async reset(range: RangeIdentity, blueprint: RangeBlueprint, observer: ProvisionObserver): Promise<void> {
    dependencyLevels(blueprint.nodes);
    const [images] = await Promise.all([this.resolveImages(blueprint), this.removeContainers(range.id)]);
    await this.ensureNetworks(range, blueprint, observer);
    await this.startNodes(range, blueprint, images, [], observer);
  }

  /**
   * Removes the range's containers, then its networks, in the order that
   * leaves no endpoint behind: every container is stopped first (its PID 1
   * exits on SIGTERM at once, and the engine releases its endpoints while the
   * container still exists), then detached from each range network by id
   * (forced; a disconnect by the name of a container already removed only
   * answers "endpoint not found"), then removed, 8 at a time. Each network is
   * then removed with backoff, detaching whatever the engine still lists on it
   * before each attempt; `onNetworkGone` is told of each template network as
   * soon as its network is gone (or was already), so its subnet is released.
   */
  async teardown(
    rangeId: string,
    observer: Pick<ProvisionObserver, 'event'>,
    onNetworkGone: (network: string) => Promise<void> = async () => undefined,
  ): Promise<{ containers: number; networks: number }> {
    const [containers, networks] = await Promise.all([this.engine.listContainers(this.selector(rangeId)), this.engine.listNetworks(this.selector(rangeId))]);
    await inBatches(containers, TEARDOWN_CONCURRENCY, (c) => this.engine.stopContainer(c.id, 2).catch(() => undefined));
    for (const network of networks) {
      for (const containerId of network.containerIds) await this.engine.disconnectNetwork(network.id, containerId).catch(() => undefined);
    }
    await inBatches(containers, TEARDOWN_CONCURRENCY, (c) => this.engine.removeContainer(c.id));
    const stuck = (
      await Promise.all(
        networks.map(async (n) => {
          const failure = await this.removeNetworkWithRetry(n, observer);
          if (!failure && n.labels[this.keys.network]) await onNetworkGone(n.labels[this.keys.network]!);
          return failure;
        }),
      )
    ).filter((s): s is { name: string; error: string } => s !== null);
    if (stuck.length) throw new NetworkRemovalError(stuck);
    return { containers: containers.length, networks: networks.length };
  }

  /** The template networks of a range that still have a network on the engine. */
  async networksOnEngine(rangeId: string): Promise<Set<string>> {
    const networks = await this.engine.listNetworks(this.selector(rangeId));
    return new Set(networks.map((n) => n.labels[this.keys.network] ?? n.name));
  }

  async removeContainers(rangeId: string): Promise<number> {
    const containers = await this.engine.listContainers(this.selector(rangeId));
    await Promise.all(containers.map((c) => this.engine.removeContainer(c.id)));
    return containers.length;
  }

  /** Returns null when removed, or the last error after every retry failed. */
  async removeNetworkWithRetry(
    network: Pick<NetworkInfo, 'id' | 'name' | 'labels'>,
    observer?: Pick<ProvisionObserver, 'event'>,
  ): Promise<{ name: string; error: string } | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.engine.removeNetwork(network.id);
        if (attempt > 0) await observer?.event('network.removed', `network ${network.name} removed after ${attempt + 1} attempts`);
        return null;
      } catch (err) {
        const error = errorMessage(err);
        if (attempt >= this.networkRemovalBackoffMs.length) {
          await observer?.event('network.removal-failed', `network ${network.name} could not be removed: ${error}`, { network: network.name });
          return { name: network.name, error };
        }
        if (attempt === 0) await observer?.event('network.removal-retry', `network ${network.name}: ${error}; retrying with backoff`, { network: network.name });
        await sleep(this.networkRemovalBackoffMs[attempt]!);
        // Whatever the engine still lists as attached is detached (forced) before the next attempt.
        const [current] = (await this.engine.listNetworks(network.labels).catch(() => [])).filter((n) => n.id === network.id);
        for (const containerId of current?.containerIds ?? []) await this.engine.disconnectNetwork(network.id, containerId).catch(() => undefined);
      }
    }
  }

  /** Live containers of a range (for status and the reconciler). */
  containersOf(rangeId: string): Promise<ContainerInfo[]> {
    return this.engine.listContainers({ ...this.selector(rangeId), [this.keys.kind]: RANGE_NODE_KIND });
  }

  private async resolveImages(blueprint: RangeBlueprint): Promise<Map<string, string>> {
    const refs = new Map<string, string>();
    const builtins = [...new Set(blueprint.nodes.flatMap((n) => ('builtin' in n.image ? [n.image.builtin] : [])))];
    const references = [...new Set(blueprint.nodes.flatMap((n) => ('reference' in n.image ? [n.image.reference] : [])))];
    await Promise.all([
      ...builtins.map(async (name) => {
        try {
          refs.set(`builtin:${name}`, (await this.images.ensure(name)).image.reference);
        } catch (err) {
          throw new PermanentProvisionError(`range image "${name}" cannot be built: ${errorMessage(err)}`);
        }
      }),
      ...references.map(async (reference) => {
        // No registry is reachable: an image reference must already be on the engine.
        if (!(await this.engine.imageExists(reference))) {
          throw new PermanentProvisionError(`image "${reference}" is not on the engine (no registry is reachable to pull it)`);
        }
        refs.set(`reference:${reference}`, reference);
      }),
    ]);
    return refs;
  }

  private async ensureNetworks(range: RangeIdentity, blueprint: RangeBlueprint, observer: ProvisionObserver): Promise<void> {
    const existing = await this.engine.listNetworks({ ...this.selector(range.id), [this.keys.kind]: RANGE_NETWORK_KIND });
    await Promise.all(
      blueprint.networks.map(async (net) => {
        const found = existing.filter((n) => n.labels[this.keys.network] === net.name);
        const good = found.find((n) => n.subnet === net.subnet && n.internal);
        for (const stale of found.filter((n) => n !== good)) {
          const stuck = await this.removeNetworkWithRetry(stale, observer);
          if (stuck) throw new Error(`stale network ${stale.name} blocks the range: ${stuck.error}`);
        }
        if (good) return;
        await this.engine.createNetwork({
          name: networkName(this.instance, range.id, net.name),
          bridgeName: bridgeName(this.instance, range.id, net.name),
          subnet: net.subnet,
          labels: networkLabels(this.keys, this.instance, range, net.name),
        });
        await observer.event('network.created', `network ${net.name} created on ${net.subnet}`, { network: net.name, subnet: net.subnet });
      }),
    );
  }

  private async startNodes(
    range: RangeIdentity,
    blueprint: RangeBlueprint,
    images: Map<string, string>,
    existing: ContainerInfo[],
    observer: ProvisionObserver,
  ): Promise<void> {
    const started = new Map<string, Promise<void>>();
    // blueprint.nodes is in dependency order, so every dependency's promise exists already.
    for (const node of blueprint.nodes) {
      const deps = node.dependsOn.map((d) => started.get(d)!);
      // Every container is created (networks joined, files placed) at once; only its start waits
      // for the nodes it depends on, which keeps the critical path short.
      const prepared = this.prepareNode(range, node, images, existing.filter((c) => c.labels[this.keys.node] === node.name), observer);
      prepared.catch(() => undefined);
      started.set(
        node.name,
        (async () => {
          const { id, running } = await prepared;
          await Promise.all(deps);
          if (!running) {
            await observer.checkpoint();
            await this.engine.startContainer(id);
            await observer.node(node.name, { state: 'starting', containerId: id });
            await observer.event('node.started', `node ${node.name} started`, { node: node.name, container: id });
          }
          await this.waitReady(node, id, observer);
        })(),
      );
    }
    const results = await Promise.allSettled(started.values());
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /** The node's container, created but not started unless a running one of an earlier run is there. */
  private async prepareNode(
    range: RangeIdentity,
    node: BlueprintNode,
    images: Map<string, string>,
    existing: ContainerInfo[],
    observer: ProvisionObserver,
  ): Promise<{ id: string; running: boolean }> {
    await observer.checkpoint();
    const running = existing.find((c) => c.state === 'running');
    // Anything else of this node (created but never started, exited) is from an interrupted run: start afresh.
    await Promise.all(existing.filter((c) => c !== running).map((c) => this.engine.removeContainer(c.id)));
    if (running) return { id: running.id, running: true };
    const addresses = Object.fromEntries(node.attachments.map((a) => [a.network, a.address]));
    await observer.node(node.name, { state: 'creating', addresses, containerId: null, lastError: null });
    return { id: await this.createNode(range, node, images, observer), running: false };
  }

  /** Creates the container, joins its networks and places its files; does not start it. */
  private async createNode(range: RangeIdentity, node: BlueprintNode, images: Map<string, string>, observer: ProvisionObserver): Promise<string> {
    const image = images.get('builtin' in node.image ? `builtin:${node.image.builtin}` : `reference:${node.image.reference}`)!;
    // Docker refuses archives on a read-only root, so a node with files gets a writable one (and an event says so).
    const readOnly = node.readOnlyRoot && node.files.length === 0;
    if (node.readOnlyRoot && !readOnly) {
      await observer.event('node.read-only-skipped', `node ${node.name}: root left writable, its files must be placed before start`, { node: node.name });
    }
    const spec: ContainerSpec = {
      name: containerName(this.instance, range.id, node.name),
      hostname: node.name,
      image,
      cmd: node.command,
      env: node.env,
      labels: nodeLabels(this.keys, this.instance, range, node.name),
      networks: node.attachments.map((a) => ({
        network: networkName(this.instance, range.id, a.network),
        ipv4Address: a.address,
        aliases: a.aliases,
      })),
      memoryBytes: Math.round(node.resources.memoryMb * 1024 * 1024),
      nanoCpus: Math.round(node.resources.cpus * 1e9),
      pidsLimit: node.resources.pids,
      capAdd: node.capabilities,
      readOnlyRootfs: readOnly,
      tmpfs: readOnly ? TMPFS : undefined,
    };
    let id: string;
    try {
      id = await this.engine.createContainer(spec);
    } catch (err) {
      // A name conflict means a container of ours that the label lookup did not return (a concurrent
      // or half-finished create): it is not running, so replace it.
      if (!EngineError.is(err, 409)) throw err;
      await this.engine.removeContainer(spec.name);
      id = await this.engine.createContainer(spec);
    }
    if (node.files.length) {
      await this.engine.putFiles(
        id,
        node.files.map((f) => ({ path: f.path, content: f.content, mode: f.mode })),
      );
    }
    return id;
  }

  private async waitReady(node: BlueprintNode, containerId: string, observer: ProvisionObserver): Promise<void> {
    const check = node.readiness;
    if (!check) {
      await observer.node(node.name, { state: 'ready', health: 'unknown', containerId });
      return;
    }
    const deadline = Date.now() + check.timeoutSeconds * 1000;
    let last = '';
    // Poll fast at first (most services are up within a few hundred ms), backing off to the template's interval.
    let delay = Math.min(50, check.intervalMs);
    for (;;) {
      const result = await this.engine.exec(containerId, check.argv, { timeoutMs: Math.max(1000, Math.min(10000, check.timeoutSeconds * 1000)) });
      if (result.exitCode === 0) {
        await observer.node(node.name, { state: 'ready', health: 'healthy', containerId, lastError: null });
        return;
      }
      last = `exit ${result.exitCode}${result.stderr.trim() ? `: ${result.stderr.trim().slice(0, 200)}` : ''}`;
      if (Date.now() >= deadline) break;
      await sleep(delay);
      delay = Math.min(delay * 2, check.intervalMs);
    }
    const message = `node ${node.name} not ready after ${check.timeoutSeconds} s (${check.argv.join(' ')}: ${last})`;
    await observer.node(node.name, { state: 'failed', health: 'unhealthy', lastError: message });
    throw new PermanentProvisionError(message);
  }
}
