/**
 * Japanese national holidays (国民の祝日) by the rules in force since 2020, with the one-off moves
 * of the Tokyo 2020 Olympics (2021). Equinox days use the usual approximation, valid 1980-2099.
 * Includes substitute holidays (振替休日) and citizens' holidays (国民の休日).
 */
export function japaneseHolidays(year: number): Set<string> {
  return new Set(namedHolidays(year).keys());
}

/** Every national holiday of a year ("YYYY-MM-DD") with its name. */
function namedHolidays(year: number): Map<string, string> {
  const days = new Map<string, string>();
  const add = (month: number, day: number, name: string) => days.set(key(year, month, day), name);
  const nthMonday = (month: number, n: number) => {
    const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
    return 1 + ((8 - first) % 7) + (n - 1) * 7;
  };
  const shift = Math.floor((year - 1980) / 4);
  add(1, 1, "New Year's Day");
  add(1, nthMonday(1, 2), 'Coming of Age Day');
  add(2, 11, 'National Foundation Day');
  if (year >= 2020) add(2, 23, "Emperor's Birthday");
  add(3, Math.floor(20.8431 + 0.242194 * (year - 1980) - shift), 'Vernal Equinox Day');
  add(4, 29, 'Showa Day');
  add(5, 3, 'Constitution Memorial Day');
  add(5, 4, 'Greenery Day');
  add(5, 5, "Children's Day");
  if (year === 2021) {
    add(7, 22, 'Marine Day');
    add(7, 23, 'Sports Day');
    add(8, 8, 'Mountain Day');
  } else {
    add(7, nthMonday(7, 3), 'Marine Day');
    add(8, 11, 'Mountain Day');
    add(10, nthMonday(10, 2), 'Sports Day');
  }
  add(9, nthMonday(9, 3), 'Respect for the Aged Day');
  add(9, Math.floor(23.2488 + 0.242194 * (year - 1980) - shift), 'Autumnal Equinox Day');
  add(11, 3, 'Culture Day');
  add(11, 23, 'Labour Thanksgiving Day');

  const holidays = new Map(days);
  // A weekday between two holidays is a holiday too (happens in September).
  for (const k of [...holidays.keys()]) {
    const next = addDayKey(k, 2);
    const between = addDayKey(k, 1);
    if (holidays.has(next) && !holidays.has(between) && weekday(between) !== 0) holidays.set(between, "Citizens' Holiday");
  }
  // A holiday on a Sunday moves to the next day that is not a holiday.
  for (const k of [...holidays.keys()].sort()) {
    if (weekday(k) !== 0) continue;
    let d = addDayKey(k, 1);
    while (holidays.has(d)) d = addDayKey(d, 1);
    holidays.set(d, `Substitute Holiday for ${holidays.get(k)}`);
  }
  return holidays;
}

function key(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function parse(k: string): Date {
  const [y, m, d] = k.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

function addDayKey(k: string, n: number): string {
  const t = new Date(parse(k).getTime() + n * 86400_000);
  return key(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

function weekday(k: string): number {
  return parse(k).getUTCDay();
}

const cache = new Map<number, Map<string, string>>();

/** The name of the national holiday on a JST day, or null. */
export function japaneseHolidayName(year: number, month: number, day: number): string | null {
  let names = cache.get(year);
  if (!names) {
    names = namedHolidays(year);
    cache.set(year, names);
  }
  return names.get(key(year, month, day)) ?? null;
}

export function isJapaneseHoliday(year: number, month: number, day: number): boolean {
  return japaneseHolidayName(year, month, day) !== null;
}
