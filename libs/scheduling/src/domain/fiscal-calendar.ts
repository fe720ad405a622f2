import { withArticle } from '@app/errors';
import { isJapaneseHoliday } from './japanese-holidays.js';

/**
 * Dates of the Japanese training calendar. Sessions are held in Japan Standard Time (UTC+9, no
 * daylight saving), so months and days are JST ones; the fiscal year runs April - March.
 */
const JST_OFFSET_MS = 9 * 3600_000;
const DAY_MS = 24 * 3600_000;

export interface JstDay {
  year: number;
  month: number;
  day: number;
}

export function jstParts(instant: Date): JstDay & { weekday: number; hour: number } {
  const t = new Date(instant.getTime() + JST_OFFSET_MS);
  return {
    year: t.getUTCFullYear(),
    month: t.getUTCMonth() + 1,
    day: t.getUTCDate(),
    weekday: t.getUTCDay(),
    hour: t.getUTCHours(),
  };
}

/** The instant of a JST wall-clock time. */
export function jstInstant(year: number, month: number, day: number, hour = 0, minute = 0): Date {
  return new Date(Date.UTC(year, month - 1, day, hour, minute) - JST_OFFSET_MS);
}

/** Fiscal year (April - March) of a JST calendar month. */
export function fiscalYearOf(year: number, month: number): number {
  return month >= 4 ? year : year - 1;
}

export function fiscalYearOfInstant(instant: Date): number {
  const p = jstParts(instant);
  return fiscalYearOf(p.year, p.month);
}

/** Calendar year of month m (1-12) in fiscal year fy: January - March belong to fy + 1. */
export function calendarYearOf(fiscalYear: number, month: number): number {
  return month >= 4 ? fiscalYear : fiscalYear + 1;
}

/** "2022-01" */
export function monthKey(year: number, month: number): string {
  return `${year}-${String(month).padStart(2, '0')}`;
}

export function dayKey(d: JstDay): string {
  return `${monthKey(d.year, d.month)}-${String(d.day).padStart(2, '0')}`;
}

/** Orders course months April first, as the fiscal year runs. */
export function fiscalOrder(months: readonly number[]): number[] {
  return [...new Set(months)].sort((a, b) => ((a + 8) % 12) - ((b + 8) % 12));
}

/** Every JST month key an interval [start, end) touches. */
export function monthsTouched(startsAt: Date, endsAt: Date): Array<{ year: number; month: number }> {
  const out: Array<{ year: number; month: number }> = [];
  const first = jstParts(startsAt);
  const last = jstParts(new Date(endsAt.getTime() - 1));
  let y = first.year;
  let m = first.month;
  for (;;) {
    out.push({ year: y, month: m });
    if (y === last.year && m === last.month) break;
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
    if (out.length > 24) break;
  }
  return out;
}

/**
 * Why [startsAt, endsAt) does not lie inside the course months of one fiscal year, or null.
 * FY2021's January - February is 2022.
 */
export function courseWindowRefusal(courseCode: string, months: readonly number[], startsAt: Date, endsAt: Date): string | null {
  const touched = monthsTouched(startsAt, endsAt);
  const fy = fiscalYearOf(touched[0].year, touched[0].month);
  const fyEnd = fiscalYearOf(touched[touched.length - 1].year, touched[touched.length - 1].month);
  if (fy !== fyEnd) return `${withArticle(courseCode)} session must lie inside one fiscal year (April - March)`;
  const outside = touched.filter((t) => !months.includes(t.month));
  if (outside.length > 0) {
    const allowed = fiscalOrder(months).map((m) => monthKey(calendarYearOf(fy, m), m)).join(', ');
    return `${courseCode} runs only in ${allowed} in FY${fy}; ${outside.map((t) => monthKey(t.year, t.month)).join(', ')} is outside`;
  }
  return null;
}

/** Days of a JST month. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Year-end and New Year holidays (29 December - 3 January), when no training runs. */
export function isYearEndBreak(month: number, day: number): boolean {
  return (month === 12 && day >= 29) || (month === 1 && day <= 3);
}

/** Monday - Friday, not a national holiday, outside the year-end break and the given blackout days ("YYYY-MM-DD"). */
export function isWorkingDay(d: JstDay, blackout: ReadonlySet<string>): boolean {
  const weekday = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return (
    weekday !== 0 &&
    weekday !== 6 &&
    !isYearEndBreak(d.month, d.day) &&
    !isJapaneseHoliday(d.year, d.month, d.day) &&
    !blackout.has(dayKey(d))
  );
}

export function addDays(d: JstDay, n: number): JstDay {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day) + n * DAY_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}
