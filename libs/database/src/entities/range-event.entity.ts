import { Column, ForeignKey, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { RangeEntity } from './range.entity.js';

/** range_events kind of a command line a trainee (or instructor) entered in a terminal; the team timeline shows them. */
export const RANGE_EVENT_TERMINAL_COMMAND = 'terminal.command';

/** Append-only history of a range: what happened to it, and when. */
@Entity({ name: 'range_events' })
@Index('range_events_range_idx', ['rangeId', 'id'])
export class RangeEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @ForeignKey(() => RangeEntity, { name: 'range_events_range_fk', onDelete: 'CASCADE' })
  @Column({ name: 'range_id', type: 'uuid' })
  rangeId!: string;

  @CreateDateColumn({ name: 'at', type: 'timestamptz' })
  at!: Date;

  /** e.g. provision.started, network.created, node.ready, provision.failed, teardown.network-retry. */
  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  message!: string;

  @Column({ type: 'jsonb', default: {} })
  details!: Record<string, unknown>;
}
