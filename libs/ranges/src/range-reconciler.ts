import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, rangeHostName } from '@app/config';
import { RangeEntity, RangeNodeEntity, SessionRangeSetEntity } from '@app/database';
import { APP_LABEL_VALUE, type ContainerRuntime, InjectRuntime } from '@app/docker';
import { JobName, JobQueue } from '@app/queue';
import type { RangeBlueprint } from '@app/templates';
import { DataSource, In, IsNull } from 'typeorm';
import { RangeEventLog } from './range-event-log.js';
import { HOST_DOWN_REASON_PREFIX } from './range-hosts.js';
import { RANGE_NETWORK_KIND, RANGE_NODE_KIND } from './naming.js';
import { RangeProvisioner } from './range-provisioner.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ReconcileReport {
  containersRemoved: number;
  networksRemoved: number;
  networksStuck: string[];
  degraded: string[];
  /** Ranges degraded while their host was down whose nodes all run again: ready. */
  recovered: string[];
  /** Pending ranges whose provision job was never enqueued (e.g. Redis was down right after the request). */
  requeued: string[];
  /** Ranges whose unfinished teardown was due again (failed with a network the engine kept). */
  teardownsRetried: string[];
}

/** A pending range gets this long for its job to show up before the reconciler enqueues it again. */
const PENDING_GRACE_MS = 60_000;

/**
 * Compares our labelled containers and networks with PostgreSQL: objects of
 * no live range are removed once older than the grace period (a crash can
 * leave them; a range being created right now is younger than that), and a
 * ready range whose containers vanished is marked degraded. Each worker
 * reconciles its own host: its engine's objects and the ranges placed on it
 * (an object of a range moved to another host is an orphan here).
 */
@Injectable()
export class RangeReconciler {
  private readonly logger = new Logger(RangeReconciler.name);

  constructor(
    private readonly dataSource: DataSource,
    @InjectRuntime() private readonly engine: ContainerRuntime,
    private readonly provisioner: RangeProvisioner,
    private readonly events: RangeEventLog,
    private readonly config: AppConfig,
    private readonly jobs: JobQueue,
  ) {}

  async reconcile(now = new Date()): Promise<ReconcileReport> {
    const keys = this.provisioner.keys;
    const base = { [keys.app]: APP_LABEL_VALUE, [keys.instance]: this.config.INSTANCE_NAME };
    const [containers, networks] = await Promise.all([
      this.engine.listContainers({ ...base, [keys.kind]: RANGE_NODE_KIND }),
      this.engine.listNetworks({ ...base, [keys.kind]: RANGE_NETWORK_KIND }),
    ]);
    const labelled = [...new Set([...containers, ...networks].map((o) => o.labels[keys.range] ?? '').filter((id) => UUID.test(id)))];
    const ranges = this.dataSource.getRepository(RangeEntity);
    const host = rangeHostName(this.config);
    const known = labelled.length ? await ranges.find({ where: { id: In(labelled) }, select: { id: true, status: true, hostName: true } }) : [];
    // A range of no host (made before hosts existed) is every worker's, as when there was one host.
    const live = new Set(known.filter((r) => r.status !== 'destroyed' && (r.hostName === host || r.hostName === null)).map((r) => r.id));
    const cutoff = now.getTime() - this.config.RANGE_ORPHAN_GRACE_SECONDS * 1000;
    const isOrphan = (labels: Record<string, string>, createdAt: number) => !live.has(labels[keys.range] ?? '') && createdAt < cutoff;

    const report: ReconcileReport = { containersRemoved: 0, networksRemoved: 0, networksStuck: [], degraded: [], recovered: [], requeued: [], teardownsRetried: [] };
    const orphanContainers = containers.filter((c) => isOrphan(c.labels, c.createdAt.getTime()));
    await Promise.all(orphanContainers.map((c) => this.engine.removeContainer(c.id)));
    report.containersRemoved = orphanContainers.length;
    const orphanNetworks = networks.filter((n) => isOrphan(n.labels, Date.parse(n.labels[keys.createdAt] ?? '') || 0));
    for (const network of orphanNetworks) {
      const stuck = await this.provisioner.removeNetworkWithRetry(network);
      if (stuck) report.networksStuck.push(`${stuck.name}: ${stuck.error}`);
      else report.networksRemoved++;
    }

    const runningNodes = (rangeId: string) =>
      new Set(containers.filter((c) => c.labels[keys.range] === rangeId && c.state === 'running').map((c) => c.labels[keys.node]));

    // Ranges degraded while this host was down: ready again when every node runs, else degraded for what is missing.
    const wasDown = await ranges
      .createQueryBuilder('r')
      .where(`r.status = 'degraded' AND r.host_name = :host AND r.failure_reason LIKE :prefix`, { host, prefix: `${HOST_DOWN_REASON_PREFIX}%` })
      .getMany();
    for (const range of wasDown) {
      const blueprint = range.blueprint as unknown as RangeBlueprint | null;
      const running = runningNodes(range.id);
      const missing = (blueprint?.nodes ?? []).map((n) => n.name).filter((name) => !running.has(name));
      const patch = missing.length ? { failureReason: `nodes not running: ${missing.join(', ')}` } : { status: 'ready' as const, failureReason: null };
      const updated = await ranges.update({ id: range.id, status: 'degraded', failureReason: range.failureReason! }, patch);
      if (!updated.affected) continue;
      if (missing.length) {
        await this.dataSource.getRepository(RangeNodeEntity).update({ rangeId: range.id, name: In(missing) }, { state: 'missing', health: 'unhealthy' });
        await this.events.append(range.id, 'range.degraded', `its host is back; nodes not running: ${missing.join(', ')}`, { missing });
      } else {
        await this.events.append(range.id, 'range.recovered', 'its host is back and every node runs');
        report.recovered.push(range.id);
      }
    }

    // Ready ranges whose nodes are no longer running.
    const ready = await ranges.find({ where: [{ status: 'ready', hostName: host }, { status: 'ready', hostName: IsNull() }] });
    for (const range of ready) {
      const blueprint = range.blueprint as unknown as RangeBlueprint | null;
      if (!blueprint) continue;
      const running = runningNodes(range.id);
      // A range that became ready after the listing above is judged next time.
      const readySince = range.readyAt?.getTime() ?? 0;
      const missing = blueprint.nodes.map((n) => n.name).filter((name) => !running.has(name));
      if (missing.length === 0 || readySince > now.getTime()) continue;
      const updated = await ranges.update({ id: range.id, status: 'ready' }, { status: 'degraded', failureReason: `nodes not running: ${missing.join(', ')}` });
      if (!updated.affected) continue;
      await this.dataSource.getRepository(RangeNodeEntity).update({ rangeId: range.id, name: In(missing) }, { state: 'missing', health: 'unhealthy' });
      await this.events.append(range.id, 'range.degraded', `nodes not running: ${missing.join(', ')}`, { missing });
      report.degraded.push(range.id);
    }
    report.requeued = await this.requeueLostProvisioning(now, host);
    report.teardownsRetried = await this.retryUnfinishedTeardowns(now, host);
    await this.askHealthChecks(now, host);
    if (
      report.containersRemoved ||
      report.networksRemoved ||
      report.networksStuck.length ||
      report.degraded.length ||
      report.recovered.length ||
      report.requeued.length ||
      report.teardownsRetried.length
    ) {
      this.logger.warn(
        `reconcile: removed ${report.containersRemoved} orphan containers, ${report.networksRemoved} networks; ` +
          `${report.networksStuck.length} networks stuck; ${report.degraded.length} ranges degraded; ${report.recovered.length} recovered; ${report.requeued.length} provision jobs re-enqueued; ` +
          `${report.teardownsRetried.length} unfinished teardowns tried again`,
      );
    }
    return report;
  }

  /**
   * Live health between evaluation passes: an evaluation of every ready or degraded range (it runs
   * the nodes' readiness checks when due, with whatever probes are pending), so a range whose clock
   * does not run (not started, paused) is checked too. One job per range per reconcile pass.
   */
  private async askHealthChecks(now: Date, host: string): Promise<void> {
    if (this.config.RANGE_HEALTH_INTERVAL_MS <= 0) return;
    const live = await this.dataSource.getRepository(RangeEntity).find({ where: [{ status: In(['ready', 'degraded']), hostName: host }, { status: In(['ready', 'degraded']), hostName: IsNull() }], select: { id: true } });
    const window = Math.floor(now.getTime() / Math.max(1000, this.config.RANGE_RECONCILE_INTERVAL_MS));
    for (const range of live) {
      await this.jobs.add(JobName.EvaluateRange, { v: 1, rangeId: range.id, trigger: 'health' }, { rangeId: range.id, window, cause: 'health' });
    }
  }

  /**
   * A teardown that could not finish left its range `failed` with a due time (backing off with its
   * attempts): its job runs again (a failed teardown job is retried under the same id).
   */
  private async retryUnfinishedTeardowns(now: Date, host: string): Promise<string[]> {
    const due = await this.dataSource
      .getRepository(RangeEntity)
      .createQueryBuilder('r')
      .where(`r.status = 'failed'`)
      .andWhere('(r.host_name = :host OR r.host_name IS NULL)', { host })
      .andWhere('r.next_teardown_at <= :now', { now })
      .getMany();
    const retried: string[] = [];
    for (const range of due) {
      const claimed = await this.dataSource
        .getRepository(RangeEntity)
        .update({ id: range.id, status: 'failed', nextTeardownAt: range.nextTeardownAt! }, { status: 'tearing_down', nextTeardownAt: null });
      if (!claimed.affected) continue;
      await this.jobs.add(JobName.TeardownRange, { v: 1, rangeId: range.id }, { rangeId: range.id });
      await this.events.append(range.id, 'teardown.retried', `unfinished teardown tried again by the reconciler (after ${range.teardownAttempts} attempt(s))`);
      retried.push(range.id);
    }
    return retried;
  }

  private async requeueLostProvisioning(now: Date, host: string): Promise<string[]> {
    const pending = await this.dataSource
      .getRepository(RangeEntity)
      .createQueryBuilder('r')
      .innerJoin(SessionRangeSetEntity, 's', 's.session_id = r.session_id')
      .where(`r.status = 'pending'`)
      .andWhere('(r.host_name = :host OR r.host_name IS NULL)', { host })
      .andWhere('COALESCE(s.provision_at, r.created_at) < :cutoff', { cutoff: new Date(now.getTime() - PENDING_GRACE_MS) })
      .getMany();
    const requeued: string[] = [];
    for (const range of pending) {
      const key = { rangeId: range.id, generation: range.provisionGeneration };
      if (await this.jobs.find(JobName.ProvisionRange, key)) continue;
      await this.jobs.add(JobName.ProvisionRange, { v: 1, rangeId: range.id }, key);
      await this.events.append(range.id, 'provision.requeued', 'the provision job was missing; enqueued again by the reconciler');
      requeued.push(range.id);
    }
    return requeued;
  }
}
