import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * What the exercise day keeps about one session beyond its schedule: the
 * template override, when its ranges were asked for, whether they wait for
 * host capacity, whether the operator holds them after the end, and the
 * capacity warning given at closing. Written only by libs/session-day.
 */
@Entity({ name: 'session_days' })
@Index('session_days_waiting_idx', ['waitingSince'])
export class SessionDayEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  /** The range template for this session; the course's configured one when null. */
  @Column({ name: 'template_id', type: 'text', nullable: true })
  templateId!: string | null;

  /** When the ranges were last asked for (automatically or by hand). */
  @Column({ name: 'requested_at', type: 'timestamptz', nullable: true })
  requestedAt!: Date | null;

  /** Set while the ranges wait for host capacity; the order of waiting. */
  @Column({ name: 'waiting_since', type: 'timestamptz', nullable: true })
  waitingSince!: Date | null;

  /** The operator keeps the ranges after the session ends (no teardown after the grace). */
  @Column({ name: 'hold_ranges', type: 'boolean', default: false })
  holdRanges!: boolean;

  /** Given at closing when the host's capacity cannot hold every overlapping session. */
  @Column({ name: 'capacity_warning', type: 'text', nullable: true })
  capacityWarning!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
