import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { RangeEntity } from './range.entity.js';

/**
 * Evidence of copying for the session's instructors: a team submitted a value
 * that is another team's answer (or IOC) and not its own. It costs nothing by
 * itself; the instructor decides.
 */
@Entity({ name: 'copy_flags' })
@Index('copy_flags_session_idx', ['sessionId', 'at'])
@Index('copy_flags_submitter_range_idx', ['submitterRangeId'])
@Index('copy_flags_owner_range_idx', ['ownerRangeId'])
@Check('copy_flags_source_ck', `source IN ('answer', 'ioc')`)
export class CopyFlagEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @Column({ name: 'objective_id', type: 'text' })
  objectiveId!: string;

  /** Where the value was submitted: an answer, or an entry of a report's IOC list. */
  @Column({ type: 'text' })
  source!: 'answer' | 'ioc';

  /** The team that submitted the value. */
  @Column({ name: 'submitter_team_id', type: 'uuid' })
  submitterTeamId!: string;

  @Column({ name: 'submitter_range_id', type: 'uuid' })
  @ForeignKey(() => RangeEntity, { name: 'copy_flags_submitter_range_fk' })
  submitterRangeId!: string;

  /** The team whose answer the value is. */
  @Column({ name: 'owner_team_id', type: 'uuid' })
  ownerTeamId!: string;

  @Column({ name: 'owner_range_id', type: 'uuid' })
  @ForeignKey(() => RangeEntity, { name: 'copy_flags_owner_range_fk' })
  ownerRangeId!: string;

  /** The value as submitted (trimmed to 200 characters). */
  @Column({ type: 'text' })
  submitted!: string;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'scenario_ms', type: 'bigint', nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  scenarioMs!: number | null;
}
