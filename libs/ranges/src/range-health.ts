import { Injectable } from '@nestjs/common';
import { RangeEntity, RangeNodeEntity } from '@app/database';
import { LiveEvents } from '@app/queue';
import type { RangeBlueprint } from '@app/templates';
import { DataSource, In } from 'typeorm';
import { RangeEventLog } from './range-event-log.js';

/** One node's readiness as just checked in the live range. */
export interface NodeReadiness {
  node: string;
  healthy: boolean;
  /** Why not, in a line (exit code and output). */
  detail: string;
}

/** A readiness command of a live range's node, to run batched with the scoring probes. */
export interface ReadinessCommand {
  node: string;
  argv: string[];
  timeoutSeconds: number;
}

/** failureReason of a range degraded by its live health (only such a range recovers by itself). */
export const UNHEALTHY_REASON_PREFIX = 'unhealthy nodes: ';

/**
 * Live health: the readiness checks of a range's nodes, run again while the
 * range is live (batched with the scoring probes, one exec per node). A
 * failing node marks the node unhealthy and a ready range `degraded` with the
 * reason; the session's instructors are told on the live stream
 * (`range-health`) and see it on the board. When every node passes again the
 * range is ready again by itself. A range degraded for another reason (its
 * containers gone, found by the reconciler) is left to a reset.
 */
@Injectable()
export class RangeHealth {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: RangeEventLog,
    private readonly live: LiveEvents,
  ) {}

  /** The readiness command of every node that has one. */
  commands(blueprint: RangeBlueprint | null): ReadinessCommand[] {
    return (blueprint?.nodes ?? []).flatMap((n) => (n.readiness ? [{ node: n.name, argv: n.readiness.argv, timeoutSeconds: n.readiness.timeoutSeconds }] : []));
  }

  /** Records what was seen; returns the range's health change, if any. */
  async record(range: RangeEntity, seen: NodeReadiness[]): Promise<'degraded' | 'recovered' | null> {
    if (seen.length === 0) return null;
    const nodes = this.dataSource.getRepository(RangeNodeEntity);
    const healthy = seen.filter((s) => s.healthy).map((s) => s.node);
    const failing = seen.filter((s) => !s.healthy);
    if (healthy.length) await nodes.update({ rangeId: range.id, name: In(healthy) }, { health: 'healthy' });
    if (failing.length) await nodes.update({ rangeId: range.id, name: In(failing.map((f) => f.node)) }, { health: 'unhealthy' });
    const ranges = this.dataSource.getRepository(RangeEntity);
    if (failing.length) {
      const reason = `${UNHEALTHY_REASON_PREFIX}${failing.map((f) => `${f.node} (${f.detail})`).join('; ')}`.slice(0, 1000);
      const changed = await ranges.update({ id: range.id, status: 'ready' }, { status: 'degraded', failureReason: reason });
      if (!changed.affected) return null;
      await this.events.append(range.id, 'range.unhealthy', reason, { nodes: failing });
      await this.announce(range, 'degraded', reason, failing.map((f) => f.node));
      return 'degraded';
    }
    const current = await ranges.findOne({ where: { id: range.id }, select: { id: true, status: true, failureReason: true } });
    if (current?.status !== 'degraded' || !current.failureReason?.startsWith(UNHEALTHY_REASON_PREFIX)) return null;
    const changed = await ranges.update({ id: range.id, status: 'degraded', failureReason: current.failureReason }, { status: 'ready', failureReason: null });
    if (!changed.affected) return null;
    await this.events.append(range.id, 'range.recovered', 'every node passes its readiness check again');
    await this.announce(range, 'ready', null, []);
    return 'recovered';
  }

  private async announce(range: RangeEntity, status: 'degraded' | 'ready', reason: string | null, nodes: string[]): Promise<void> {
    await this.live.publish({
      sessionId: range.sessionId,
      rangeId: range.id,
      teamId: range.teamId,
      type: 'range-health',
      at: new Date().toISOString(),
      data: { status, reason, unhealthyNodes: nodes },
    });
  }
}
