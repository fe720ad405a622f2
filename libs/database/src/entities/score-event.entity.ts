import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

const bigintNumber = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/**
 * Append-only score ledger of a team's range. A team's score is the sum of
 * its events; an objective is met once (the first time stays).
 */
@Entity({ name: 'score_events' })
@Index('score_events_range_idx', ['rangeId', 'id'])
@Index('score_events_session_idx', ['sessionId', 'id'])
@Index('score_events_first_met_uq', ['rangeId', 'objectiveId'], { unique: true, where: `type = 'objective_met'` })
@Index('score_events_bonus_uq', ['rangeId', 'objectiveId'], { unique: true, where: `type = 'time_bonus'` })
export class ScoreEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @Column({ name: 'team_id', type: 'uuid' })
  teamId!: string;

  @Column({ name: 'range_id', type: 'uuid' })
  rangeId!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ name: 'objective_id', type: 'text', nullable: true })
  objectiveId!: string | null;

  @Column({ type: 'text', nullable: true })
  phase!: string | null;

  @Column({ type: 'integer' })
  points!: number;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'scenario_ms', type: 'bigint', nullable: true, transformer: bigintNumber })
  scenarioMs!: number | null;

  /** Who caused it: a user id, or "system:<component>". */
  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'jsonb', default: {} })
  details!: Record<string, unknown>;
}
