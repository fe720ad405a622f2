import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One run of a template attack step in one range: executed, blocked by the defenders, or failed. */
@Entity({ name: 'attack_runs' })
@Check('attack_runs_status_ck', `status IN ('executed', 'blocked', 'failed')`)
@Index('attack_runs_range_step_uq', ['rangeId', 'stepId'], { unique: true })
export class AttackRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'range_id', type: 'uuid' })
  rangeId!: string;

  @Column({ name: 'step_id', type: 'text' })
  stepId!: string;

  @Column({ type: 'text' })
  status!: 'executed' | 'blocked' | 'failed';

  @Column({ name: 'exit_code', type: 'integer', nullable: true })
  exitCode!: number | null;

  /** Trimmed stdout and stderr of the step (or of its precondition when blocked). */
  @Column({ type: 'text' })
  output!: string;

  @Column({ name: 'scenario_ms', type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  scenarioMs!: number;

  @Column({ name: 'ran_at', type: 'timestamptz' })
  ranAt!: Date;
}
