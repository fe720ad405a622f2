import { jstDate } from '@app/time';
import type { CalendarRule } from './domain/calendar-rules.js';
import { Injectable } from '@nestjs/common';
import { AnnualPlanEntity, AuditTrail, CourseEntity, SessionEntity } from '@app/database';
import { DataSource, In } from 'typeorm';
import { planFiscalYear, type Interval, type PlannerTarget } from './domain/annual-planner.js';
import { jstInstant } from './domain/fiscal-calendar.js';
import { pageWindow, toPage } from './paging.js';
import { SessionService } from './session.service.js';
import type { AnnualPlanView, Page, PageRequest } from './views.js';
import { CalendarRuleError, PlanRefusedError, SchedulingNotFoundError, SchedulingRuleError } from './errors.js';

export interface AnnualPlanRequest {
  fiscalYear: number;
  courses: Array<{ course: string; sessions: number; seats: number; teamSize?: number }>;
  /** Limit the plan to these instructors (default: every active one). */
  instructorIds?: string[];
  /** Limit the plan to these venues (default: every venue). */
  venueIds?: string[];
  /** Days without training, "YYYY-MM-DD" (e.g. national holidays). */
  blackoutDates?: string[];
  /** A plan with sessions in the past is refused unless the operator overrides "past" (entering history). */
  override?: { rules: CalendarRule[]; reason: string };
}

/**
 * Turns a fiscal year's targets into draft sessions that satisfy every scheduling rule, against
 * the venues, instructors and bookings in the database; operators review and then publish them.
 */
@Injectable()
export class AnnualPlanner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
    private readonly sessions: SessionService,
  ) {}

  async generate(request: AnnualPlanRequest, actor: string): Promise<AnnualPlanView> {
    const id = await this.dataSource.transaction(async (m) => {
      // One planner at a time: two plans computed from the same free slots would collide.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('cyder.annual-planner'))`);
      const codes = request.courses.map((c) => c.course);
      const duplicates = codes.filter((c, i) => codes.indexOf(c) !== i);
      if (duplicates.length) throw new SchedulingRuleError(`course ${duplicates.join(', ')} is listed twice`);
      const courses = await m.find(CourseEntity, { where: { code: In(codes) } });
      const unknown = codes.filter((c) => !courses.some((k) => k.code === c));
      if (unknown.length) throw new SchedulingNotFoundError(`course ${unknown.join(', ')} does not exist`);

      const targets: PlannerTarget[] = request.courses.map((t) => {
        const course = courses.find((c) => c.code === t.course)!;
        return {
          course: {
            code: course.code,
            placement: course.placement,
            prefectureCodes: course.prefectureCodes,
            months: course.months,
            durationDays: course.durationDays,
            instructorsPerSession: course.instructorsPerSession,
          },
          sessions: t.sessions,
          seats: t.seats,
          teamSize: course.selfPaced ? 1 : (t.teamSize ?? course.defaultTeamSize),
        };
      });
      const prefectures: Array<{ code: number; name: string; region_id: string }> = await m.query(`SELECT code, name, region_id FROM prefectures ORDER BY code`);
      const regions: Array<{ id: string; name: string }> = await m.query(`SELECT id, name FROM regions ORDER BY sort_order, name`);
      const venues: Array<{ id: string; name: string; prefecture_code: number; seat_capacity: number; range_host_capacity: number }> =
        await m.query(`SELECT * FROM venues ${request.venueIds ? 'WHERE id = ANY($1)' : ''} ORDER BY name`, request.venueIds ? [request.venueIds] : []);
      if (request.venueIds && venues.length !== new Set(request.venueIds).size) throw new SchedulingNotFoundError('unknown venue among venueIds');
      const instructors: Array<{ id: string; course_codes: string[]; active: boolean }> = await m.query(
        `SELECT id, course_codes, active FROM instructors WHERE ${request.instructorIds ? 'id = ANY($1)' : 'active'} ORDER BY id`,
        request.instructorIds ? [request.instructorIds] : [],
      );
      if (request.instructorIds && instructors.length !== new Set(request.instructorIds).size) throw new SchedulingNotFoundError('unknown instructor among instructorIds');

      // Existing bookings in (and around) the fiscal year.
      const from = jstInstant(request.fiscalYear, 3, 1);
      const to = jstInstant(request.fiscalYear + 1, 5, 1);
      const busyVenues = new Map<string, Interval[]>();
      const busyInstructors = new Map<string, Interval[]>();
      const venueRows: Array<{ venue_id: string; starts_at: Date; ends_at: Date }> = await m.query(
        `SELECT venue_id, starts_at, ends_at FROM sessions WHERE venue_id IS NOT NULL AND status <> 'cancelled' AND starts_at < $2 AND ends_at > $1`,
        [from, to],
      );
      for (const r of venueRows) push(busyVenues, r.venue_id, r);
      const instructorRows: Array<{ instructor_id: string; starts_at: Date; ends_at: Date }> = await m.query(
        `SELECT instructor_id, starts_at, ends_at FROM session_instructors WHERE active AND starts_at < $2 AND ends_at > $1`,
        [from, to],
      );
      for (const r of instructorRows) push(busyInstructors, r.instructor_id, r);

      const result = planFiscalYear({
        fiscalYear: request.fiscalYear,
        targets,
        prefectures: prefectures.map((p) => ({ code: p.code, name: p.name })),
        // A region without prefectures (just created, not yet filled) has nothing to cover.
        regions: regions
          .map((r) => ({ id: r.id, name: r.name, prefectureCodes: prefectures.filter((p) => p.region_id === r.id).map((p) => p.code) }))
          .filter((r) => r.prefectureCodes.length > 0),
        venues: venues.map((v) => ({
          id: v.id,
          name: v.name,
          prefectureCode: v.prefecture_code,
          seatCapacity: v.seat_capacity,
          rangeHostCapacity: v.range_host_capacity,
        })),
        instructors: instructors.filter((i) => i.active).map((i) => ({ id: i.id, courseCodes: i.course_codes })),
        busyVenues,
        busyInstructors,
        blackoutDates: request.blackoutDates,
      });
      if (!result.ok) throw new PlanRefusedError(result.failures);
      const past = result.sessions.filter((s) => s.startsAt.getTime() < Date.now());
      const historyOverride = past.length > 0 ? request.override : undefined;
      if (past.length > 0 && !historyOverride?.rules.includes('past')) {
        const first = jstDate(past[0].startsAt);
        throw new CalendarRuleError([
          { rule: 'past', date: first, message: `${past.length} of the plan's ${result.sessions.length} sessions would start in the past (the first on ${first}); only an override enters history` },
        ]);
      }

      const plan = await m.save(
        AnnualPlanEntity,
        m.create(AnnualPlanEntity, { fiscalYear: request.fiscalYear, status: 'draft', request: { ...request }, warnings: result.warnings }),
      );
      for (const s of result.sessions) {
        await this.sessions.insert(m, { ...s, fiscalYear: request.fiscalYear }, plan.id);
      }
      await this.audit.record(
        { actor, action: 'plan.generate', subjectType: 'annual-plan', subjectId: plan.id, details: { fiscalYear: request.fiscalYear, sessions: result.sessions.length } },
        m,
      );
      if (historyOverride) {
        await this.audit.record(
          { actor, action: 'plan.calendar-override', subjectType: 'annual-plan', subjectId: plan.id, details: { rules: ['past'], reason: historyOverride.reason, sessionsInThePast: past.length } },
          m,
        );
      }
      return plan.id;
    });
    return this.get(id);
  }

  async get(id: string): Promise<AnnualPlanView> {
    const plan = await this.dataSource.getRepository(AnnualPlanEntity).findOne({ where: { id } });
    if (!plan) throw new SchedulingNotFoundError(`annual plan ${id} does not exist`);
    return this.view(plan);
  }

  async list(filter: PageRequest & { fiscalYear?: number }): Promise<Page<AnnualPlanView>> {
    const { pageSize, offset } = pageWindow(filter);
    const [plans, total] = await this.dataSource.getRepository(AnnualPlanEntity).findAndCount({
      where: filter.fiscalYear !== undefined ? { fiscalYear: filter.fiscalYear } : {},
      order: { createdAt: 'DESC', id: 'ASC' },
      take: pageSize,
      skip: offset,
    });
    return toPage(await Promise.all(plans.map((p) => this.view(p))), total, filter);
  }

  /** Opens every draft session of the plan for enrollment, in one transaction. */
  async publish(id: string, actor: string): Promise<AnnualPlanView> {
    await this.dataSource.transaction(async (m) => {
      const plan = await m.findOne(AnnualPlanEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!plan) throw new SchedulingNotFoundError(`annual plan ${id} does not exist`);
      if (plan.status !== 'draft') throw new SchedulingRuleError(`the plan is already ${plan.status}`);
      const drafts = await m.find(SessionEntity, { where: { planId: id, status: 'draft' }, order: { startsAt: 'ASC' } });
      for (const s of drafts) await this.sessions.transition(s.id, 'open', actor, 'annual plan published', m);
      await m.update(AnnualPlanEntity, { id }, { status: 'published', publishedAt: new Date() });
      await this.audit.record({ actor, action: 'plan.publish', subjectType: 'annual-plan', subjectId: id, details: { opened: drafts.length } }, m);
    });
    return this.get(id);
  }

  /** Throws a draft plan away with its draft sessions. */
  async discard(id: string, actor: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const plan = await m.findOne(AnnualPlanEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!plan) throw new SchedulingNotFoundError(`annual plan ${id} does not exist`);
      if (plan.status !== 'draft') throw new SchedulingRuleError('a published plan cannot be discarded; cancel its sessions instead');
      const [, removed] = await m.query(`DELETE FROM sessions WHERE plan_id = $1 AND status = 'draft'`, [id]);
      await m.delete(AnnualPlanEntity, { id });
      await this.audit.record({ actor, action: 'plan.discard', subjectType: 'annual-plan', subjectId: id, details: { removedSessions: removed } }, m);
    });
  }

  private async view(plan: AnnualPlanEntity): Promise<AnnualPlanView> {
    const rows: Array<{ course_code: string; n: number }> = await this.dataSource.query(
      `SELECT course_code, count(*)::int AS n FROM sessions WHERE plan_id = $1 GROUP BY course_code ORDER BY course_code`,
      [plan.id],
    );
    return {
      id: plan.id,
      fiscalYear: plan.fiscalYear,
      status: plan.status,
      request: plan.request,
      warnings: plan.warnings,
      sessionsByCourse: Object.fromEntries(rows.map((r) => [r.course_code, r.n])),
      sessionCount: rows.reduce((sum, r) => sum + r.n, 0),
      createdAt: plan.createdAt,
      publishedAt: plan.publishedAt,
    };
  }
}

function push(map: Map<string, Interval[]>, key: string, row: { starts_at: Date; ends_at: Date }): void {
  const list = map.get(key) ?? [];
  list.push({ startsAt: new Date(row.starts_at).getTime(), endsAt: new Date(row.ends_at).getTime() });
  map.set(key, list);
}
