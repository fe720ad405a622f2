import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

export const RANGE_HOST_STATES = ['up', 'down'] as const;
export type RangeHostState = (typeof RANGE_HOST_STATES)[number];

/**
 * One Docker engine that holds ranges, as its worker registered it. The worker heartbeats; a host
 * whose heartbeat is RANGE_HOST_MISSED_HEARTBEATS periods late is marked down (its own period is
 * kept here, so any process can judge it). Times are PostgreSQL's, never a worker's clock.
 */
@Entity({ name: 'range_hosts' })
@Check('range_hosts_state_check', `state IN ('up','down')`)
export class RangeHostEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  /** Containers this host runs at once (its worker's HOST_CAPACITY_CONTAINERS). */
  @Column({ name: 'capacity_containers', type: 'integer' })
  capacityContainers!: number;

  /** Memory limit (MB) its containers may add up to (HOST_CAPACITY_MEMORY_MB). */
  @Column({ name: 'capacity_memory_mb', type: 'integer' })
  capacityMemoryMb!: number;

  @Column({ name: 'engine_version', type: 'text', nullable: true })
  engineVersion!: string | null;

  @Column({ type: 'text', default: 'up' })
  state!: RangeHostState;

  /** Why it is down (e.g. no heartbeat since ...); null when up. */
  @Column({ name: 'state_reason', type: 'text', nullable: true })
  stateReason!: string | null;

  @Column({ name: 'heartbeat_ms', type: 'integer' })
  heartbeatMs!: number;

  @Column({ name: 'missed_heartbeats', type: 'integer' })
  missedHeartbeats!: number;

  @Column({ name: 'last_heartbeat_at', type: 'timestamptz' })
  lastHeartbeatAt!: Date;

  @Column({ name: 'registered_at', type: 'timestamptz' })
  registeredAt!: Date;

  @Column({ name: 'state_changed_at', type: 'timestamptz' })
  stateChangedAt!: Date;
}
