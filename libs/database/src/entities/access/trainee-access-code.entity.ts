import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { SessionEntity } from '../scheduling/session.entity.js';
import { TraineeEntity } from '../scheduling/trainee.entity.js';

/** A trainee's access code for one session (sha256 stored, shown once); it expires at the session's end. */
@Entity({ name: 'trainee_access_codes' })
@Index('trainee_access_codes_hash_uq', ['codeHash'], { unique: true })
@Index('trainee_access_codes_live_uq', ['sessionId', 'traineeId'], { unique: true, where: '"revoked_at" IS NULL' })
export class TraineeAccessCodeEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  @ForeignKey(() => SessionEntity, { name: 'trainee_access_codes_session_fk', onDelete: 'CASCADE' })
  sessionId!: string;

  @Column({ name: 'trainee_id', type: 'uuid' })
  @ForeignKey(() => TraineeEntity, { name: 'trainee_access_codes_trainee_fk', onDelete: 'CASCADE' })
  traineeId!: string;

  @Column({ name: 'code_hash', type: 'text' })
  codeHash!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
