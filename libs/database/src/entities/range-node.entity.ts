import { Column, ForeignKey, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { RangeEntity } from './range.entity.js';

export type RangeNodeState = 'pending' | 'creating' | 'starting' | 'ready' | 'failed' | 'missing' | 'removed';

/** Last known state of one node (container) of a range, as the provisioner and the reconciler saw it. */
@Entity({ name: 'range_nodes' })
export class RangeNodeEntity {
  @ForeignKey(() => RangeEntity, { name: 'range_nodes_range_fk', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'range_id', type: 'uuid' })
  rangeId!: string;

  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: 'pending' })
  state!: RangeNodeState;

  @Column({ name: 'container_id', type: 'text', nullable: true })
  containerId!: string | null;

  /** network name -> IPv4 address. */
  @Column({ type: 'jsonb', default: {} })
  addresses!: Record<string, string>;

  /** Result of the last readiness check: healthy, unhealthy or unknown (no check defined). */
  @Column({ type: 'text', default: 'unknown' })
  health!: string;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
