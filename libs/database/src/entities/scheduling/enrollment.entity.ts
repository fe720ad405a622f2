import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { SessionEntity } from './session.entity.js';
import { TraineeEntity } from './trainee.entity.js';

export type EnrollmentStatus = 'confirmed' | 'waitlisted' | 'cancelled';

/** A trainee's place in a session: confirmed, or waitlisted in arrival order. */
@Entity({ name: 'enrollments' })
@Unique('enrollments_session_trainee_key', ['sessionId', 'traineeId'])
@Index('enrollments_session_status_idx', ['sessionId', 'status', 'arrival'])
@Index('enrollments_trainee_idx', ['traineeId'])
@Check('enrollments_status_check', `"status" IN ('confirmed', 'waitlisted', 'cancelled')`)
export class EnrollmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  @ForeignKey(() => SessionEntity, { name: 'enrollments_session_fk', onDelete: 'CASCADE' })
  sessionId!: string;

  @Column({ name: 'trainee_id', type: 'uuid' })
  @ForeignKey(() => TraineeEntity, { name: 'enrollments_trainee_fk' })
  traineeId!: string;

  @Column({ type: 'text' })
  status!: EnrollmentStatus;

  /** Arrival order within the session (1, 2, ...), given under the session row lock. */
  @Column({ type: 'integer' })
  arrival!: number;

  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt!: Date | null;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
