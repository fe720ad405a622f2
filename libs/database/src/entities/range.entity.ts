import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { SessionEntity } from './scheduling/session.entity.js';
import { TeamEntity } from './scheduling/team.entity.js';

export const RANGE_STATUSES = [
  'pending',
  'provisioning',
  'ready',
  'failed',
  'degraded',
  'resetting',
  'tearing_down',
  'destroyed',
] as const;
export type RangeStatus = (typeof RANGE_STATUSES)[number];

/** One team's copy of a template: its lifecycle, the blueprint it was rendered into and why it failed. */
@Entity({ name: 'ranges' })
@Index('ranges_session_idx', ['sessionId'])
@Index('ranges_active_team_uq', ['sessionId', 'teamId'], { unique: true, where: `status <> 'destroyed'` })
@Index('ranges_team_idx', ['teamId'])
@Index('ranges_host_idx', ['hostName'])
// A range belongs to a scheduled session and to one of that session's teams.
@ForeignKey(() => TeamEntity, ['sessionId', 'teamId'], ['sessionId', 'id'], { name: 'ranges_team_fk' })
@Check('ranges_status_check', `status IN ('pending','provisioning','ready','failed','degraded','resetting','tearing_down','destroyed')`)
export class RangeEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  @ForeignKey(() => SessionEntity, { name: 'ranges_session_fk' })
  sessionId!: string;

  @Column({ name: 'team_id', type: 'uuid' })
  teamId!: string;

  @Column({ name: 'template_id', type: 'text' })
  templateId!: string;

  /** sha256 of the template source the range was (or will be) built from. */
  @Column({ name: 'template_hash', type: 'text' })
  templateHash!: string;

  @Column({ type: 'text', default: 'pending' })
  status!: RangeStatus;

  /**
   * The range host (range_hosts.name) that holds every container of the range, chosen when the range
   * is requested (or moved by an operator). Null only for a range of a version before hosts.
   */
  @Column({ name: 'host_name', type: 'text', nullable: true })
  hostName!: string | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  /** The rendered RangeBlueprint (variables and addresses included); reset and retries reuse it as is. */
  @Column({ type: 'jsonb', nullable: true })
  blueprint!: Record<string, unknown> | null;

  /** Seed of the range's generated variables, so a re-render gives the same answers. */
  @Column({ type: 'text' })
  seed!: string;

  /** Bumped by every retry, so the retry's job id differs from the failed one's. */
  @Column({ name: 'provision_generation', type: 'integer', default: 0 })
  provisionGeneration!: number;

  /** Bumped by every reset request, for the same reason. */
  @Column({ name: 'reset_generation', type: 'integer', default: 0 })
  resetGeneration!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'ready_at', type: 'timestamptz', nullable: true })
  readyAt!: Date | null;

  @Column({ name: 'destroyed_at', type: 'timestamptz', nullable: true })
  destroyedAt!: Date | null;

  /** Teardowns that could not finish (a network the engine keeps); the reconciler backs off with it. */
  @Column({ name: 'teardown_attempts', type: 'integer', default: 0 })
  teardownAttempts!: number;

  /** When the reconciler tries an unfinished teardown again; null when none is owed. */
  @Column({ name: 'next_teardown_at', type: 'timestamptz', nullable: true })
  nextTeardownAt!: Date | null;

  /** An operator's forced cleanup: the range is finished even when a network stays behind (the reconciler removes it later). */
  @Column({ name: 'teardown_forced', type: 'boolean', default: false })
  teardownForced!: boolean;
}
