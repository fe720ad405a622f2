import { Check, Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { SessionEntity } from './scheduling/session.entity.js';

export type RangeSetStatus = 'scheduled' | 'provisioning' | 'ready' | 'failed' | 'tearing_down' | 'destroyed';

/** The ranges of one session as a whole: ready when every range is, and when it is provisioned and torn down. */
@Entity({ name: 'session_range_sets' })
@Check('session_range_sets_status_check', `status IN ('scheduled','provisioning','ready','failed','tearing_down','destroyed')`)
export class SessionRangeSetEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' })
  @ForeignKey(() => SessionEntity, { name: 'session_range_sets_session_fk' })
  sessionId!: string;

  @Column({ type: 'text' })
  status!: RangeSetStatus;

  /** Bumped by every provisioning request of the session, so each flow gets its own parent job id. */
  @Column({ type: 'integer', default: 0 })
  generation!: number;

  @Column({ name: 'provision_at', type: 'timestamptz', nullable: true })
  provisionAt!: Date | null;

  @Column({ name: 'teardown_at', type: 'timestamptz', nullable: true })
  teardownAt!: Date | null;

  @Column({ name: 'ready_at', type: 'timestamptz', nullable: true })
  readyAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
