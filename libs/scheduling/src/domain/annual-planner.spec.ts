import { planFiscalYear, type PlannerCourse, type PlannerInput, type PlannedSession } from './annual-planner.js';
import { jstParts } from './fiscal-calendar.js';

const course = (code: string, placement: PlannerCourse['placement'], months: number[], prefectureCodes: number[] = [], durationDays = 1): PlannerCourse => ({
  code,
  placement,
  prefectureCodes,
  months,
  durationDays,
  instructorsPerSession: 1,
});
const A = course('A', 'any_prefecture', [7, 8, 9, 10, 11, 12, 1, 2]);
const B1 = course('B-1', 'per_region', [10, 11, 12, 1, 2]);
const B2 = course('B-2', 'listed_prefectures', [1, 2], [13, 23, 27, 40]);
const C = course('C', 'listed_prefectures', [1, 2], [13], 2);

function world(instructors = 8): Omit<PlannerInput, 'targets' | 'fiscalYear'> {
  const prefectures = Array.from({ length: 47 }, (_, i) => ({ code: i + 1, name: `P${i + 1}` }));
  const regions = Array.from({ length: 11 }, (_, r) => ({
    id: `r${r}`,
    name: `R${r}`,
    prefectureCodes: prefectures.filter((p) => (p.code - 1) % 11 === r).map((p) => p.code),
  }));
  const venues = prefectures.map((p) => ({ id: `v${p.code}`, name: `V${p.code}`, prefectureCode: p.code, seatCapacity: 40, rangeHostCapacity: 12 }));
  return {
    prefectures,
    regions,
    venues,
    instructors: Array.from({ length: instructors }, (_, i) => ({ id: `i${i}`, courseCodes: ['A', 'B-1', 'B-2', 'C'] })),
  };
}

function overlaps(sessions: PlannedSession[], key: (s: PlannedSession) => string[]): boolean {
  const byKey = new Map<string, PlannedSession[]>();
  for (const s of sessions) for (const k of key(s)) byKey.set(k, [...(byKey.get(k) ?? []), s]);
  for (const list of byKey.values()) {
    list.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
    for (let i = 1; i < list.length; i++) if (list[i].startsAt < list[i - 1].endsAt) return true;
  }
  return false;
}

describe('planFiscalYear', () => {
  const fy2021 = () =>
    planFiscalYear({
      fiscalYear: 2021,
      targets: [
        { course: A, sessions: 65, seats: 30, teamSize: 4 },
        { course: B1, sessions: 21, seats: 30, teamSize: 4 },
        { course: B2, sessions: 13, seats: 30, teamSize: 4 },
        { course: C, sessions: 2, seats: 20, teamSize: 4 },
      ],
      ...world(),
    });

  it('plans FY2021 satisfying coverage, places, months and booking rules', () => {
    const result = fy2021();
    if (!result.ok) throw new Error(JSON.stringify(result.failures));
    const { sessions } = result;
    const of = (code: string) => sessions.filter((s) => s.courseCode === code);
    expect([of('A').length, of('B-1').length, of('B-2').length, of('C').length]).toEqual([65, 21, 13, 2]);
    expect(new Set(of('A').map((s) => s.prefectureCode)).size).toBe(47);
    expect(new Set(of('B-1').map((s) => s.regionId)).size).toBe(11);
    expect(new Set(of('B-2').map((s) => s.prefectureCode))).toEqual(new Set([13, 23, 27, 40]));
    expect(of('C').every((s) => s.prefectureCode === 13)).toBe(true);
    for (const s of sessions) {
      const start = jstParts(s.startsAt);
      const months = { A: A.months, 'B-1': B1.months, 'B-2': B2.months, C: C.months }[s.courseCode]!;
      expect(months).toContain(start.month);
      expect(start.year).toBe(start.month >= 4 ? 2021 : 2022);
      expect([0, 6]).not.toContain(start.weekday);
    }
    expect(overlaps(sessions, (s) => [s.venueId!])).toBe(false);
    expect(overlaps(sessions, (s) => s.instructorIds)).toBe(false);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(fy2021())).toBe(JSON.stringify(fy2021()));
  });

  it('refuses C with 40 sessions in two months with one instructor, naming the constraint, course and months', () => {
    const base = world(1);
    base.venues.push({ id: 'v13b', name: 'V13b', prefectureCode: 13, seatCapacity: 40, rangeHostCapacity: 12 });
    const result = planFiscalYear({ fiscalYear: 2021, targets: [{ course: C, sessions: 40, seats: 20, teamSize: 4 }], ...base });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failures.map((f) => [f.course, f.month, f.constraint])).toEqual([
      ['C', '2022-01', 'instructor'],
      ['C', '2022-02', 'instructor'],
    ]);
    expect(result.failures[0].message).toMatch(/sessions in 2022-01 cannot be placed/);
  });

  it('plans ONLINE-A as month-long windows with no venue and no instructor', () => {
    const online = { ...course('ONLINE-A', 'online', [11, 12, 1, 2]), instructorsPerSession: 0 };
    const result = planFiscalYear({ fiscalYear: 2021, targets: [{ course: online, sessions: 4, seats: 500, teamSize: 1 }], ...world(0) });
    if (!result.ok) throw new Error(JSON.stringify(result.failures));
    expect(result.sessions.map((s) => [s.startsAt.toISOString(), s.endsAt.toISOString(), s.venueId, s.instructorIds.length])).toEqual([
      ['2021-10-31T15:00:00.000Z', '2021-11-30T15:00:00.000Z', null, 0],
      ['2021-11-30T15:00:00.000Z', '2021-12-31T15:00:00.000Z', null, 0],
      ['2021-12-31T15:00:00.000Z', '2022-01-31T15:00:00.000Z', null, 0],
      ['2022-01-31T15:00:00.000Z', '2022-02-28T15:00:00.000Z', null, 0],
    ]);
  });

  it('refuses A with fewer sessions than prefectures', () => {
    const result = planFiscalYear({ fiscalYear: 2021, targets: [{ course: A, sessions: 40, seats: 30, teamSize: 4 }], ...world() });
    expect(result.ok ? [] : result.failures.map((f) => f.constraint)).toEqual(['coverage']);
  });

  it('avoids existing bookings and lowers seats to the venue, with a warning', () => {
    const base = world();
    const tokyo = base.venues.find((v) => v.prefectureCode === 13)!;
    tokyo.seatCapacity = 10;
    const busyVenues = new Map([[tokyo.id, [{ startsAt: 0, endsAt: Date.UTC(2022, 0, 20) }]]]);
    const result = planFiscalYear({ fiscalYear: 2021, targets: [{ course: C, sessions: 2, seats: 20, teamSize: 4 }], ...base, busyVenues });
    if (!result.ok) throw new Error(JSON.stringify(result.failures));
    expect(result.sessions.every((s) => s.startsAt.getTime() >= Date.UTC(2022, 0, 20) && s.seats === 10)).toBe(true);
    expect(result.warnings.length).toBe(2);
  });
});
