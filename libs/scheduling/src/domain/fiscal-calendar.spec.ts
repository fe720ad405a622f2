import { courseWindowRefusal, fiscalOrder, fiscalYearOfInstant, isWorkingDay, jstInstant, jstParts, monthsTouched } from './fiscal-calendar.js';

describe('fiscal calendar (JST, April - March)', () => {
  it('puts January - March in the previous fiscal year', () => {
    expect(fiscalYearOfInstant(jstInstant(2022, 2, 15, 10))).toBe(2021);
    expect(fiscalYearOfInstant(jstInstant(2021, 4, 1, 0))).toBe(2021);
    // The boundary is midnight JST: 15:00 UTC on 31 March.
    expect(fiscalYearOfInstant(new Date('2022-03-31T14:30:00Z'))).toBe(2021);
    expect(fiscalYearOfInstant(new Date('2022-03-31T15:00:00Z'))).toBe(2022);
  });

  it('reads months and days in JST', () => {
    expect(jstParts(new Date('2021-12-31T15:00:00Z'))).toMatchObject({ year: 2022, month: 1, day: 1, hour: 0 });
    expect(monthsTouched(jstInstant(2022, 1, 31, 10), jstInstant(2022, 2, 1, 17))).toEqual([
      { year: 2022, month: 1 },
      { year: 2022, month: 2 },
    ]);
    expect(fiscalOrder([1, 2, 7, 12, 10])).toEqual([7, 10, 12, 1, 2]);
  });

  it("accepts a session inside the course months of one fiscal year and says why otherwise", () => {
    const months = [1, 2];
    expect(courseWindowRefusal('C', months, jstInstant(2022, 1, 17, 10), jstInstant(2022, 1, 18, 17))).toBeNull();
    expect(courseWindowRefusal('C', months, jstInstant(2021, 12, 20, 10), jstInstant(2021, 12, 20, 17))).toBe(
      'C runs only in 2022-01, 2022-02 in FY2021; 2021-12 is outside',
    );
    expect(courseWindowRefusal('C', [3, 4], jstInstant(2022, 3, 31, 10), jstInstant(2022, 4, 1, 17))).toBe(
      'a C session must lie inside one fiscal year (April - March)',
    );
  });

  it('trains on weekdays outside national holidays, the year-end break and the blackout days', () => {
    expect(isWorkingDay({ year: 2022, month: 1, day: 3 }, new Set())).toBe(false); // Monday, New Year break
    expect(isWorkingDay({ year: 2022, month: 1, day: 4 }, new Set())).toBe(true);
    expect(isWorkingDay({ year: 2022, month: 1, day: 8 }, new Set())).toBe(false); // Saturday
    expect(isWorkingDay({ year: 2022, month: 1, day: 10 }, new Set())).toBe(false); // Coming of Age Day
    expect(isWorkingDay({ year: 2022, month: 1, day: 11 }, new Set(['2022-01-11']))).toBe(false);
    expect(isWorkingDay({ year: 2022, month: 1, day: 12 }, new Set())).toBe(true);
  });
});
