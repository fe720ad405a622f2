import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only record of every change an operator, instructor or the system made. */
@Entity({ name: 'audit_events' })
@Index('audit_events_subject_idx', ['subjectType', 'subjectId'])
@Index('audit_events_actor_idx', ['actor', 'id'])
@Index('audit_events_at_idx', ['at'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @CreateDateColumn({ name: 'at', type: 'timestamptz' })
  at!: Date;

  /** Who did it: a user id, or "system:<component>". */
  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'subject_type', type: 'text' })
  subjectType!: string;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  /** The credential (login session, API token, trainee session) the change was made with; null for the system. */
  @Column({ name: 'credential_id', type: 'text', nullable: true })
  credentialId!: string | null;

  /** The caller's network address, when the change came over the API. */
  @Column({ type: 'text', nullable: true })
  address!: string | null;

  @Column({ type: 'jsonb', default: {} })
  details!: Record<string, unknown>;
}
