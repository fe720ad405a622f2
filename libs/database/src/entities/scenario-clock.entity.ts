import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** The scenario clock of a session (all its team ranges), or of one range (Online A, self-paced). */
@Entity({ name: 'scenario_clocks' })
@Check('scenario_clocks_state_ck', `state IN ('idle', 'running', 'paused', 'stopped')`)
@Check('scenario_clocks_speed_ck', `speed >= 1 AND speed <= 60`)
@Index('scenario_clocks_session_uq', ['sessionId'], { unique: true, where: 'range_id IS NULL' })
@Index('scenario_clocks_range_uq', ['rangeId'], { unique: true, where: 'range_id IS NOT NULL' })
export class ScenarioClockEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  /** Set for a range's own clock; null for the session clock. */
  @Column({ name: 'range_id', type: 'uuid', nullable: true })
  rangeId!: string | null;

  @Column({ type: 'text' })
  state!: 'idle' | 'running' | 'paused' | 'stopped';

  @Column({ type: 'double precision' })
  speed!: number;

  @Column({ name: 'elapsed_ms', type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  elapsedMs!: number;

  @Column({ name: 'anchor_at', type: 'timestamptz' })
  anchorAt!: Date;

  @Column({ type: 'integer' })
  generation!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
