import type { AnnualPlanStatus, CalendarOverrideRecord, CourseFormat, CoursePlacement, EnrollmentStatus, OtherRegionPolicy, SessionStatus } from '@app/database';

/** Plain read models the scheduling services return; the API maps them to its response DTOs. */

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface PageRequest {
  page?: number;
  pageSize?: number;
}

export interface RegionView {
  id: string;
  code: string;
  name: string;
  sortOrder: number;
  prefectureCodes: number[];
}

export interface PrefectureView {
  code: number;
  name: string;
  nameJa: string;
  regionId: string;
  regionName: string;
}

export interface OrganisationTypeView {
  code: string;
  name: string;
}

export interface OrganisationView {
  id: string;
  name: string;
  typeCode: string;
  prefectureCode: number | null;
  createdAt: Date;
}

export interface VenueView {
  id: string;
  name: string;
  prefectureCode: number;
  prefectureName: string;
  city: string;
  seatCapacity: number;
  rangeHostCapacity: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface CourseView {
  code: string;
  name: string;
  level: string;
  format: CourseFormat;
  audience: string;
  admittedOrganisationTypes: string[];
  placement: CoursePlacement;
  prefectureCodes: number[];
  months: number[];
  plannedSessions: number | null;
  durationDays: number;
  defaultSeats: number;
  defaultTeamSize: number;
  instructorsPerSession: number;
  selfPaced: boolean;
  updatedAt: Date;
}

export interface InstructorView {
  id: string;
  name: string;
  email: string;
  courseCodes: string[];
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface TraineeView {
  id: string;
  name: string;
  email: string;
  organisationId: string;
  organisationName: string;
  organisationTypeCode: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface SessionView {
  id: string;
  courseCode: string;
  status: SessionStatus;
  statusReason: string | null;
  fiscalYear: number;
  /** JST month of the start, "2022-01". */
  month: string;
  startsAt: Date;
  endsAt: Date;
  venue: { id: string; name: string; city: string; seatCapacity: number; rangeHostCapacity: number } | null;
  prefecture: { code: number; name: string } | null;
  region: { id: string; code: string; name: string } | null;
  seats: number;
  confirmed: number;
  waitlisted: number;
  teamSize: number;
  selfPaced: boolean;
  instructors: Array<{ id: string; name: string }>;
  planId: string | null;
  /** The calendar rules an operator overrode (rules, reason, who, when, the refusals lifted), or null. */
  calendarOverride: CalendarOverrideRecord | null;
  /** Per-region (B-1) sessions: a trainee of another region is warned about or refused. */
  otherRegion: OtherRegionPolicy;
  createdAt: Date;
  updatedAt: Date;
}

export interface SessionFilter extends PageRequest {
  course?: string;
  prefecture?: number;
  /** Region id or code. */
  region?: string;
  /** "YYYY-MM" (JST) of the start. */
  month?: string;
  status?: SessionStatus;
  fiscalYear?: number;
  venueId?: string;
  instructorId?: string;
  planId?: string;
}

export interface EnrollmentView {
  id: string;
  sessionId: string;
  traineeId: string;
  traineeName: string;
  organisationId: string;
  organisationName: string;
  status: EnrollmentStatus;
  arrival: number;
  /** 1 for the first on the waitlist; null unless waitlisted. */
  waitlistPosition: number | null;
  teamId: string | null;
  confirmedAt: Date | null;
  cancelledAt: Date | null;
  createdAt: Date;
  /** A per-region (B-1) session: the trainee's region when it is another one than the session serves, else null. */
  otherRegion: string | null;
  /** What the operator should know (a trainee from another region); never a refusal. */
  warnings: string[];
}

export interface CancellationView {
  cancelled: EnrollmentView;
  promoted: EnrollmentView | null;
}

export interface TeamMemberView {
  traineeId: string;
  enrollmentId: string;
  name: string;
  organisationId: string;
  organisationName: string;
}

export interface TeamView {
  id: string;
  sessionId: string;
  number: number;
  name: string;
  members: TeamMemberView[];
}

/** What range provisioning needs: the session and its teams with their members. */
export interface SessionTeams {
  session: {
    id: string;
    courseCode: string;
    status: SessionStatus;
    startsAt: Date;
    endsAt: Date;
    venueId: string | null;
    teamSize: number;
    selfPaced: boolean;
  };
  teams: TeamView[];
}

export interface AnnualPlanView {
  id: string;
  fiscalYear: number;
  status: AnnualPlanStatus;
  request: Record<string, unknown>;
  warnings: string[];
  sessionsByCourse: Record<string, number>;
  sessionCount: number;
  createdAt: Date;
  publishedAt: Date | null;
}
