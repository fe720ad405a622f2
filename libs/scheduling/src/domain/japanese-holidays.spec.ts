import { japaneseHolidays } from './japanese-holidays.js';

describe('japaneseHolidays', () => {
  it('knows the holidays of FY2021 (with the Olympic moves of 2021)', () => {
    const h2021 = japaneseHolidays(2021);
    for (const d of ['2021-07-22', '2021-07-23', '2021-08-08', '2021-08-09', '2021-09-20', '2021-09-23', '2021-11-03', '2021-11-23']) {
      expect(h2021.has(d)).toBe(true);
    }
    expect(h2021.has('2021-10-11')).toBe(false); // Sports Day moved to 23 July that year
    const h2022 = japaneseHolidays(2022);
    expect([...h2022].filter((d) => d < '2022-04-01').sort()).toEqual(['2022-01-01', '2022-01-10', '2022-02-11', '2022-02-23', '2022-03-21']);
  });

  it('adds substitute and citizens\u2019 holidays', () => {
    expect(japaneseHolidays(2023).has('2023-01-02')).toBe(true); // 1 January was a Sunday
    expect(japaneseHolidays(2026).has('2026-09-22')).toBe(true); // between Respect for the Aged Day and the equinox
    expect(japaneseHolidays(2025).has('2025-02-24')).toBe(true); // 23 February was a Sunday
  });
});
