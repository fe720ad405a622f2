import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A team's structured incident report for a report objective, with its automatic and rubric grading. */
@Entity({ name: 'incident_reports' })
@Index('incident_reports_range_idx', ['rangeId', 'objectiveId'])
export class IncidentReportEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'range_id', type: 'uuid' })
  rangeId!: string;

  @Column({ name: 'objective_id', type: 'text' })
  objectiveId!: string;

  @Column({ name: 'submitted_by', type: 'text' })
  submittedBy!: string;

  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt!: Date;

  /** timeline, impact, iocs, actions, recommendations, selfAnalysis. */
  @Column({ type: 'jsonb' })
  content!: Record<string, unknown>;

  /** Per IOC id: matched or not. */
  @Column({ name: 'ioc_results', type: 'jsonb' })
  iocResults!: Record<string, boolean>;

  @Column({ name: 'auto_points', type: 'integer' })
  autoPoints!: number;

  @Column({ name: 'rubric_points', type: 'integer', nullable: true })
  rubricPoints!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  rubric!: Record<string, unknown> | null;

  @Column({ name: 'graded_by', type: 'text', nullable: true })
  gradedBy!: string | null;

  @Column({ name: 'graded_at', type: 'timestamptz', nullable: true })
  gradedAt!: Date | null;
}
