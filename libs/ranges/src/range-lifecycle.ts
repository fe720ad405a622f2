import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig, rangeHostName } from '@app/config';
import { RangeEntity, RangeNodeEntity, type RangeStatus, SessionRangeSetEntity } from '@app/database';
import { isPermanentError } from '@app/errors';
import { JobName, JobQueue } from '@app/queue';
import { RANGE_TEMPLATE_SOURCE, type RangeBlueprint, type RangeTemplateSource } from '@app/templates';
import { UnrecoverableError } from 'bullmq';
import { DataSource, In, Not } from 'typeorm';
import { RangeEventLog } from './range-event-log.js';
import { RangeLocks } from './range-lock.js';
import { NetworkRemovalError, PermanentProvisionError, type NodeProgress, type ProvisionObserver, RangeProvisioner } from './range-provisioner.js';
import { SubnetAllocator } from './subnet-allocator.js';

/** The range was torn down while a job was working on it. */
export class RangeCancelledError extends Error {
  override name = 'RangeCancelledError';
}

const STOPPED: RangeStatus[] = ['tearing_down', 'destroyed'];

/** Retrying cannot help: the provisioner says so, or a domain error of a permanent kind (e.g. the template is gone or cannot render). */
function isPermanent(err: unknown): boolean {
  return err instanceof PermanentProvisionError || err instanceof UnrecoverableError || isPermanentError(err);
}

/** Wait before the reconciler's next teardown attempt: 1 min, doubling, at most 30 min. */
export function teardownRetryDelayMs(attempts: number): number {
  return Math.min(30 * 60_000, 60_000 * 2 ** Math.max(0, attempts - 1));
}

export interface AttemptInfo {
  /** True when BullMQ will not run this job again after a failure. */
  lastAttempt: boolean;
}

/**
 * Worker side of the range lifecycle: what the provision, reset and teardown
 * jobs do, with the database kept in step (status, node states, events,
 * subnets). Every method is idempotent and holds the range's lock.
 */
@Injectable()
export class RangeLifecycle {
  private readonly logger = new Logger(RangeLifecycle.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly provisioner: RangeProvisioner,
    private readonly subnets: SubnetAllocator,
    @Inject(RANGE_TEMPLATE_SOURCE) private readonly templates: RangeTemplateSource,
    private readonly events: RangeEventLog,
    private readonly locks: RangeLocks,
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
  ) {}

  /**
   * Whether the range is placed on another host than this worker's: a job of it that reached this
   * worker anyway (sent to its old host's queue before an operator moved it) does nothing here.
   */
  private elsewhere(range: Pick<RangeEntity, 'id' | 'hostName'>): boolean {
    const here = rangeHostName(this.config);
    if (range.hostName === null || range.hostName === here) return false;
    this.logger.warn(`range ${range.id} is on host ${range.hostName}, not ${here}: its job does nothing here`);
    return true;
  }

  private ranges() {
    return this.dataSource.getRepository(RangeEntity);
  }

  private async setStatus(id: string, status: RangeStatus, extra: Partial<Omit<RangeEntity, 'blueprint'>> = {}): Promise<void> {
    await this.ranges().update({ id }, { status, ...extra });
  }

  observer(rangeId: string): ProvisionObserver {
    return {
      event: (kind, message, details) => this.events.append(rangeId, kind, message, details),
      node: (name, progress) => this.saveNode(rangeId, name, progress),
      checkpoint: async () => {
        const row = await this.ranges().findOne({ where: { id: rangeId }, select: { id: true, status: true } });
        if (!row || STOPPED.includes(row.status)) throw new RangeCancelledError(`range ${rangeId} is being torn down`);
      },
    };
  }

  private async saveNode(rangeId: string, name: string, progress: NodeProgress): Promise<void> {
    const columns: Record<string, string> = {
      state: 'state',
      containerId: 'container_id',
      addresses: 'addresses',
      health: 'health',
      lastError: 'last_error',
    };
    const update = Object.keys(progress).map((k) => columns[k]!).filter(Boolean);
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(RangeNodeEntity)
      .values({ rangeId, name, ...(progress as Partial<RangeNodeEntity>), addresses: (progress.addresses ?? {}) as never })
      .orUpdate([...update, 'updated_at'], ['range_id', 'name'])
      .execute();
  }

  /** Renders the blueprint once (allocating subnets); later runs reuse the stored one. */
  private async blueprintOf(range: RangeEntity): Promise<RangeBlueprint> {
    if (range.blueprint) return range.blueprint as unknown as RangeBlueprint;
    const summary = await this.templates.describe(range.templateId);
    const subnets = await this.subnets.allocate(range.id, summary.networks);
    const blueprint = await this.templates.render(range.templateId, subnets, range.seed);
    await this.ranges().update({ id: range.id }, { blueprint: blueprint as never, templateHash: blueprint.templateHash });
    await this.dataSource
      .getRepository(RangeNodeEntity)
      .upsert(
        blueprint.nodes.map((n) => ({
          rangeId: range.id,
          name: n.name,
          state: 'pending' as const,
          addresses: Object.fromEntries(n.attachments.map((a) => [a.network, a.address])) as never,
        })),
        ['rangeId', 'name'],
      );
    await this.events.append(range.id, 'blueprint.rendered', `template ${blueprint.templateId}@${blueprint.templateVersion} rendered`, {
      templateHash: blueprint.templateHash,
      subnets,
    });
    range.blueprint = blueprint as never;
    range.templateHash = blueprint.templateHash;
    return blueprint;
  }

  async provision(rangeId: string, attempt: AttemptInfo): Promise<{ status: RangeStatus }> {
    return this.locks.withLock(rangeId, async () => {
      const range = await this.ranges().findOne({ where: { id: rangeId } });
      if (!range) throw new UnrecoverableError(`range ${rangeId} does not exist`);
      if (STOPPED.includes(range.status) || range.status === 'ready' || range.status === 'resetting' || this.elsewhere(range)) {
        return { status: range.status };
      }
      const started = Date.now();
      await this.setStatus(rangeId, 'provisioning', { failureReason: null });
      await this.refreshSessionSet(range.sessionId);
      await this.events.append(rangeId, 'provision.started', 'provisioning started');
      try {
        const blueprint = await this.blueprintOf(range);
        await this.provisioner.provision(range, blueprint, this.observer(rangeId));
        // Only from provisioning: a teardown requested meanwhile wins.
        const done = await this.ranges().update({ id: rangeId, status: 'provisioning' }, { status: 'ready', readyAt: new Date() });
        if (!done.affected) throw new RangeCancelledError(`range ${rangeId} is being torn down`);
        await this.events.append(rangeId, 'provision.ready', `range ready in ${Date.now() - started} ms`, { ms: Date.now() - started });
        await this.refreshSessionSet(range.sessionId);
        return { status: 'ready' };
      } catch (err) {
        if (err instanceof RangeCancelledError) {
          await this.events.append(rangeId, 'provision.cancelled', 'provisioning stopped: the range is being torn down');
          return { status: 'tearing_down' };
        }
        const message = (err as Error).message;
        const permanent = isPermanent(err);
        if (permanent || attempt.lastAttempt) {
          await this.setStatus(rangeId, 'failed', { failureReason: message });
          await this.events.append(rangeId, 'provision.failed', message);
          await this.refreshSessionSet(range.sessionId);
          throw permanent ? new UnrecoverableError(message) : err;
        }
        await this.events.append(rangeId, 'provision.attempt-failed', `${message}; the job will be retried`);
        throw err;
      }
    });
  }

  async reset(rangeId: string, attempt: AttemptInfo): Promise<{ status: RangeStatus; ms?: number }> {
    return this.locks.withLock(rangeId, async () => {
      const range = await this.ranges().findOne({ where: { id: rangeId } });
      if (!range) throw new UnrecoverableError(`range ${rangeId} does not exist`);
      if (range.status !== 'resetting' || this.elsewhere(range)) return { status: range.status };
      if (!range.blueprint) throw new UnrecoverableError(`range ${rangeId} has never been provisioned`);
      const started = Date.now();
      await this.events.append(rangeId, 'reset.started', 'reset to T0 started');
      try {
        await this.provisioner.reset(range, range.blueprint as unknown as RangeBlueprint, this.observer(rangeId));
        const ms = Date.now() - started;
        const done = await this.ranges().update({ id: rangeId, status: 'resetting' }, { status: 'ready', failureReason: null });
        if (!done.affected) throw new RangeCancelledError(`range ${rangeId} is being torn down`);
        await this.events.append(rangeId, 'reset.done', `range back to T0 in ${ms} ms`, { ms });
        return { status: 'ready', ms };
      } catch (err) {
        if (err instanceof RangeCancelledError) return { status: 'tearing_down' };
        const message = (err as Error).message;
        if (isPermanent(err) || attempt.lastAttempt) {
          await this.setStatus(rangeId, 'failed', { failureReason: `reset: ${message}` });
          await this.events.append(rangeId, 'reset.failed', message);
          throw new UnrecoverableError(message);
        }
        await this.events.append(rangeId, 'reset.attempt-failed', `${message}; the job will be retried`);
        throw err;
      }
    });
  }

  /**
   * Removes the range's objects. Each subnet is released as soon as its
   * network is gone (or was already). When a network cannot be removed after
   * the provisioner's own retries, the range becomes `failed` with the reason
   * and the reconciler tries again with backoff (`next_teardown_at`); the job
   * fails for good (a new request retries it). An operator's forced cleanup
   * finishes the range anyway: its subnets are released (the allocator also
   * avoids every subnet the engine still has) and the stuck network is left to
   * the reconciler's orphan removal.
   */
  async teardown(rangeId: string): Promise<{ status: RangeStatus; containers?: number; networks?: number }> {
    // Mark first (outside the lock): a provision job in progress sees it at its next checkpoint and stops.
    const before = await this.ranges().findOne({ where: { id: rangeId } });
    if (!before) throw new UnrecoverableError(`range ${rangeId} does not exist`);
    if (before.status === 'destroyed') return { status: 'destroyed' };
    if (this.elsewhere(before)) return { status: before.status };
    if (before.status !== 'tearing_down') await this.setStatus(rangeId, 'tearing_down');
    return this.locks.withLock(rangeId, async () => {
      const range = (await this.ranges().findOne({ where: { id: rangeId } }))!;
      if (range.status === 'destroyed') return { status: 'destroyed' as const };
      await this.events.append(rangeId, 'teardown.started', range.teardownForced ? 'forced cleanup started' : 'teardown started');
      // Subnets whose network is already gone (an earlier attempt, or removed by hand) are released first.
      const onEngine = await this.provisioner.networksOnEngine(rangeId);
      for (const network of Object.keys(await this.subnets.ofRange(rangeId))) {
        if (!onEngine.has(network)) await this.subnets.releaseNetwork(rangeId, network);
      }
      let removed: { containers: number; networks: number };
      try {
        removed = await this.provisioner.teardown(rangeId, this.observer(rangeId), async (network) => void (await this.subnets.releaseNetwork(rangeId, network)));
      } catch (err) {
        if (!(err instanceof NetworkRemovalError)) throw err;
        if (!range.teardownForced) return this.teardownUnfinished(range, err);
        await this.events.append(rangeId, 'teardown.forced', `${err.message}; forced cleanup: the range is finished and the reconciler removes the network later`);
        removed = { containers: 0, networks: 0 };
      }
      await this.dataSource.transaction(async (manager) => {
        const released = await this.subnets.release(rangeId, manager);
        await manager.update(RangeEntity, { id: rangeId }, { status: 'destroyed', destroyedAt: new Date(), nextTeardownAt: null, failureReason: null });
        await manager.update(RangeNodeEntity, { rangeId }, { state: 'removed', containerId: null });
        await this.events.append(rangeId, 'teardown.done', `removed ${removed.containers} containers, ${removed.networks} networks; ${released} subnets released at the end`, { ...removed, released }, manager);
      });
      await this.refreshSessionSet(range.sessionId);
      return { status: 'destroyed' as const, ...removed };
    });
  }

  /** A network the engine keeps: the range is failed with the reason, and tried again by the reconciler with backoff. */
  private async teardownUnfinished(range: RangeEntity, err: NetworkRemovalError): Promise<never> {
    const attempts = range.teardownAttempts + 1;
    const delayMs = teardownRetryDelayMs(attempts);
    const reason = `teardown incomplete (attempt ${attempts}): ${err.message}; subnets of the networks still there stay allocated`;
    await this.setStatus(range.id, 'failed', { failureReason: reason, teardownAttempts: attempts, nextTeardownAt: new Date(Date.now() + delayMs) });
    await this.events.append(range.id, 'teardown.incomplete', `${reason}; the reconciler tries again in ${Math.round(delayMs / 1000)} s`, {
      attempts,
      networks: err.networks,
    });
    await this.refreshSessionSet(range.sessionId);
    throw new UnrecoverableError(reason);
  }

  /** The session's range set follows its ranges: ready when every live range is. */
  async refreshSessionSet(sessionId: string): Promise<SessionRangeSetEntity | null> {
    const { set, changed } = await this.dataSource.transaction(async (manager) => {
      const set = await manager.findOne(SessionRangeSetEntity, { where: { sessionId }, lock: { mode: 'pessimistic_write' } });
      if (!set) return { set: null, changed: false };
      const live = await manager.find(RangeEntity, { where: { sessionId, status: Not('destroyed') }, select: { id: true, status: true } });
      const statuses = new Set(live.map((r) => r.status));
      let status = set.status;
      if (live.length === 0) status = set.status === 'scheduled' ? 'scheduled' : 'destroyed';
      else if ([...statuses].every((s) => s === 'ready')) status = 'ready';
      else if (statuses.has('tearing_down')) status = 'tearing_down';
      else if (statuses.has('failed') || statuses.has('degraded')) status = 'failed';
      else if (statuses.has('provisioning') || statuses.has('resetting')) status = 'provisioning';
      const changed = status !== set.status;
      if (changed) {
        await manager.update(SessionRangeSetEntity, { sessionId }, { status, readyAt: status === 'ready' ? new Date() : set.readyAt });
        set.status = status;
      }
      return { set, changed };
    });
    // The session's life cycle (libs/session-day) follows its ranges; it is told through the queue, so
    // ranges never import it. Its periodic tick catches up on a message lost in a crash.
    if (set && changed) {
      await this.jobs.add(JobName.SyncSession, { v: 1, sessionId }, { sessionId, reason: `${set.status}.g${set.generation}.${Date.now()}` });
    }
    return set;
  }

  /** Tears down every live range of a session, in parallel. */
  async teardownSession(sessionId: string): Promise<{ ranges: number }> {
    const all = await this.ranges().find({ where: { sessionId, status: Not('destroyed') }, select: { id: true, hostName: true } });
    await this.dataSource.getRepository(SessionRangeSetEntity).update({ sessionId }, { status: 'tearing_down' });
    if (all.length) await this.ranges().update({ id: In(all.map((r) => r.id)) }, { status: 'tearing_down' });
    // This worker's host's ranges are torn down here; another host's by a job on that host's queue.
    const here = rangeHostName(this.config);
    const live = all.filter((r) => r.hostName === null || r.hostName === here);
    for (const r of all.filter((x) => !live.includes(x))) await this.jobs.add(JobName.TeardownRange, { v: 1, rangeId: r.id }, { rangeId: r.id });
    // At most 8 at a time: the engine is the bottleneck, and each holds a database connection.
    const results: PromiseSettledResult<unknown>[] = [];
    for (let i = 0; i < live.length; i += 8) {
      results.push(...(await Promise.allSettled(live.slice(i, i + 8).map((r) => this.teardown(r.id)))));
    }
    await this.refreshSessionSet(sessionId);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length) throw new Error(`${failed.length} range(s) not torn down: ${failed.map((f) => (f.reason as Error).message).join('; ')}`);
    return { ranges: all.length };
  }
}
