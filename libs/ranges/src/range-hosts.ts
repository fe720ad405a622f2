import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig, rangeHostName } from '@app/config';
import { RangeEntity, RangeHostEntity, type RangeHostState } from '@app/database';
import { JobQueue, LiveEvents } from '@app/queue';
import { DataSource, type EntityManager } from 'typeorm';
import { RangeEventLog } from './range-event-log.js';

/** failureReason of a ready range degraded because its host stopped heartbeating (the reconciler of the host clears it). */
export const HOST_DOWN_REASON_PREFIX = 'host down: ';

export interface RangeHostRegistration {
  name: string;
  capacityContainers: number;
  capacityMemoryMb: number;
  engineVersion: string | null;
  heartbeatMs: number;
  missedHeartbeats: number;
}

export interface RangeHostView {
  name: string;
  state: RangeHostState;
  stateReason: string | null;
  engineVersion: string | null;
  capacityContainers: number;
  capacityMemoryMb: number;
  /** Containers its live ranges take (rendered ranges: their nodes; the others: one per range until rendered). */
  usedContainers: number;
  /** Live (not destroyed) ranges on it, by status. */
  ranges: Record<string, number>;
  heartbeatMs: number;
  missedHeartbeats: number;
  lastHeartbeatAt: Date;
  stateChangedAt: Date;
  registeredAt: Date;
}

/** SQL: whether a host's last heartbeat is recent enough for it to count as up. */
const FRESH = `last_heartbeat_at >= now() - (heartbeat_ms * missed_heartbeats) * interval '1 millisecond'`;

/**
 * The range hosts registry (range_hosts): each worker registers the engine it serves and heartbeats;
 * any process marks a host down once its heartbeat is late (sweep), which degrades its ready ranges.
 * Placement of new ranges reads it too. PostgreSQL's clock judges every time, never a process's.
 */
@Injectable()
export class RangeHosts implements OnModuleInit {
  private readonly logger = new Logger(RangeHosts.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: RangeEventLog,
    private readonly live: LiveEvents,
    private readonly config: AppConfig,
    private readonly jobs: JobQueue,
  ) {}

  /** Every job of a range goes to the queue of the host it is placed on: this lookup tells the queue which. */
  onModuleInit(): void {
    this.jobs.routeRangesBy((rangeId) => this.hostOf(rangeId));
  }

  /** The host a worker of this process's configuration serves. */
  get ownName(): string {
    return rangeHostName(this.config);
  }

  /**
   * Registers (or refreshes) a host, up. A range of a version before hosts (no host) is adopted by
   * the host that registers while it is the only one: it can only be there.
   */
  async register(host: RangeHostRegistration): Promise<{ adopted: number }> {
    return this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO range_hosts (name, capacity_containers, capacity_memory_mb, engine_version, state, state_reason, heartbeat_ms, missed_heartbeats,
                                  last_heartbeat_at, registered_at, state_changed_at)
         VALUES ($1, $2, $3, $4, 'up', NULL, $5, $6, now(), now(), now())
         ON CONFLICT (name) DO UPDATE SET
           capacity_containers = EXCLUDED.capacity_containers, capacity_memory_mb = EXCLUDED.capacity_memory_mb,
           engine_version = EXCLUDED.engine_version, heartbeat_ms = EXCLUDED.heartbeat_ms, missed_heartbeats = EXCLUDED.missed_heartbeats,
           last_heartbeat_at = now(), state = 'up', state_reason = NULL,
           state_changed_at = CASE WHEN range_hosts.state = 'up' THEN range_hosts.state_changed_at ELSE now() END`,
        [host.name, host.capacityContainers, host.capacityMemoryMb, host.engineVersion, host.heartbeatMs, host.missedHeartbeats],
      );
      const [, adopted] = (await m.query(
        `UPDATE ranges SET host_name = $1 WHERE host_name IS NULL AND status <> 'destroyed' AND (SELECT count(*) FROM range_hosts) = 1`,
        [host.name],
      )) as [unknown, number];
      return { adopted: adopted ?? 0 };
    });
  }

  /** The host is alive: its heartbeat time, and up again if it was down. What it was before ('unknown': not registered). */
  async heartbeat(name: string): Promise<RangeHostState | 'unknown'> {
    const rows = (await this.dataSource.query(
      `WITH before AS (SELECT name, state FROM range_hosts WHERE name = $1 FOR UPDATE)
       UPDATE range_hosts h SET last_heartbeat_at = now(), state = 'up', state_reason = NULL,
              state_changed_at = CASE WHEN h.state = 'down' THEN now() ELSE h.state_changed_at END
       FROM before WHERE h.name = before.name
       RETURNING before.state AS was`,
      [name],
    )) as [Array<{ was: RangeHostState }>, number];
    return rows[0]?.[0]?.was ?? 'unknown';
  }

  /**
   * Marks every up host whose heartbeat is late down, and its ready ranges degraded (with the host
   * and the time of its last heartbeat as the reason). Idempotent: each host is marked once.
   */
  async sweep(): Promise<string[]> {
    const downed: string[] = [];
    const degraded: Array<{ id: string; sessionId: string; teamId: string; reason: string }> = [];
    await this.dataSource.transaction(async (m) => {
      const rows = (await m.query(
        `UPDATE range_hosts SET state = 'down', state_changed_at = now(),
                state_reason = 'no heartbeat since ' || to_char(last_heartbeat_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
         WHERE state = 'up' AND NOT (${FRESH})
         RETURNING name, state_reason`,
      )) as [Array<{ name: string; state_reason: string }>, number];
      for (const host of rows[0]) {
        downed.push(host.name);
        const reason = `${HOST_DOWN_REASON_PREFIX}${host.name}: ${host.state_reason}`;
        const [ranges] = (await m.query(
          `UPDATE ranges SET status = 'degraded', failure_reason = $2, updated_at = now() WHERE host_name = $1 AND status = 'ready'
           RETURNING id, session_id, team_id`,
          [host.name, reason],
        )) as [Array<{ id: string; session_id: string; team_id: string }>, number];
        for (const r of ranges) {
          await this.events.append(r.id, 'range.degraded', reason, { host: host.name }, m);
          degraded.push({ id: r.id, sessionId: r.session_id, teamId: r.team_id, reason });
        }
      }
    });
    for (const name of downed) this.logger.warn(`range host ${name} is down (late heartbeat)`);
    for (const r of degraded) {
      await this.live
        .publish({ sessionId: r.sessionId, rangeId: r.id, teamId: r.teamId, type: 'range-health', at: new Date().toISOString(), data: { status: 'degraded', reason: r.reason, unhealthyNodes: [] } })
        .catch(() => undefined);
    }
    return downed;
  }

  /** Every registered host with what it holds, after marking late ones down. */
  async list(): Promise<RangeHostView[]> {
    await this.sweep();
    const hosts = await this.dataSource.getRepository(RangeHostEntity).find({ order: { name: 'ASC' } });
    const counts = (await this.dataSource.query(
      `SELECT host_name, status, count(*)::int AS n,
              COALESCE(sum(CASE WHEN blueprint IS NULL THEN 1 ELSE jsonb_array_length(blueprint->'nodes') END), 0)::int AS containers
       FROM ranges WHERE status <> 'destroyed' AND host_name IS NOT NULL GROUP BY host_name, status`,
    )) as Array<{ host_name: string; status: string; n: number; containers: number }>;
    return hosts.map((h) => {
      const mine = counts.filter((c) => c.host_name === h.name);
      return {
        name: h.name,
        state: h.state,
        stateReason: h.stateReason,
        engineVersion: h.engineVersion,
        capacityContainers: h.capacityContainers,
        capacityMemoryMb: h.capacityMemoryMb,
        usedContainers: mine.reduce((sum, c) => sum + c.containers, 0),
        ranges: Object.fromEntries(mine.map((c) => [c.status, c.n])),
        heartbeatMs: h.heartbeatMs,
        missedHeartbeats: h.missedHeartbeats,
        lastHeartbeatAt: h.lastHeartbeatAt,
        stateChangedAt: h.stateChangedAt,
        registeredAt: h.registeredAt,
      };
    });
  }

  /**
   * A host for each of `count` new ranges of `containersEach` containers: the up host with the most
   * free containers each time, so a request spreads over the hosts by free capacity. With no host
   * up (none registered yet, e.g. the API started first), this process's own host name: its worker
   * takes the jobs when it starts (upOnly: none then). Run inside the request's transaction, under the host quota lock.
   */
  async place(manager: EntityManager, count: number, containersEach: number, exclude: string[] = [], upOnly = false): Promise<string[]> {
    const hosts = (await manager.query(
      `SELECT name, capacity_containers FROM range_hosts WHERE state = 'up' AND ${FRESH} AND NOT (name = ANY($1)) ORDER BY name`,
      [exclude],
    )) as Array<{ name: string; capacity_containers: number }>;
    if (hosts.length === 0) return upOnly ? [] : Array.from({ length: count }, () => this.ownName);
    const used = (await manager.query(
      `SELECT host_name, COALESCE(sum(CASE WHEN blueprint IS NULL THEN $1 ELSE jsonb_array_length(blueprint->'nodes') END), 0)::int AS containers
       FROM ranges WHERE status <> 'destroyed' AND host_name = ANY($2) GROUP BY host_name`,
      [containersEach, hosts.map((h) => h.name)],
    )) as Array<{ host_name: string; containers: number }>;
    const free = new Map(hosts.map((h) => [h.name, h.capacity_containers - (used.find((u) => u.host_name === h.name)?.containers ?? 0)]));
    const placed: string[] = [];
    for (let i = 0; i < count; i++) {
      let best = hosts[0]!.name;
      for (const h of hosts) if (free.get(h.name)! > free.get(best)!) best = h.name;
      free.set(best, free.get(best)! - containersEach);
      placed.push(best);
    }
    return placed;
  }

  /** Whether a host is registered. */
  async exists(name: string): Promise<boolean> {
    return this.dataSource.getRepository(RangeHostEntity).exists({ where: { name } });
  }

  /** The host a range is on (null for a range of a version before hosts). */
  async hostOf(rangeId: string): Promise<string | null> {
    const range = await this.dataSource.getRepository(RangeEntity).findOne({ where: { id: rangeId }, select: { id: true, hostName: true } });
    return range?.hostName ?? null;
  }
}
