import { withArticle } from '@app/errors';
import { Injectable } from '@nestjs/common';
import { csvTable } from '@app/csv';
import { jstWallTime } from '@app/time';
import {
  AuditTrail,
  CourseEntity,
  InstructorEntity,
  PrefectureEntity,
  RegionEntity,
  SessionEntity,
  SessionInstructorEntity,
  TeamEntity,
  VenueEntity,
  type CalendarOverrideRecord,
  type OtherRegionPolicy,
  type SessionStatus,
} from '@app/database';
import { DataSource, In, type EntityManager } from 'typeorm';
import { BookingGuard } from './booking-guard.js';
import { promoteWaitlisted } from './enrollment-rules.js';
import { calendarBreaches, type CalendarRule } from './domain/calendar-rules.js';
import { fiscalYearOfInstant } from './domain/fiscal-calendar.js';
import { SESSION_TRANSITIONS, transitionRefusal } from './domain/session-status.js';
import { maxTeams } from './domain/team-formation.js';
import { toPage } from './paging.js';
import { countSessions, loadSession, loadSessions, sessionWhere } from './session-queries.js';
import { TeamFormationService } from './team-formation.service.js';
import type { Page, SessionFilter, SessionView } from './views.js';
import { CalendarRuleError, DoubleBookingError, InvalidScheduleError, SchedulingNotFoundError, SchedulingRuleError, SessionTransitionError } from './errors.js';

/** PostgreSQL's exclusion_violation: the overlap constraints on sessions and session_instructors. */
const EXCLUSION_VIOLATION = '23P01';

/** An operator's override of named calendar rules, with the reason (kept on the session and audited). */
export interface CalendarOverride {
  rules: CalendarRule[];
  reason: string;
}

export interface SessionInput {
  courseCode: string;
  venueId?: string | null;
  regionId?: string | null;
  startsAt: Date;
  endsAt: Date;
  seats?: number;
  teamSize?: number;
  instructorIds?: string[];
  /** B-1: a trainee from another region is warned about (default) or refused. */
  otherRegion?: OtherRegionPolicy;
  override?: CalendarOverride;
}

export type SessionUpdate = Partial<Omit<SessionInput, 'courseCode'>>;

/** Validated column values of a session, ready to write. */
interface SessionValues {
  courseCode: string;
  venueId: string | null;
  prefectureCode: number | null;
  regionId: string | null;
  fiscalYear: number;
  startsAt: Date;
  endsAt: Date;
  seats: number;
  teamSize: number;
  instructorIds: string[];
  otherRegion?: OtherRegionPolicy;
}

/** Scheduling of sessions: create, change, move through the status machine, list and export. */
@Injectable()
export class SessionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
    private readonly booking: BookingGuard,
    private readonly teams: TeamFormationService,
  ) {}

  async list(filter: SessionFilter): Promise<Page<SessionView>> {
    const where = sessionWhere(filter);
    const total = await countSessions(this.dataSource.manager, where);
    const items = await loadSessions(this.dataSource.manager, sessionWhere(filter), filter);
    return toPage(items, total, filter);
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<SessionView> {
    const view = await loadSession(manager, id);
    if (!view) throw new SchedulingNotFoundError(`session ${id} does not exist`);
    return view;
  }

  async create(input: SessionInput, actor: string): Promise<SessionView> {
    let values: SessionValues | undefined;
    const id = await this.dataSource
      .transaction(async (m) => {
        values = await this.resolve(m, input);
        const override = await this.checkCalendar(m, input.courseCode, input.startsAt, input.endsAt, input.override, actor);
        const saved = await this.insert(m, values, null);
        if (override) await m.update(SessionEntity, { id: saved }, { calendarOverride: override });
        await this.audit.record({ actor, action: 'session.create', subjectType: 'session', subjectId: saved, details: describe(values) }, m);
        if (override) await this.recordOverride(m, saved, override);
        return saved;
      })
      .catch(async (error: unknown) => {
        throw await this.readableOverlap(error, values);
      });
    return this.get(id);
  }

  /**
   * A concurrent writer booked the same venue or instructor between our check and our insert, and
   * the exclusion constraint refused ours: now that theirs is committed, the booking check names
   * the clash as the sequential path does (course, session, JST times). Anything else goes on as is.
   */
  private async readableOverlap(error: unknown, values: SessionValues | undefined, sessionId?: string): Promise<unknown> {
    const code = (error as { driverError?: { code?: string }; code?: string })?.driverError?.code ?? (error as { code?: string })?.code;
    if (!values || code !== EXCLUSION_VIOLATION) return error;
    const venue = values.venueId ? await this.dataSource.manager.findOneBy(VenueEntity, { id: values.venueId }) : null;
    try {
      await this.booking.check(this.dataSource.manager, {
        sessionId,
        courseCode: values.courseCode,
        venue: venue ? { id: venue.id, name: venue.name, rangeHostCapacity: venue.rangeHostCapacity } : null,
        startsAt: values.startsAt,
        endsAt: values.endsAt,
        seats: values.seats,
        teamSize: values.teamSize,
        instructorIds: values.instructorIds,
      });
    } catch (clash) {
      if (clash instanceof DoubleBookingError || clash instanceof SchedulingRuleError) return clash;
    }
    return error;
  }

  /**
   * The planner's calendar on a hand-made session (calendar-rules.ts). Breaches the override does
   * not name are refused (400, each with its rule and JST date); the ones it lifts are returned to
   * be kept on the session, or null when no rule is broken.
   */
  private async checkCalendar(
    m: EntityManager,
    courseCode: string,
    startsAt: Date,
    endsAt: Date,
    override: CalendarOverride | undefined,
    actor: string,
  ): Promise<CalendarOverrideRecord | null> {
    const course = await m.findOneByOrFail(CourseEntity, { code: courseCode });
    const breaches = calendarBreaches(course, startsAt, endsAt, new Date());
    const lifted = new Set(override?.rules ?? []);
    const refused = breaches.filter((b) => !lifted.has(b.rule));
    if (refused.length > 0) throw new CalendarRuleError(refused);
    if (breaches.length === 0 || !override) return null;
    return { rules: [...new Set(breaches.map((b) => b.rule))], reason: override.reason, actor, at: new Date().toISOString(), breaches };
  }

  private async recordOverride(m: EntityManager, sessionId: string, override: CalendarOverrideRecord): Promise<void> {
    await this.audit.record(
      { actor: override.actor, action: 'session.calendar-override', subjectType: 'session', subjectId: sessionId, details: { rules: override.rules, reason: override.reason, breaches: override.breaches } },
      m,
    );
  }

  /** Writes a validated session and its instructor bookings (used by the planner too). */
  async insert(m: EntityManager, v: SessionValues, planId: string | null): Promise<string> {
    const { instructorIds, ...columns } = v;
    const saved = await m.save(SessionEntity, m.create(SessionEntity, { ...columns, planId, status: 'draft' }));
    if (instructorIds.length) {
      await m.insert(
        SessionInstructorEntity,
        instructorIds.map((instructorId) => ({ sessionId: saved.id, instructorId, startsAt: v.startsAt, endsAt: v.endsAt, active: true })),
      );
    }
    return saved.id;
  }

  async update(id: string, input: SessionUpdate, actor: string): Promise<SessionView> {
    let values: SessionValues | undefined;
    await this.dataSource.transaction(async (m) => {
      const session = await this.lock(m, id);
      if (session.status !== 'draft' && session.status !== 'open') {
        throw new SchedulingRuleError(`${withArticle(session.status)} session cannot be changed; only draft and open sessions can`);
      }
      const current = await m.find(SessionInstructorEntity, { where: { sessionId: id } });
      const resolved = await this.resolve(
        m,
        {
          courseCode: session.courseCode,
          venueId: input.venueId !== undefined ? input.venueId : session.venueId,
          regionId: input.regionId !== undefined ? input.regionId : input.venueId !== undefined ? null : session.regionId,
          startsAt: input.startsAt ?? session.startsAt,
          endsAt: input.endsAt ?? session.endsAt,
          seats: input.seats ?? session.seats,
          teamSize: input.teamSize ?? session.teamSize,
          instructorIds: input.instructorIds ?? current.map((c) => c.instructorId),
          otherRegion: input.otherRegion ?? session.otherRegion,
        },
        id,
      );
      values = resolved;
      // The calendar is checked again when the dates move (or an override is given); an untouched
      // period keeps the override it was entered with.
      const moved = resolved.startsAt.getTime() !== session.startsAt.getTime() || resolved.endsAt.getTime() !== session.endsAt.getTime();
      const override =
        moved || input.override ? await this.checkCalendar(m, session.courseCode, resolved.startsAt, resolved.endsAt, input.override, actor) : undefined;
      const [{ confirmed }] = await m.query(`SELECT count(*)::int AS confirmed FROM enrollments WHERE session_id = $1 AND status = 'confirmed'`, [id]);
      if (resolved.seats < confirmed) {
        throw new SchedulingRuleError(`${confirmed} trainees are already confirmed; seats cannot go below that (cancel enrollments first)`);
      }
      if (session.status === 'open' && resolved.instructorIds.length === 0 && session.venueId) {
        throw new SchedulingRuleError('an open in-person session needs at least one instructor');
      }
      const { instructorIds, ...columns } = resolved;
      await m.update(SessionEntity, { id }, override === undefined ? columns : { ...columns, calendarOverride: override });
      await m.delete(SessionInstructorEntity, { sessionId: id });
      if (instructorIds.length) {
        await m.insert(
          SessionInstructorEntity,
          instructorIds.map((instructorId) => ({ sessionId: id, instructorId, startsAt: resolved.startsAt, endsAt: resolved.endsAt, active: true })),
        );
      }
      const promoted = session.status === 'open' ? await promoteWaitlisted(m, id, resolved.seats) : [];
      const course = await m.findOneByOrFail(CourseEntity, { code: session.courseCode });
      if (course.selfPaced) for (const p of promoted) await this.teams.addSoloTeam(m, id, p.id, p.trainee_id);
      await this.audit.record(
        { actor, action: 'session.update', subjectType: 'session', subjectId: id, details: { ...describe(resolved), promoted: promoted.map((p) => p.id) } },
        m,
      );
      if (override) await this.recordOverride(m, id, override);
    }).catch(async (error: unknown) => {
      throw await this.readableOverlap(error, values, id);
    });
    return this.get(id);
  }

  /** Moves a session through its life cycle; 409 with the reason when the move is not allowed. */
  async transition(id: string, to: SessionStatus, actor: string, reason?: string, manager?: EntityManager): Promise<SessionView> {
    const run = async (m: EntityManager) => {
      const session = await this.lock(m, id);
      const from = session.status;
      const refusal = transitionRefusal(from, to);
      if (refusal) throw new SessionTransitionError(refusal, from, to, SESSION_TRANSITIONS[from]);
      const course = await m.findOneOrFail(CourseEntity, { where: { code: session.courseCode } });
      await this.guard(m, session, course, to);
      if (from === 'closed' && to === 'open' && !course.selfPaced) await m.delete(TeamEntity, { sessionId: id });
      if (to === 'closed' && !course.selfPaced) {
        const teams = await this.teams.form(m, session, actor);
        const venue = session.venueId ? await m.findOneByOrFail(VenueEntity, { id: session.venueId }) : null;
        if (venue && teams > venue.rangeHostCapacity) {
          throw new SchedulingRuleError(`${teams} teams exceed the range host of venue ${venue.name} (${venue.rangeHostCapacity} at once)`);
        }
      }
      if (to === 'cancelled') await m.update(SessionInstructorEntity, { sessionId: id }, { active: false });
      await m.update(SessionEntity, { id }, { status: to, statusReason: reason ?? null });
      await this.audit.record({ actor, action: 'session.transition', subjectType: 'session', subjectId: id, details: { from, to, reason } }, m);
      return this.get(id, m);
    };
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  /** Preconditions of entering a status, beyond the state machine itself. */
  async guard(m: EntityManager, session: SessionEntity, course: CourseEntity, to: SessionStatus): Promise<void> {
    if (to === 'open' && session.status === 'draft') {
      if (!session.venueId && course.placement !== 'online') throw new SchedulingRuleError(`${course.code} is held in person: choose a venue before publishing`);
      // Every course, online included, follows its catalogue (ONLINE-A's says 0: instructors may watch, none is required).
      const instructors = await m.count(SessionInstructorEntity, { where: { sessionId: session.id } });
      if (instructors < course.instructorsPerSession) {
        throw new SchedulingRuleError(`${course.code} needs ${course.instructorsPerSession} instructor(s) before publishing; the session has ${instructors}`);
      }
    }
    if (to === 'closed' && session.status === 'open') {
      const [{ confirmed }] = await m.query(`SELECT count(*)::int AS confirmed FROM enrollments WHERE session_id = $1 AND status = 'confirmed'`, [session.id]);
      if (confirmed === 0) throw new SchedulingRuleError('no trainee is confirmed: there is nobody to form teams with (cancel the session instead)');
    }
    if (to === 'provisioning') {
      const [{ unplaced }] = await m.query(
        `SELECT count(*)::int AS unplaced FROM enrollments e WHERE e.session_id = $1 AND e.status = 'confirmed'
         AND NOT EXISTS (SELECT 1 FROM team_members tm WHERE tm.enrollment_id = e.id)`,
        [session.id],
      );
      const teams = await m.count(TeamEntity, { where: { sessionId: session.id } });
      if (teams === 0) throw new SchedulingRuleError('the session has no teams to provision');
      if (unplaced > 0) throw new SchedulingRuleError(`${unplaced} confirmed trainee(s) are in no team; form the teams again or move them first`);
    }
  }

  /** Deletes a draft (published sessions are cancelled instead, so their history stays). */
  async remove(id: string, actor: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const session = await this.lock(m, id);
      if (session.status !== 'draft') throw new SchedulingRuleError(`only a draft can be deleted; ${withArticle(session.status)} session is cancelled instead`);
      await m.delete(SessionEntity, { id });
      await this.audit.record({ actor, action: 'session.delete', subjectType: 'session', subjectId: id, details: { courseCode: session.courseCode } }, m);
    });
  }

  /** The schedule as CSV (csvTable), with the list filters, every page. */
  async exportCsv(filter: SessionFilter): Promise<string> {
    const sessions = await loadSessions(this.dataSource.manager, sessionWhere(filter), { all: true });
    const header = [
      'id', 'course', 'status', 'fiscal_year', 'month', 'starts_at', 'ends_at', 'starts_at_jst', 'ends_at_jst', 'prefecture_code', 'prefecture', 'region',
      'venue', 'city', 'seats', 'confirmed', 'waitlisted', 'team_size', 'instructors', 'plan_id',
    ];
    const rows = sessions.map((s) => [
      s.id, s.courseCode, s.status, s.fiscalYear, s.month, s.startsAt, s.endsAt, jstWallTime(s.startsAt), jstWallTime(s.endsAt), s.prefecture?.code, s.prefecture?.name, s.region?.name,
      s.venue?.name, s.venue?.city, s.seats, s.confirmed, s.waitlisted, s.teamSize, s.instructors.map((i) => i.name).join('; '), s.planId,
    ]);
    return csvTable(header, rows);
  }

  async lock(m: EntityManager, id: string): Promise<SessionEntity> {
    const session = await m.findOne(SessionEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!session) throw new SchedulingNotFoundError(`session ${id} does not exist`);
    return session;
  }

  /** Checks every scheduling rule of a session and returns the values to write. */
  async resolve(m: EntityManager, input: SessionInput, sessionId?: string): Promise<SessionValues> {
    const course = await m.findOne(CourseEntity, { where: { code: input.courseCode } });
    if (!course) throw new SchedulingNotFoundError(`course ${input.courseCode} does not exist`);
    if (!(input.endsAt > input.startsAt)) {
      throw new InvalidScheduleError('endsAt must be after startsAt', [{ field: 'endsAt', messages: ['endsAt must be after startsAt'] }]);
    }

    let venue: VenueEntity | null = null;
    let regionId: string | null = null;
    if (course.placement === 'online') {
      if (input.venueId) throw new SchedulingRuleError(`${course.code} is online: it has no venue`);
    } else {
      if (!input.venueId) throw new SchedulingRuleError(`${course.code} is held in person: a venue is required`);
      venue = await m.findOne(VenueEntity, { where: { id: input.venueId } });
      if (!venue) throw new SchedulingNotFoundError(`venue ${input.venueId} does not exist`);
      const prefecture = await m.findOneByOrFail(PrefectureEntity, { code: venue.prefectureCode });
      if (course.placement === 'listed_prefectures' && !course.prefectureCodes.includes(venue.prefectureCode)) {
        const names = (await m.find(PrefectureEntity, { where: { code: In(course.prefectureCodes) }, order: { code: 'ASC' } })).map((p) => p.name);
        throw new SchedulingRuleError(`${course.code} runs only in ${names.join(', ')}; venue ${venue.name} is in ${prefecture.name}`);
      }
      if (course.placement === 'per_region') {
        regionId = input.regionId ?? prefecture.regionId;
        if (regionId !== prefecture.regionId) {
          const region = await m.findOne(RegionEntity, { where: { id: regionId } });
          if (!region) throw new SchedulingNotFoundError(`region ${regionId} does not exist`);
          throw new SchedulingRuleError(`${course.code} runs per region: venue ${venue.name} (${prefecture.name}) is not in region ${region.name}`);
        }
      }
    }
    if (input.otherRegion === 'refuse' && course.placement !== 'per_region') {
      throw new SchedulingRuleError(`${course.code} is not held per region: otherRegion "refuse" applies to per-region courses (B-1) only`);
    }
    const teamSize = input.teamSize ?? course.defaultTeamSize;
    if (course.selfPaced && teamSize !== 1) throw new SchedulingRuleError(`${course.code} is self-paced: one trainee per team (teamSize 1)`);
    const seats = input.seats ?? (venue ? Math.min(course.defaultSeats, venue.seatCapacity) : course.defaultSeats);
    if (venue && seats > venue.seatCapacity) {
      throw new SchedulingRuleError(`venue ${venue.name} has ${venue.seatCapacity} seats; ${seats} asked`);
    }
    const instructorIds = [...new Set(input.instructorIds ?? [])];
    if (instructorIds.length) {
      const found = await m.find(InstructorEntity, { where: { id: In(instructorIds) } });
      const missing = instructorIds.filter((id) => !found.some((f) => f.id === id));
      if (missing.length) throw new SchedulingNotFoundError(`instructor ${missing.join(', ')} does not exist`);
      const inactive = found.filter((f) => !f.active);
      if (inactive.length) throw new SchedulingRuleError(`instructor ${inactive.map((i) => i.name).join(', ')} is not active`);
      const unqualified = found.filter((f) => !f.courseCodes.includes(course.code));
      if (unqualified.length) throw new SchedulingRuleError(`instructor ${unqualified.map((i) => i.name).join(', ')} is not qualified for ${course.code}`);
    }
    if (venue) {
      const needed = maxTeams(seats, teamSize);
      if (needed > venue.rangeHostCapacity) {
        throw new SchedulingRuleError(
          `${course.code} with ${seats} seats in teams of ${teamSize} needs up to ${needed} team ranges at once; the range host of venue ${venue.name} runs at most ${venue.rangeHostCapacity}`,
        );
      }
    }
    await this.booking.check(m, {
      sessionId,
      courseCode: course.code,
      venue: venue ? { id: venue.id, name: venue.name, rangeHostCapacity: venue.rangeHostCapacity } : null,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      seats,
      teamSize,
      instructorIds,
    });
    return {
      courseCode: course.code,
      venueId: venue?.id ?? null,
      prefectureCode: venue?.prefectureCode ?? null,
      regionId,
      fiscalYear: fiscalYearOfInstant(input.startsAt),
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      seats,
      teamSize,
      instructorIds,
      otherRegion: input.otherRegion ?? 'warn',
    };
  }
}

function describe(v: SessionValues): Record<string, unknown> {
  return { ...v, startsAt: v.startsAt.toISOString(), endsAt: v.endsAt.toISOString() };
}
