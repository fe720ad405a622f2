import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { InstructorEntity } from '../scheduling/instructor.entity.js';

/** An operator or instructor who logs in with an e-mail and a password (libs/access). Trainees use access codes instead. */
@Entity({ name: 'users' })
@Index('users_email_uq', ['email'], { unique: true })
@Check('users_role_ck', `"role" IN ('operator', 'instructor')`)
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Stored lower case, unique. */
  @Column({ type: 'text' })
  email!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  @Column({ type: 'text' })
  role!: 'operator' | 'instructor';

  /** The scheduling instructor this user is: their session_instructors assignments decide what they see. */
  @Column({ name: 'instructor_id', type: 'uuid', nullable: true })
  @ForeignKey(() => InstructorEntity, { name: 'users_instructor_fk' })
  instructorId!: string | null;

  /** argon2id (PHC string). */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  /** Set for a one-time password (bootstrap, creation, reset): every route but the password change refuses until it is changed. */
  @Column({ name: 'must_change_password', type: 'boolean', default: true })
  mustChangePassword!: boolean;

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
