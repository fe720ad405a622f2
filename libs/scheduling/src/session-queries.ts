import type { EntityManager } from 'typeorm';
import { jstInstant, jstParts, monthKey } from './domain/fiscal-calendar.js';
import { pageWindow, SqlWhere } from './paging.js';
import type { EnrollmentView, SessionFilter, SessionView } from './views.js';

const SESSION_FROM = `
  FROM sessions s
  JOIN courses c ON c.code = s.course_code
  LEFT JOIN venues v ON v.id = s.venue_id
  LEFT JOIN prefectures p ON p.code = s.prefecture_code
  LEFT JOIN regions r ON r.id = COALESCE(s.region_id, p.region_id)`;

interface SessionRow {
  id: string;
  course_code: string;
  status: SessionView['status'];
  status_reason: string | null;
  fiscal_year: number;
  starts_at: Date;
  ends_at: Date;
  venue_id: string | null;
  venue_name: string | null;
  venue_city: string | null;
  seat_capacity: number | null;
  range_host_capacity: number | null;
  prefecture_code: number | null;
  prefecture_name: string | null;
  region_id: string | null;
  region_code: string | null;
  region_name: string | null;
  seats: number;
  confirmed: number;
  waitlisted: number;
  team_size: number;
  self_paced: boolean;
  plan_id: string | null;
  calendar_override: SessionView['calendarOverride'];
  other_region: SessionView['otherRegion'];
  created_at: Date;
  updated_at: Date;
}

/** The WHERE clause of the session list filters (course, prefecture, region, month, status...). */
export function sessionWhere(filter: SessionFilter): SqlWhere {
  const where = new SqlWhere();
  if (filter.course) where.add((p) => `s.course_code = ${p(filter.course)}`);
  if (filter.prefecture !== undefined) where.add((p) => `s.prefecture_code = ${p(filter.prefecture)}`);
  if (filter.region) {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(filter.region);
    where.add((p) => (isUuid ? `r.id = ${p(filter.region)}` : `r.code = ${p(filter.region)}`));
  }
  if (filter.month) {
    const [year, month] = filter.month.split('-').map(Number);
    const from = jstInstant(year, month, 1);
    const to = month === 12 ? jstInstant(year + 1, 1, 1) : jstInstant(year, month + 1, 1);
    where.add((p) => `s.starts_at >= ${p(from)} AND s.starts_at < ${p(to)}`);
  }
  if (filter.status) where.add((p) => `s.status = ${p(filter.status)}`);
  if (filter.fiscalYear !== undefined) where.add((p) => `s.fiscal_year = ${p(filter.fiscalYear)}`);
  if (filter.venueId) where.add((p) => `s.venue_id = ${p(filter.venueId)}`);
  if (filter.planId) where.add((p) => `s.plan_id = ${p(filter.planId)}`);
  if (filter.instructorId) {
    where.add((p) => `EXISTS (SELECT 1 FROM session_instructors si WHERE si.session_id = s.id AND si.instructor_id = ${p(filter.instructorId)})`);
  }
  return where;
}

export async function countSessions(manager: EntityManager, where: SqlWhere): Promise<number> {
  const [row] = await manager.query(`SELECT count(*)::int AS n ${SESSION_FROM} ${where.sql}`, where.params);
  return row.n;
}

/** Session read models in start order; paged unless `all`. */
export async function loadSessions(
  manager: EntityManager,
  where: SqlWhere,
  paging: { page?: number; pageSize?: number; all?: boolean } = {},
): Promise<SessionView[]> {
  let limit = '';
  if (!paging.all) {
    const { pageSize, offset } = pageWindow(paging);
    limit = `LIMIT ${where.next(pageSize)} OFFSET ${where.next(offset)}`;
  }
  const rows: SessionRow[] = await manager.query(
    `SELECT s.id, s.course_code, s.status, s.status_reason, s.fiscal_year, s.starts_at, s.ends_at, s.venue_id,
            v.name AS venue_name, v.city AS venue_city, v.seat_capacity, v.range_host_capacity,
            s.prefecture_code, p.name AS prefecture_name, r.id AS region_id, r.code AS region_code, r.name AS region_name,
            s.seats, s.team_size, c.self_paced, s.plan_id, s.calendar_override, s.other_region, s.created_at, s.updated_at,
            (SELECT count(*) FROM enrollments e WHERE e.session_id = s.id AND e.status = 'confirmed')::int AS confirmed,
            (SELECT count(*) FROM enrollments e WHERE e.session_id = s.id AND e.status = 'waitlisted')::int AS waitlisted
     ${SESSION_FROM} ${where.sql}
     ORDER BY s.starts_at, s.course_code, s.id ${limit}`,
    where.params,
  );
  const instructors = new Map<string, Array<{ id: string; name: string }>>();
  if (rows.length > 0) {
    const found: Array<{ session_id: string; id: string; name: string }> = await manager.query(
      `SELECT si.session_id, i.id, i.name FROM session_instructors si JOIN instructors i ON i.id = si.instructor_id
       WHERE si.session_id = ANY($1) ORDER BY i.name, i.id`,
      [rows.map((r) => r.id)],
    );
    for (const f of found) instructors.set(f.session_id, [...(instructors.get(f.session_id) ?? []), { id: f.id, name: f.name }]);
  }
  return rows.map((r) => {
    const start = jstParts(r.starts_at);
    return {
      id: r.id,
      courseCode: r.course_code,
      status: r.status,
      statusReason: r.status_reason,
      fiscalYear: r.fiscal_year,
      month: monthKey(start.year, start.month),
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      venue: r.venue_id
        ? { id: r.venue_id, name: r.venue_name!, city: r.venue_city!, seatCapacity: r.seat_capacity!, rangeHostCapacity: r.range_host_capacity! }
        : null,
      prefecture: r.prefecture_code !== null ? { code: r.prefecture_code, name: r.prefecture_name! } : null,
      region: r.region_id ? { id: r.region_id, code: r.region_code!, name: r.region_name! } : null,
      seats: r.seats,
      confirmed: r.confirmed,
      waitlisted: r.waitlisted,
      teamSize: r.team_size,
      selfPaced: r.self_paced,
      instructors: instructors.get(r.id) ?? [],
      planId: r.plan_id,
      calendarOverride: r.calendar_override,
      otherRegion: r.other_region,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  });
}

export async function loadSession(manager: EntityManager, id: string): Promise<SessionView | null> {
  const where = new SqlWhere().add((p) => `s.id = ${p(id)}`);
  const [view] = await loadSessions(manager, where, { all: true });
  return view ?? null;
}

interface EnrollmentRow {
  id: string;
  session_id: string;
  trainee_id: string;
  trainee_name: string;
  organisation_id: string;
  organisation_name: string;
  status: EnrollmentView['status'];
  arrival: number;
  waitlist_position: number | null;
  team_id: string | null;
  confirmed_at: Date | null;
  cancelled_at: Date | null;
  created_at: Date;
  trainee_region: string | null;
  session_region: string | null;
}

/** Enrollments of a session in arrival order, each waitlisted one with its current position. */
export async function loadEnrollments(
  manager: EntityManager,
  sessionId: string,
  options: { status?: string; ids?: string[]; page?: number; pageSize?: number } = {},
): Promise<EnrollmentView[]> {
  const where = enrollmentWhere(sessionId, options);
  let limit = '';
  if (options.page !== undefined || options.pageSize !== undefined) {
    const { pageSize, offset } = pageWindow(options);
    limit = `LIMIT ${where.next(pageSize)} OFFSET ${where.next(offset)}`;
  }
  const rows: EnrollmentRow[] = await manager.query(
    `SELECT e.id, e.session_id, e.trainee_id, t.name AS trainee_name, o.id AS organisation_id, o.name AS organisation_name,
            e.status, e.arrival, e.confirmed_at, e.cancelled_at, e.created_at, tm.team_id,
            CASE WHEN c.placement = 'per_region' AND s.region_id IS NOT NULL AND tr.id IS NOT NULL AND tr.id <> s.region_id THEN tr.name END AS trainee_region,
            sr.name AS session_region,
            CASE WHEN e.status = 'waitlisted' THEN
              (SELECT count(*) FROM enrollments w WHERE w.session_id = e.session_id AND w.status = 'waitlisted' AND w.arrival <= e.arrival)::int
            END AS waitlist_position
     FROM enrollments e
     JOIN trainees t ON t.id = e.trainee_id
     JOIN organisations o ON o.id = t.organisation_id
     JOIN sessions s ON s.id = e.session_id
     JOIN courses c ON c.code = s.course_code
     LEFT JOIN prefectures op ON op.code = o.prefecture_code
     LEFT JOIN regions tr ON tr.id = op.region_id
     LEFT JOIN regions sr ON sr.id = s.region_id
     LEFT JOIN team_members tm ON tm.enrollment_id = e.id
     ${where.sql}
     ORDER BY e.arrival ${limit}`,
    where.params,
  );
  return rows.map((r) => ({
    id: r.id,
    sessionId: r.session_id,
    traineeId: r.trainee_id,
    traineeName: r.trainee_name,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    status: r.status,
    arrival: r.arrival,
    waitlistPosition: r.waitlist_position,
    teamId: r.team_id,
    confirmedAt: r.confirmed_at,
    cancelledAt: r.cancelled_at,
    createdAt: r.created_at,
    otherRegion: r.trainee_region,
    warnings: r.trainee_region ? [`${r.trainee_name} comes from region ${r.trainee_region}; this session serves region ${r.session_region}`] : [],
  }));
}

function enrollmentWhere(sessionId: string, options: { status?: string; ids?: string[] }): SqlWhere {
  const where = new SqlWhere().add((p) => `e.session_id = ${p(sessionId)}`);
  if (options.status) where.add((p) => `e.status = ${p(options.status)}`);
  if (options.ids) where.add((p) => `e.id = ANY(${p(options.ids)})`);
  return where;
}

export async function countEnrollments(manager: EntityManager, sessionId: string, options: { status?: string } = {}): Promise<number> {
  const where = enrollmentWhere(sessionId, options);
  const [row] = await manager.query(`SELECT count(*)::int AS n FROM enrollments e ${where.sql}`, where.params);
  return row.n;
}
