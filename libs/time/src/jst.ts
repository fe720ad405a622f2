/**
 * Japan Standard Time: UTC+9 all year (Japan has no daylight saving). Every time the API reads
 * without an offset is a JST wall time, and every response carries JST wall times beside the
 * ISO instants, because operators plan in Japanese local time.
 */
export const JST_OFFSET = '+09:00';
const JST_OFFSET_MS = 9 * 3600_000;

// Date, then optional time (minutes or seconds, optional fraction), then an optional offset.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The instant an ISO 8601 text names, or null when it names none. A text without an offset
 * (`2024-11-19T10:00:00`, or a date alone, its midnight) is read as JST; `Z` or `±HH:MM` as
 * written. Impossible dates (30 February, 25:00) are null, never rolled over.
 */
export function parseInstant(text: string): Date | null {
  if (typeof text !== 'string' || text.length > 40) return null;
  const m = INSTANT.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', offset] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  let offsetMs = JST_OFFSET_MS;
  if (offset === 'Z') offsetMs = 0;
  else if (offset) {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2));
    if (oh > 23 || om > 59) return null;
    offsetMs = sign * (oh * 3600_000 + om * 60_000);
  }
  return new Date(wall - offsetMs);
}

/** `2024-11-19T10:00:00+09:00`: the JST wall time of an instant, with its offset. */
export function jstWallTime(instant: Date | string | number): string {
  const t = new Date(new Date(instant).getTime() + JST_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${t.getUTCFullYear()}-${p(t.getUTCMonth() + 1)}-${p(t.getUTCDate())}T${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}${JST_OFFSET}`;
}

/** `2024-11-19 10:00 JST`: a JST wall time for messages. */
export function jstLabel(instant: Date | string | number): string {
  const wall = jstWallTime(instant);
  return `${wall.slice(0, 10)} ${wall.slice(11, 16)} JST`;
}

/** `2024-11-19`: the JST calendar day of an instant. */
export function jstDate(instant: Date | string | number): string {
  return jstWallTime(instant).slice(0, 10);
}

/** `2024-11-19 10:00-17:00 JST`, or `2024-11-19 10:00 - 2024-11-20 17:00 JST` across days: a period for messages. */
export function jstPeriod(startsAt: Date | string | number, endsAt: Date | string | number): string {
  const a = jstWallTime(startsAt);
  const b = jstWallTime(endsAt);
  if (a.slice(0, 10) === b.slice(0, 10)) return `${a.slice(0, 10)} ${a.slice(11, 16)}-${b.slice(11, 16)} JST`;
  return `${a.slice(0, 10)} ${a.slice(11, 16)} - ${b.slice(0, 10)} ${b.slice(11, 16)} JST`;
}
