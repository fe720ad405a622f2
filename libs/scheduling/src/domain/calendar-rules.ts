import type { CoursePlacement } from '@app/database';
import { withArticle } from '@app/errors';
import { addDays, calendarYearOf, dayKey, fiscalOrder, fiscalYearOf, isWorkingDay, isYearEndBreak, jstParts, monthKey, monthsTouched, type JstDay } from './fiscal-calendar.js';
import { japaneseHolidayName } from './japanese-holidays.js';

/**
 * The calendar every session obeys, whether the annual planner placed it or an operator entered it
 * by hand (the planner's own working-day and month rules, fiscal-calendar.ts). An operator may
 * override named rules with a reason (entering history, a special event); the override is audited.
 */
export const CALENDAR_RULES = ['past', 'weekday', 'holiday', 'year-end', 'length', 'fiscal-year', 'months'] as const;
export type CalendarRule = (typeof CALENDAR_RULES)[number];

/** One broken rule: which, on which JST day ("YYYY-MM-DD"), and why in words. */
export interface CalendarBreach {
  rule: CalendarRule;
  date: string;
  message: string;
}

export interface CalendarCourse {
  code: string;
  months: readonly number[];
  durationDays: number;
  placement: CoursePlacement;
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Every JST day an interval [start, end) touches. */
export function daysTouched(startsAt: Date, endsAt: Date): JstDay[] {
  const first = jstParts(startsAt);
  const last = jstParts(new Date(endsAt.getTime() - 1));
  const out: JstDay[] = [];
  for (let d: JstDay = { year: first.year, month: first.month, day: first.day }; out.length < 400; d = addDays(d, 1)) {
    out.push(d);
    if (d.year === last.year && d.month === last.month && d.day === last.day) break;
  }
  return out;
}

/**
 * Every calendar rule [startsAt, endsAt) breaks for the course, in rule order, at most one per
 * rule and day. An online course (ONLINE-A) is a self-paced window the planner gives whole months,
 * so only the past, fiscal-year and month rules apply to it; in-person sessions run on weekdays
 * that are no national holiday, outside 29 December - 3 January, over exactly the course's days.
 */
export function calendarBreaches(course: CalendarCourse, startsAt: Date, endsAt: Date, now: Date): CalendarBreach[] {
  const out: CalendarBreach[] = [];
  const start = jstParts(startsAt);
  const startKey = dayKey(start);
  if (startsAt.getTime() < now.getTime()) {
    out.push({ rule: 'past', date: startKey, message: `the session would start in the past (${startKey}); only an override enters history` });
  }
  if (course.placement !== 'online') {
    const days = daysTouched(startsAt, endsAt);
    for (const d of days) {
      const weekday = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
      if (weekday === 0 || weekday === 6) out.push({ rule: 'weekday', date: dayKey(d), message: `${dayKey(d)} is a ${WEEKDAY_NAMES[weekday]}: sessions run on weekdays only` });
    }
    for (const d of days) {
      const holiday = japaneseHolidayName(d.year, d.month, d.day);
      if (holiday) out.push({ rule: 'holiday', date: dayKey(d), message: `${dayKey(d)} is a national holiday (${holiday})` });
    }
    for (const d of days) {
      if (isYearEndBreak(d.month, d.day)) out.push({ rule: 'year-end', date: dayKey(d), message: `${dayKey(d)} falls in the year-end break (29 December - 3 January)` });
    }
    if (days.length !== course.durationDays) {
      const lasts = course.durationDays === 1 ? '1 day' : `${course.durationDays} consecutive days`;
      const span = days.length === 1 ? '1 day' : `${days.length} days (${startKey} - ${dayKey(days[days.length - 1])})`;
      out.push({ rule: 'length', date: startKey, message: `${withArticle(course.code)} session lasts ${lasts}; this one spans ${span}` });
    }
  }
  const touched = monthsTouched(startsAt, endsAt);
  const fy = fiscalYearOf(touched[0].year, touched[0].month);
  const fyEnd = fiscalYearOf(touched[touched.length - 1].year, touched[touched.length - 1].month);
  if (fy !== fyEnd) {
    out.push({ rule: 'fiscal-year', date: startKey, message: `${withArticle(course.code)} session must lie inside one fiscal year (April - March); this one runs from FY${fy} into FY${fyEnd}` });
  }
  const outside = touched.filter((t) => !course.months.includes(t.month));
  if (outside.length > 0) {
    const allowed = fiscalOrder(course.months).map((m) => monthKey(calendarYearOf(fy, m), m)).join(', ');
    const first = outside[0];
    const date = first.year === start.year && first.month === start.month ? startKey : `${monthKey(first.year, first.month)}-01`;
    out.push({ rule: 'months', date, message: `${course.code} runs only in ${allowed} in FY${fy}; ${outside.map((t) => monthKey(t.year, t.month)).join(', ')} is outside` });
  }
  return out;
}

/** "months 2030-04-16: A runs only in ..." - a breach as one line naming the rule and the date. */
export function describeBreach(b: CalendarBreach): string {
  return `${b.rule} ${b.date}: ${b.message}`;
}

/** Whether a JST day ("YYYY-MM-DD") is a training day: a weekday, no national holiday, outside the year-end break. */
export function isTrainingDay(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number);
  return isWorkingDay({ year, month, day }, new Set());
}

/**
 * The first `count` training days ("YYYY-MM-DD") on or after `from` (a JST day or an instant),
 * optionally only in the given months (1-12). Tests, benches and the demo pick their days here,
 * so every hand-made session they create obeys the calendar.
 */
export function trainingDays(from: string | Date, count: number, months?: readonly number[]): string[] {
  let d: JstDay = typeof from === 'string' ? { year: Number(from.slice(0, 4)), month: Number(from.slice(5, 7)), day: Number(from.slice(8, 10)) } : jstParts(from);
  const out: string[] = [];
  for (let guard = 0; out.length < count && guard < 3660; guard++, d = addDays(d, 1)) {
    if ((!months || months.includes(d.month)) && isWorkingDay(d, new Set())) out.push(dayKey(d));
  }
  return out;
}
