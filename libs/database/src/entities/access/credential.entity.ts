import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from './user.entity.js';

/**
 * A server-side credential: a login session (user or trainee) or a personal API token. Only the
 * sha256 of the secret is stored; revoking is setting revoked_at, effective at once.
 */
@Entity({ name: 'credentials' })
@Index('credentials_token_hash_uq', ['tokenHash'], { unique: true })
@Index('credentials_user_idx', ['userId'])
@Index('credentials_trainee_idx', ['traineeId'])
@Check('credentials_kind_ck', `"kind" IN ('session', 'api_token', 'trainee_session')`)
@Check('credentials_scope_ck', `"scope" IN ('read', 'full')`)
@Check('credentials_owner_ck', `("kind" = 'trainee_session') = ("user_id" IS NULL)`)
export class CredentialEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  kind!: 'session' | 'api_token' | 'trainee_session';

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  @ForeignKey(() => UserEntity, { name: 'credentials_user_fk', onDelete: 'CASCADE' })
  userId!: string | null;

  /** Trainee sessions: who, in which team of which session, and the access code they logged in with. */
  @Column({ name: 'trainee_id', type: 'uuid', nullable: true })
  traineeId!: string | null;

  @Column({ name: 'team_id', type: 'uuid', nullable: true })
  teamId!: string | null;

  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId!: string | null;

  @Column({ name: 'access_code_id', type: 'uuid', nullable: true })
  accessCodeId!: string | null;

  /** API tokens: the owner's name for it. */
  @Column({ type: 'text', nullable: true })
  name!: string | null;

  @Column({ type: 'text', default: 'full' })
  scope!: 'read' | 'full';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** Sessions end after this many seconds without a request (sliding); null for API tokens. */
  @Column({ name: 'idle_seconds', type: 'integer', nullable: true })
  idleSeconds!: number | null;

  @Column({ name: 'last_used_at', type: 'timestamptz' })
  lastUsedAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'created_address', type: 'text', nullable: true })
  createdAddress!: string | null;
}
