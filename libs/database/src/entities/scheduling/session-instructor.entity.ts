import { Column, Entity, Exclusion, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { InstructorEntity } from './instructor.entity.js';
import { SessionEntity } from './session.entity.js';

/**
 * An instructor assigned to a session. The session's period and liveness are copied here so a
 * PostgreSQL exclusion constraint can refuse double booking even under concurrent writers.
 */
@Entity({ name: 'session_instructors' })
@Index('session_instructors_instructor_idx', ['instructorId'])
@Exclusion(
  'session_instructors_no_overlap',
  `USING gist ("instructor_id" WITH =, tstzrange("starts_at", "ends_at") WITH &&) WHERE ("active")`,
)
export class SessionInstructorEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' })
  @ForeignKey(() => SessionEntity, { name: 'session_instructors_session_fk', onDelete: 'CASCADE' })
  sessionId!: string;

  @PrimaryColumn({ name: 'instructor_id', type: 'uuid' })
  @ForeignKey(() => InstructorEntity, { name: 'session_instructors_instructor_fk' })
  instructorId!: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt!: Date;

  /** False once the session is cancelled: the instructor is free again. */
  @Column({ type: 'boolean', default: true })
  active!: boolean;
}
