import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type AnnualPlanStatus = 'draft' | 'published';

/** One generated draft schedule for a fiscal year; its sessions carry its id. */
@Entity({ name: 'annual_plans' })
@Check('annual_plans_status_check', `"status" IN ('draft', 'published')`)
export class AnnualPlanEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'fiscal_year', type: 'integer' })
  fiscalYear!: number;

  @Column({ type: 'text', default: 'draft' })
  status!: AnnualPlanStatus;

  /** The operator's targets as given. */
  @Column({ type: 'jsonb' })
  request!: Record<string, unknown>;

  /** Warnings the planner raised (e.g. seats capped to a venue). */
  @Column({ type: 'jsonb', default: [] })
  warnings!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
