import { calendarBreaches, describeBreach, isTrainingDay, trainingDays, type CalendarCourse } from './calendar-rules.js';
import { jstInstant } from './fiscal-calendar.js';

const A: CalendarCourse = { code: 'A', months: [7, 8, 9, 10, 11, 12, 1, 2], durationDays: 1, placement: 'any_prefecture' };
const C: CalendarCourse = { code: 'C', months: [1, 2], durationDays: 2, placement: 'listed_prefectures' };
const ONLINE: CalendarCourse = { code: 'ONLINE-A', months: [7, 8, 9, 10, 11, 12, 1, 2], durationDays: 1, placement: 'online' };
const NOW = new Date('2026-11-29T00:00:00Z');
const day = (y: number, m: number, d: number, days = 1) => [jstInstant(y, m, d, 10), jstInstant(y, m, d + days - 1, 17)] as const;
const rules = (course: CalendarCourse, [s, e]: readonly [Date, Date], now = NOW) => calendarBreaches(course, s, e, now).map((b) => `${b.rule} ${b.date}`);

describe('calendar rules of hand-made sessions', () => {
  it('accepts a weekday of the course months in the future', () => {
    expect(calendarBreaches(A, ...day(2030, 11, 19), NOW)).toEqual([]);
    expect(calendarBreaches(C, ...day(2031, 1, 14, 2), NOW)).toEqual([]);
  });

  it('refuses weekends, national holidays (with their name) and the year-end break, each with its JST day', () => {
    expect(calendarBreaches(A, ...day(2030, 11, 16), NOW)).toEqual([{ rule: 'weekday', date: '2030-11-16', message: '2030-11-16 is a Saturday: sessions run on weekdays only' }]);
    expect(calendarBreaches(A, ...day(2030, 11, 4), NOW)).toEqual([
      { rule: 'holiday', date: '2030-11-04', message: '2030-11-04 is a national holiday (Substitute Holiday for Culture Day)' },
    ]);
    expect(rules(A, day(2030, 12, 30))).toEqual(['year-end 2030-12-30']);
    expect(rules(A, day(2031, 1, 3))).toEqual(['year-end 2031-01-03']);
    expect(rules(A, day(2031, 1, 1))).toEqual(['holiday 2031-01-01', 'year-end 2031-01-01']);
  });

  it("holds a session to the course's length: C 2 consecutive days, the others 1", () => {
    expect(calendarBreaches(A, ...day(2030, 11, 19, 3), NOW)).toEqual([
      { rule: 'length', date: '2030-11-19', message: 'an A session lasts 1 day; this one spans 3 days (2030-11-19 - 2030-11-21)' },
    ]);
    expect(rules(C, day(2031, 1, 14))).toEqual(['length 2031-01-14']);
    // Friday to Monday: the weekend is in it, and it spans 4 days.
    expect(rules(C, [jstInstant(2031, 1, 17, 10), jstInstant(2031, 1, 20, 17)])).toEqual(['weekday 2031-01-18', 'weekday 2031-01-19', 'length 2031-01-17']);
  });

  it('keeps a session inside the course months of one fiscal year', () => {
    expect(calendarBreaches(A, ...day(2030, 4, 16), NOW)).toEqual([
      { rule: 'months', date: '2030-04-16', message: 'A runs only in 2030-07, 2030-08, 2030-09, 2030-10, 2030-11, 2030-12, 2031-01, 2031-02 in FY2030; 2030-04 is outside' },
    ]);
    const across = calendarBreaches({ ...C, months: [3, 4] }, jstInstant(2031, 3, 31, 10), jstInstant(2031, 4, 1, 17), NOW);
    expect(across.map((b) => b.rule)).toEqual(['fiscal-year']);
    expect(across[0].message).toBe('a C session must lie inside one fiscal year (April - March); this one runs from FY2030 into FY2031');
  });

  it('refuses the past, so history needs an override', () => {
    expect(rules(A, day(2024, 11, 19))).toEqual(['past 2024-11-19']);
    expect(describeBreach(calendarBreaches(A, ...day(2024, 11, 19), NOW)[0])).toBe('past 2024-11-19: the session would start in the past (2024-11-19); only an override enters history');
  });

  it('gives online (self-paced) windows only the past, fiscal-year and month rules, as the planner gives them whole months', () => {
    expect(calendarBreaches(ONLINE, jstInstant(2030, 11, 1), jstInstant(2030, 12, 1), NOW)).toEqual([]);
    expect(rules(ONLINE, [jstInstant(2030, 6, 1), jstInstant(2030, 7, 1)])).toEqual(['months 2030-06-01']);
  });
});

describe('training days (the helper tests, benches and the demo pick days with)', () => {
  it('skips weekends, national holidays and 29 December - 3 January, optionally within months', () => {
    expect(trainingDays('2030-12-26', 4)).toEqual(['2030-12-26', '2030-12-27', '2031-01-06', '2031-01-07']);
    expect(trainingDays('2030-11-01', 2)).toEqual(['2030-11-01', '2030-11-05']);
    expect(trainingDays('2030-05-15', 1, [7])).toEqual(['2030-07-01']);
    expect(trainingDays(jstInstant(2030, 7, 13, 10), 2)).toEqual(['2030-07-16', '2030-07-17']); // 15 July 2030 is Marine Day
    expect(isTrainingDay('2030-11-19')).toBe(true);
    expect(isTrainingDay('2030-11-04')).toBe(false);
  });
});
