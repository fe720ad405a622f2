import type { INestApplication } from '@nestjs/common';
import { type SchedulingClient, startApi } from './support/scheduling-api.js';

interface PlannedSession {
  id: string;
  courseCode: string;
  status: string;
  fiscalYear: number;
  startsAt: string;
  endsAt: string;
  seats: number;
  teamSize: number;
  venue: { id: string; seatCapacity: number; rangeHostCapacity: number } | null;
  prefecture: { code: number } | null;
  region: { id: string } | null;
  instructors: Array<{ id: string }>;
}

const COURSE_MONTHS: Record<string, number[]> = { A: [7, 8, 9, 10, 11, 12, 1, 2], 'B-1': [10, 11, 12, 1, 2], 'B-2': [1, 2], C: [1, 2] };

// FY2021's national holidays on weekdays (Tokyo 2020 moves included), and the year-end break.
const NO_TRAINING = new Set([
  '2021-07-22', '2021-07-23', '2021-08-09', '2021-09-20', '2021-09-23', '2021-11-03', '2021-11-23',
  '2021-12-29', '2021-12-30', '2021-12-31', '2022-01-03', '2022-01-10', '2022-02-11', '2022-02-23',
]);

/** JST days ("YYYY-MM-DD") an interval touches. */
function jstDays(startsAt: string, endsAt: string): string[] {
  const out: string[] = [];
  for (let t = new Date(startsAt).getTime(); t < new Date(endsAt).getTime(); t += 3600_000) {
    const day = new Date(t + 9 * 3600_000).toISOString().slice(0, 10);
    if (out[out.length - 1] !== day) out.push(day);
  }
  return out;
}

/** JST calendar parts of an instant. */
function jst(iso: string): { year: number; month: number; weekday: number } {
  const t = new Date(new Date(iso).getTime() + 9 * 3600_000);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, weekday: t.getUTCDay() };
}

function overlapping(sessions: PlannedSession[], keys: (s: PlannedSession) => string[]): string[] {
  const clashes: string[] = [];
  const byKey = new Map<string, PlannedSession[]>();
  for (const s of sessions) for (const k of keys(s)) byKey.set(k, [...(byKey.get(k) ?? []), s]);
  for (const [key, list] of byKey) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        if (list[i].startsAt < list[j].endsAt && list[j].startsAt < list[i].endsAt) clashes.push(`${key}: ${list[i].id} ${list[j].id}`);
      }
    }
  }
  return clashes;
}

// The annual planner over the HTTP API on the real PostgreSQL, with this suite's own venues and
// instructors (passed as the plan's pools), so the plan meets no other suite's bookings.
/** FY2021 - FY2024 are over: planning them enters history, which the calendar refuses without this override. */
const HISTORY = { rules: ['past'], reason: 'entering past fiscal years for the tests' };

describe('annual plan (real PostgreSQL)', () => {
  let app: INestApplication;
  let api: SchedulingClient;
  const venueIds: string[] = [];
  const venues = new Map<string, { prefectureCode: number; seatCapacity: number; rangeHostCapacity: number }>();
  const instructorIds: string[] = [];

  beforeAll(async () => {
    ({ app, api } = await startApi());
    // One room per prefecture, a second in the four B-2 cities; one small room in Kochi that
    // forces the planner to lower seats there.
    for (let code = 1; code <= 47; code++) {
      const v = code === 39 ? await api.venue(code, 24, 6) : await api.venue(code, 40, 12);
      venueIds.push(v.id);
      venues.set(v.id, { prefectureCode: code, seatCapacity: code === 39 ? 24 : 40, rangeHostCapacity: code === 39 ? 6 : 12 });
    }
    for (const code of [13, 23, 27, 40]) {
      const v = await api.venue(code, 60, 20);
      venueIds.push(v.id);
      venues.set(v.id, { prefectureCode: code, seatCapacity: 60, rangeHostCapacity: 20 });
    }
    for (let i = 0; i < 6; i++) instructorIds.push((await api.instructor(i < 2 ? ['A', 'B-1', 'B-2', 'C'] : ['A', 'B-1', 'B-2'])).id);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('plans FY2021 (A 65, B-1 21, B-2 13, C 2) satisfying every rule, and publishes it', async () => {
    const res = await api
      .http()
      .post('/api/v1/plans')
      .send({
        fiscalYear: 2021,
        override: HISTORY,
        courses: [
          { course: 'A', sessions: 65, seats: 30 },
          { course: 'B-1', sessions: 21, seats: 30 },
          { course: 'B-2', sessions: 13, seats: 40 },
          { course: 'C', sessions: 2, seats: 20 },
        ],
        venueIds,
        instructorIds,
      });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    const plan = res.body;
    expect(plan).toMatchObject({ fiscalYear: 2021, status: 'draft', sessionCount: 101, sessionsByCourse: { A: 65, 'B-1': 21, 'B-2': 13, C: 2 } });
    expect(plan.warnings.some((w: string) => /seats lowered from 30 to 24/.test(w))).toBe(true);

    const sessions: PlannedSession[] = (await api.http().get(`/api/v1/sessions?planId=${plan.id}&pageSize=200`).expect(200)).body.items;
    expect(sessions).toHaveLength(101);
    const of = (code: string) => sessions.filter((s) => s.courseCode === code);
    const regions: Array<{ id: string; prefectureCodes: number[] }> = (await api.http().get('/api/v1/regions').expect(200)).body.filter(
      (r: { prefectureCodes: number[] }) => r.prefectureCodes.length > 0,
    );

    // Places: A in every prefecture, B-1 in every region (at a venue of that region), B-2 in its four cities, C in Tokyo.
    expect(new Set(of('A').map((s) => s.prefecture!.code)).size).toBe(47);
    expect(new Set(of('B-1').map((s) => s.region!.id))).toEqual(new Set(regions.map((r) => r.id)));
    for (const s of of('B-1')) expect(regions.find((r) => r.id === s.region!.id)!.prefectureCodes).toContain(s.prefecture!.code);
    expect(new Set(of('B-2').map((s) => s.prefecture!.code))).toEqual(new Set([13, 23, 27, 40]));
    expect(of('C').map((s) => s.prefecture!.code)).toEqual([13, 13]);

    for (const s of sessions) {
      // Time: inside the course months of FY2021 (January - February are 2022), on working days.
      const start = jst(s.startsAt);
      const end = jst(new Date(new Date(s.endsAt).getTime() - 1).toISOString());
      for (const p of [start, end]) {
        expect(COURSE_MONTHS[s.courseCode]).toContain(p.month);
        expect(p.year).toBe(p.month >= 4 ? 2021 : 2022);
      }
      expect([0, 6]).not.toContain(start.weekday);
      for (const day of jstDays(s.startsAt, s.endsAt)) expect(NO_TRAINING.has(day)).toBe(false);
      expect(s.fiscalYear).toBe(2021);
      expect(s.status).toBe('draft');
      // Seats within the venue, team ranges within its range host.
      const venue = venues.get(s.venue!.id)!;
      expect(s.prefecture!.code).toBe(venue.prefectureCode);
      expect(s.seats).toBeLessThanOrEqual(venue.seatCapacity);
      expect(Math.ceil(s.seats / s.teamSize)).toBeLessThanOrEqual(venue.rangeHostCapacity);
      // Staffed by the plan's instructors only.
      expect(s.instructors.length).toBeGreaterThanOrEqual(1);
      for (const i of s.instructors) expect(instructorIds).toContain(i.id);
    }
    expect(of('C').every((s) => new Date(s.endsAt).getTime() - new Date(s.startsAt).getTime() > 24 * 3600_000)).toBe(true);
    for (const s of of('C')) expect(instructorIds.slice(0, 2)).toContain(s.instructors[0].id);
    // No double booking of a venue or an instructor.
    expect(overlapping(sessions, (s) => [s.venue!.id])).toEqual([]);
    expect(overlapping(sessions, (s) => s.instructors.map((i) => i.id))).toEqual([]);

    const csv = await api.http().get(`/api/v1/sessions/export.csv?planId=${plan.id}`).expect(200);
    expect(csv.text.replace(/^\uFEFF/, '').trim().split('\r\n')).toHaveLength(102);

    const published = await api.http().post(`/api/v1/plans/${plan.id}/publish`).expect(200);
    expect(published.body).toMatchObject({ status: 'published' });
    expect((await api.http().get(`/api/v1/sessions?planId=${plan.id}&status=open`).expect(200)).body.total).toBe(101);
    await api.http().post(`/api/v1/plans/${plan.id}/publish`).expect(409);
  });

  it('refuses C with 40 sessions in two months with one instructor, naming the constraint, course and months', async () => {
    const res = await api
      .http()
      .post('/api/v1/plans')
      .send({ fiscalYear: 2022, courses: [{ course: 'C', sessions: 40, seats: 20 }], venueIds, instructorIds: [instructorIds[0]] })
      .expect(409);
    expect(res.body.failures.map((f: { course: string; month: string; constraint: string }) => [f.course, f.month, f.constraint])).toEqual([
      ['C', '2023-01', 'instructor'],
      ['C', '2023-02', 'instructor'],
    ]);
    expect(res.body.failures[0].message).toMatch(/^\d+ of 20 C sessions in 2023-01 cannot be placed: the 1 qualified instructor\(s\) are already booked/);
    expect(res.body.message).toMatch(/^the plan cannot be made: C 2023-01: instructor: /);
    // Nothing was written.
    expect((await api.http().get('/api/v1/plans?fiscalYear=2022').expect(200)).body.total).toBe(0);
    expect((await api.http().get('/api/v1/sessions?fiscalYear=2022&course=C').expect(200)).body.total).toBe(0);
  });

  it('refuses plans that cannot cover every prefecture or region, or have no qualified instructor', async () => {
    const few = await api
      .http()
      .post('/api/v1/plans')
      .send({ fiscalYear: 2023, courses: [{ course: 'A', sessions: 40, seats: 30 }, { course: 'B-1', sessions: 5, seats: 30 }], venueIds, instructorIds })
      .expect(409);
    expect(few.body.failures.map((f: { course: string; constraint: string }) => [f.course, f.constraint])).toEqual([
      ['B-1', 'coverage'],
      ['A', 'coverage'],
    ]);
    const unqualified = await api
      .http()
      .post('/api/v1/plans')
      .send({ fiscalYear: 2023, courses: [{ course: 'C', sessions: 2, seats: 20 }], venueIds, instructorIds: instructorIds.slice(2) })
      .expect(409);
    expect(unqualified.body.failures[0]).toMatchObject({ course: 'C', month: null, constraint: 'instructor' });
    const bad = await api.http().post('/api/v1/plans').send({ fiscalYear: 1990, courses: [{ course: 'A', sessions: -1 }] }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['courses[0].seats', 'courses[0].sessions', 'fiscalYear']);
  });

  it('discards a draft plan with its sessions', async () => {
    // FY2024 is over: a plan of it is history, refused unless the operator overrides "past".
    const request = { fiscalYear: 2024, courses: [{ course: 'C', sessions: 2, seats: 20 }], venueIds, instructorIds };
    const refused = await api.http().post('/api/v1/plans').send(request).expect(400);
    expect(refused.body.breaches).toEqual([{ rule: 'past', date: expect.stringMatching(/^2025-0[12]-\d\d$/), message: expect.stringMatching(/^2 of the plan's 2 sessions would start in the past/) }]);
    const plan = (await api.http().post('/api/v1/plans').send({ ...request, override: HISTORY }).expect(201)).body;
    expect((await api.http().get(`/api/v1/sessions?planId=${plan.id}`).expect(200)).body.total).toBe(2);
    await api.http().delete(`/api/v1/plans/${plan.id}`).expect(204);
    await api.http().get(`/api/v1/plans/${plan.id}`).expect(404);
    expect((await api.http().get(`/api/v1/sessions?fiscalYear=2024&course=C`).expect(200)).body.total).toBe(0);
  });
});
