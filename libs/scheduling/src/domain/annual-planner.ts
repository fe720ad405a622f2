import type { CoursePlacement } from '@app/database';
import {
  addDays,
  calendarYearOf,
  daysInMonth,
  fiscalOrder,
  isWorkingDay,
  jstInstant,
  monthKey,
  type JstDay,
} from './fiscal-calendar.js';
import { maxTeams } from './team-formation.js';

export interface PlannerCourse {
  code: string;
  placement: CoursePlacement;
  prefectureCodes: number[];
  months: number[];
  durationDays: number;
  instructorsPerSession: number;
}

export interface PlannerTarget {
  course: PlannerCourse;
  sessions: number;
  seats: number;
  teamSize: number;
}

export interface PlannerVenue {
  id: string;
  name: string;
  prefectureCode: number;
  seatCapacity: number;
  rangeHostCapacity: number;
}

export interface PlannerInstructor {
  id: string;
  courseCodes: string[];
}

export interface PlannerRegion {
  id: string;
  name: string;
  prefectureCodes: number[];
}

export interface Interval {
  startsAt: number;
  endsAt: number;
}

export interface PlannerInput {
  fiscalYear: number;
  targets: PlannerTarget[];
  prefectures: Array<{ code: number; name: string }>;
  regions: PlannerRegion[];
  venues: PlannerVenue[];
  instructors: PlannerInstructor[];
  /** Bookings that already exist (other sessions), per venue id and per instructor id. */
  busyVenues?: Map<string, Interval[]>;
  busyInstructors?: Map<string, Interval[]>;
  /** Extra days without training ("YYYY-MM-DD"), e.g. national holidays. */
  blackoutDates?: string[];
  /** JST hours of a training day. */
  dayStartHour?: number;
  dayEndHour?: number;
}

export interface PlannedSession {
  courseCode: string;
  venueId: string | null;
  prefectureCode: number | null;
  regionId: string | null;
  startsAt: Date;
  endsAt: Date;
  seats: number;
  teamSize: number;
  instructorIds: string[];
}

export type PlanConstraint =
  | 'target'
  | 'coverage'
  | 'months'
  | 'calendar'
  | 'venue'
  | 'instructor'
  | 'seat-capacity'
  | 'range-host-capacity';

export interface PlanFailure {
  course: string;
  /** "2022-01", or null when the failure is not about one month. */
  month: string | null;
  constraint: PlanConstraint;
  message: string;
}

export type PlanResult =
  | { ok: true; sessions: PlannedSession[]; warnings: string[] }
  | { ok: false; failures: PlanFailure[] };

interface Unit {
  /** Where the session may go: candidate venues in preference order. */
  venues: PlannerVenue[];
  label: string;
  prefectureCode: number | null;
  regionId: string | null;
}

const PLACEMENT_ORDER: Record<CoursePlacement, number> = { listed_prefectures: 0, per_region: 1, any_prefecture: 2, online: 3 };

/**
 * Builds a draft schedule for a fiscal year, or says which constraint failed for which course and
 * month. Deterministic: the same input gives the same plan. Most constrained courses are placed
 * first (few places, few months, long sessions); within a course, sessions go round-robin over
 * its months and are spread evenly over each month's working days.
 */
export function planFiscalYear(input: PlannerInput): PlanResult {
  const failures: PlanFailure[] = [];
  const warnings: string[] = [];
  const sessions: PlannedSession[] = [];
  const blackout = new Set(input.blackoutDates ?? []);
  const startHour = input.dayStartHour ?? 10;
  const endHour = input.dayEndHour ?? 17;
  const venueBusy = cloneBusy(input.busyVenues);
  const instructorBusy = cloneBusy(input.busyInstructors);
  const load = new Map<string, number>();

  const targets = [...input.targets].sort(
    (a, b) =>
      PLACEMENT_ORDER[a.course.placement] - PLACEMENT_ORDER[b.course.placement] ||
      a.course.months.length - b.course.months.length ||
      b.course.durationDays - a.course.durationDays ||
      a.course.code.localeCompare(b.course.code),
  );

  for (const target of targets) {
    const { course } = target;
    if (target.sessions === 0) continue;
    const months = fiscalOrder(course.months);
    if (months.length === 0) {
      failures.push({ course: course.code, month: null, constraint: 'months', message: `${course.code} has no months in the catalogue` });
      continue;
    }
    const units = placementUnits(target, input, failures);
    if (!units) continue;
    const qualified = input.instructors.filter((i) => i.courseCodes.includes(course.code));
    if (course.placement !== 'online' && qualified.length < course.instructorsPerSession) {
      failures.push({
        course: course.code,
        month: null,
        constraint: 'instructor',
        message: `${course.code} needs ${course.instructorsPerSession} instructor(s) per session but only ${qualified.length} active instructor(s) are qualified for it`,
      });
      continue;
    }

    // Round-robin over the months: even counts, and repeated places land in different months.
    const byMonth = new Map<number, Unit[]>(months.map((m) => [m, []]));
    units.forEach((unit, i) => byMonth.get(months[i % months.length])!.push(unit));

    for (const month of months) {
      const monthUnits = byMonth.get(month)!;
      if (monthUnits.length === 0) continue;
      const year = calendarYearOf(input.fiscalYear, month);
      const key = monthKey(year, month);
      if (course.placement === 'online') {
        for (const unit of monthUnits) {
          sessions.push({
            courseCode: course.code,
            venueId: null,
            prefectureCode: unit.prefectureCode,
            regionId: null,
            startsAt: jstInstant(year, month, 1),
            endsAt: addMonthStart(year, month),
            seats: target.seats,
            teamSize: target.teamSize,
            instructorIds: [],
          });
        }
        continue;
      }
      const starts = startDays(year, month, course.durationDays, blackout);
      if (starts.length === 0) {
        failures.push({
          course: course.code,
          month: key,
          constraint: 'calendar',
          message: `${key} has no ${course.durationDays} consecutive working day(s) for ${course.code}`,
        });
        continue;
      }
      let unplaced = 0;
      // Per tried slot: was it blocked by the venues, by the instructors, or by both?
      const blocked = { venueOnly: 0, instructorOnly: 0, both: 0 };
      monthUnits.forEach((unit, j) => {
        const preferred = Math.floor(((j + 0.5) * starts.length) / monthUnits.length);
        for (let step = 0; step < starts.length; step++) {
          const day = starts[(preferred + step) % starts.length];
          const startsAt = jstInstant(day.year, day.month, day.day, startHour).getTime();
          const last = addDays(day, course.durationDays - 1);
          const endsAt = jstInstant(last.year, last.month, last.day, endHour).getTime();
          const period = { startsAt, endsAt };
          const venue = unit.venues.find((v) => isFree(venueBusy.get(v.id), period));
          const free = qualified
            .filter((i) => isFree(instructorBusy.get(i.id), period))
            .sort((a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) || a.id.localeCompare(b.id))
            .slice(0, course.instructorsPerSession);
          const enoughInstructors = free.length >= course.instructorsPerSession;
          if (!venue || !enoughInstructors) {
            if (!venue && !enoughInstructors) blocked.both++;
            else if (!venue) blocked.venueOnly++;
            else blocked.instructorOnly++;
            continue;
          }
          const seats = Math.min(target.seats, venue.seatCapacity, venue.rangeHostCapacity * target.teamSize);
          if (seats < target.seats) {
            warnings.push(
              `${course.code} ${key} at ${venue.name}: seats lowered from ${target.seats} to ${seats} (venue: ${venue.seatCapacity} seats, range host: ${venue.rangeHostCapacity} teams)`,
            );
          }
          book(venueBusy, venue.id, period);
          for (const i of free) {
            book(instructorBusy, i.id, period);
            load.set(i.id, (load.get(i.id) ?? 0) + 1);
          }
          sessions.push({
            courseCode: course.code,
            venueId: venue.id,
            prefectureCode: venue.prefectureCode,
            regionId: unit.regionId,
            startsAt: new Date(startsAt),
            endsAt: new Date(endsAt),
            seats,
            teamSize: target.teamSize,
            instructorIds: free.map((i) => i.id),
          });
          return;
        }
        unplaced++;
      });
      if (unplaced > 0) {
        const venueCount = new Set(monthUnits.flatMap((u) => u.venues.map((v) => v.id))).size;
        const instructorBound =
          blocked.instructorOnly > 0 && blocked.venueOnly === 0
            ? true
            : blocked.venueOnly > 0 && blocked.instructorOnly === 0
              ? false
              : qualified.length <= venueCount;
        failures.push({
          course: course.code,
          month: key,
          constraint: instructorBound ? 'instructor' : 'venue',
          message: instructorBound
            ? `${unplaced} of ${monthUnits.length} ${course.code} sessions in ${key} cannot be placed: the ${qualified.length} qualified instructor(s) are already booked on every ${course.durationDays}-day slot of the ${starts.length} in the month where a venue is free`
            : `${unplaced} of ${monthUnits.length} ${course.code} sessions in ${key} cannot be placed: every venue in ${[...new Set(monthUnits.map((u) => u.label))].join(', ')} is booked on all ${starts.length} possible ${course.durationDays}-day slots`,
        });
      }
    }
  }
  if (failures.length > 0) return { ok: false, failures };
  sessions.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.courseCode.localeCompare(b.courseCode));
  return { ok: true, sessions, warnings };
}

function placementUnits(target: PlannerTarget, input: PlannerInput, failures: PlanFailure[]): Unit[] | null {
  const { course } = target;
  const fail = (constraint: PlanConstraint, message: string) => {
    failures.push({ course: course.code, month: null, constraint, message });
    return null;
  };
  const venuesIn = (codes: number[]) =>
    input.venues
      .filter((v) => codes.includes(v.prefectureCode))
      // Venues that take the default seats come first, largest first.
      .sort(
        (a, b) =>
          Number(fits(b, target)) - Number(fits(a, target)) || b.seatCapacity - a.seatCapacity || a.name.localeCompare(b.name),
      );
  const prefectureName = (code: number) => input.prefectures.find((p) => p.code === code)?.name ?? `prefecture ${code}`;
  const n = target.sessions;

  switch (course.placement) {
    case 'online':
      return Array.from({ length: n }, () => ({ venues: [], label: 'online', prefectureCode: null, regionId: null }));
    case 'any_prefecture': {
      const all = input.prefectures.map((p) => p.code);
      if (n < all.length) return fail('coverage', `${course.code} must cover all ${all.length} prefectures, so it needs at least ${all.length} sessions; ${n} asked`);
      const missing = all.filter((code) => venuesIn([code]).length === 0);
      if (missing.length) return fail('coverage', `${course.code} must cover every prefecture, but there is no venue in ${missing.map(prefectureName).join(', ')}`);
      const capacity = (code: number) => venuesIn([code]).reduce((sum, v) => sum + v.seatCapacity, 0);
      const extraOrder = [...all].sort((a, b) => capacity(b) - capacity(a) || a - b);
      const codes = [...all];
      for (let i = 0; codes.length < n; i++) codes.push(extraOrder[i % extraOrder.length]);
      return codes.map((code) => ({ venues: venuesIn([code]), label: prefectureName(code), prefectureCode: code, regionId: null }));
    }
    case 'per_region': {
      const regions = input.regions;
      if (regions.length === 0) return fail('coverage', `${course.code} runs per region, but no region is defined`);
      if (n < regions.length) return fail('coverage', `${course.code} must cover all ${regions.length} regions, so it needs at least ${regions.length} sessions; ${n} asked`);
      const empty = regions.filter((r) => venuesIn(r.prefectureCodes).length === 0);
      if (empty.length) return fail('coverage', `${course.code} must cover every region, but there is no venue in ${empty.map((r) => r.name).join(', ')}`);
      const extraOrder = [...regions].sort((a, b) => b.prefectureCodes.length - a.prefectureCodes.length || a.name.localeCompare(b.name));
      const picks = [...regions];
      for (let i = 0; picks.length < n; i++) picks.push(extraOrder[i % extraOrder.length]);
      const seen = new Map<string, number>();
      return picks.map((region) => {
        // A region's second session prefers another prefecture's venue.
        const k = seen.get(region.id) ?? 0;
        seen.set(region.id, k + 1);
        const venues = venuesIn(region.prefectureCodes);
        const rotated = [...venues.slice(k % venues.length), ...venues.slice(0, k % venues.length)];
        return { venues: rotated, label: region.name, prefectureCode: null, regionId: region.id };
      });
    }
    case 'listed_prefectures': {
      const listed = course.prefectureCodes;
      if (listed.length === 0) return fail('coverage', `${course.code} lists no prefecture to run in`);
      const empty = listed.filter((code) => venuesIn([code]).length === 0);
      if (empty.length) return fail('coverage', `${course.code} runs in ${listed.map(prefectureName).join(', ')}, but there is no venue in ${empty.map(prefectureName).join(', ')}`);
      return Array.from({ length: n }, (_, i) => {
        const code = listed[i % listed.length];
        return { venues: venuesIn([code]), label: prefectureName(code), prefectureCode: code, regionId: null };
      });
    }
  }
}

function fits(venue: PlannerVenue, target: PlannerTarget): boolean {
  return venue.seatCapacity >= target.seats && venue.rangeHostCapacity >= maxTeams(target.seats, target.teamSize);
}

/** First days of every run of `duration` consecutive working days inside the month. */
function startDays(year: number, month: number, duration: number, blackout: ReadonlySet<string>): JstDay[] {
  const out: JstDay[] = [];
  for (let day = 1; day + duration - 1 <= daysInMonth(year, month); day++) {
    let ok = true;
    for (let k = 0; k < duration && ok; k++) ok = isWorkingDay({ year, month, day: day + k }, blackout);
    if (ok) out.push({ year, month, day });
  }
  return out;
}

function addMonthStart(year: number, month: number): Date {
  return month === 12 ? jstInstant(year + 1, 1, 1) : jstInstant(year, month + 1, 1);
}

function cloneBusy(source?: Map<string, Interval[]>): Map<string, Interval[]> {
  return new Map([...(source ?? new Map<string, Interval[]>())].map(([k, v]) => [k, [...v]]));
}

function isFree(busy: Interval[] | undefined, period: Interval): boolean {
  return !busy?.some((b) => b.startsAt < period.endsAt && period.startsAt < b.endsAt);
}

function book(busy: Map<string, Interval[]>, id: string, period: Interval): void {
  const list = busy.get(id) ?? [];
  list.push(period);
  busy.set(id, list);
}
