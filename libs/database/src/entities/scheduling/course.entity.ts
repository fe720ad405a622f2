import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type CourseFormat = 'in_person' | 'online';
/**
 * Where a course runs: any prefecture (and the plan covers all 47), once per region at least,
 * only in the listed prefectures, or online with no venue.
 */
export type CoursePlacement = 'any_prefecture' | 'per_region' | 'listed_prefectures' | 'online';

@Entity({ name: 'courses' })
@Check('courses_format_check', `"format" IN ('in_person', 'online')`)
@Check('courses_online_instructors_check', `"placement" <> 'online' OR "instructors_per_session" = 0`)
@Check('courses_placement_check', `"placement" IN ('any_prefecture', 'per_region', 'listed_prefectures', 'online')`)
export class CourseEntity {
  /** A, B-1, B-2, C, ONLINE-A. */
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  level!: string;

  @Column({ type: 'text' })
  format!: CourseFormat;

  @Column({ type: 'text' })
  audience!: string;

  @Column({ name: 'admitted_organisation_types', type: 'text', array: true })
  admittedOrganisationTypes!: string[];

  @Column({ type: 'text' })
  placement!: CoursePlacement;

  /** For listed_prefectures: the JIS codes where it may run. */
  @Column({ name: 'prefecture_codes', type: 'smallint', array: true })
  prefectureCodes!: number[];

  /** Calendar months (1-12) of the fiscal year (April-March) in which sessions may lie. */
  @Column({ type: 'smallint', array: true })
  months!: number[];

  /** Sessions planned for the fiscal year of the catalogue (FY2021); null for on-demand courses. */
  @Column({ name: 'planned_sessions', type: 'integer', nullable: true })
  plannedSessions!: number | null;

  @Column({ name: 'duration_days', type: 'smallint' })
  durationDays!: number;

  @Column({ name: 'default_seats', type: 'integer' })
  defaultSeats!: number;

  @Column({ name: 'default_team_size', type: 'smallint' })
  defaultTeamSize!: number;

  @Column({ name: 'instructors_per_session', type: 'smallint' })
  instructorsPerSession!: number;

  /** Self-paced courses (ONLINE-A): one trainee per team, teams formed on demand at enrollment. */
  @Column({ name: 'self_paced', type: 'boolean', default: false })
  selfPaced!: boolean;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
