import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Exclusion,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { AnnualPlanEntity } from './annual-plan.entity.js';
import { CourseEntity } from './course.entity.js';
import { PrefectureEntity } from './prefecture.entity.js';
import { RegionEntity } from './region.entity.js';
import { VenueEntity } from './venue.entity.js';

/** A session's recorded calendar override (issue 13). */
export interface CalendarOverrideRecord {
  rules: string[];
  reason: string;
  actor: string;
  at: string;
  /** The refusals it lifted, each naming its rule and JST date. */
  breaches: Array<{ rule: string; date: string; message: string }>;
}

export type OtherRegionPolicy = 'warn' | 'refuse';

export type SessionStatus = 'draft' | 'open' | 'closed' | 'provisioning' | 'ready' | 'running' | 'finished' | 'cancelled';

/**
 * A scheduled run of a course. The exclusion constraint is the last line of defence against
 * booking a venue twice; the service checks first to answer with a readable reason.
 */
@Entity({ name: 'sessions' })
@Index('sessions_course_starts_idx', ['courseCode', 'startsAt'])
@Index('sessions_starts_idx', ['startsAt'])
@Index('sessions_plan_idx', ['planId'])
@Check('sessions_period_check', '"ends_at" > "starts_at"')
@Check('sessions_seats_check', '"seats" > 0')
@Check('sessions_team_size_check', '"team_size" BETWEEN 1 AND 20')
@Check('sessions_other_region_check', `"other_region" IN ('warn', 'refuse')`)
@Check(
  'sessions_status_check',
  `"status" IN ('draft', 'open', 'closed', 'provisioning', 'ready', 'running', 'finished', 'cancelled')`,
)
@Exclusion(
  'sessions_venue_no_overlap',
  `USING gist ("venue_id" WITH =, tstzrange("starts_at", "ends_at") WITH &&) WHERE ("status" <> 'cancelled' AND "venue_id" IS NOT NULL)`,
)
export class SessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'course_code', type: 'text' })
  @ForeignKey(() => CourseEntity, { name: 'sessions_course_fk' })
  courseCode!: string;

  @Column({ name: 'venue_id', type: 'uuid', nullable: true })
  @ForeignKey(() => VenueEntity, { name: 'sessions_venue_fk' })
  venueId!: string | null;

  /** The venue's prefecture, kept here so listing by prefecture or region needs no join. */
  @Column({ name: 'prefecture_code', type: 'smallint', nullable: true })
  @ForeignKey(() => PrefectureEntity, { name: 'sessions_prefecture_fk' })
  prefectureCode!: number | null;

  /** The region a per-region course (B-1) session serves. */
  @Column({ name: 'region_id', type: 'uuid', nullable: true })
  @ForeignKey(() => RegionEntity, { name: 'sessions_region_fk' })
  regionId!: string | null;

  @Column({ name: 'fiscal_year', type: 'integer' })
  fiscalYear!: number;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt!: Date;

  @Column({ type: 'integer' })
  seats!: number;

  @Column({ name: 'team_size', type: 'smallint', default: 4 })
  teamSize!: number;

  @Column({ type: 'text', default: 'draft' })
  status!: SessionStatus;

  /** Why the session was last moved (e.g. the cancellation reason). */
  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason!: string | null;

  /** The calendar rules an operator overrode for this session, with the reason, who and when (null: none). */
  @Column({ name: 'calendar_override', type: 'jsonb', nullable: true })
  calendarOverride!: CalendarOverrideRecord | null;

  /** A per-region (B-1) session: a trainee from another region is warned about ('warn') or refused ('refuse'). */
  @Column({ name: 'other_region', type: 'text', default: 'warn' })
  otherRegion!: OtherRegionPolicy;

  @Column({ name: 'plan_id', type: 'uuid', nullable: true })
  @ForeignKey(() => AnnualPlanEntity, { name: 'sessions_plan_fk', onDelete: 'SET NULL' })
  planId!: string | null;

  /** Arrival counter of enrollments, advanced under the session row lock. */
  @Column({ name: 'enrollment_counter', type: 'integer', default: 0 })
  enrollmentCounter!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
