import { stringify } from 'csv-stringify/sync';

/** What a cell may hold: text is guarded, numbers and dates are written as values. */
export type CsvCell = string | number | Date | null | undefined;

/**
 * One CSV table as spreadsheets read it (RFC 4180, csv-stringify): a UTF-8 byte order mark (so
 * Excel on a Japanese PC reads the names as UTF-8, not Shift_JIS), CRLF line ends, a field with
 * a separator, a quote or any line break quoted, dates in ISO 8601 (UTC), empty for null. A text
 * cell starting with = + - @, a tab or a carriage return gets a leading ' so a spreadsheet never
 * runs it as a formula; numbers (e.g. negative points) stay numbers.
 */
export function csvTable(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  return stringify([header as string[], ...(rows as CsvCell[][])], {
    bom: true,
    record_delimiter: 'windows',
    escape_formulas: true,
    // A bare \n is no record delimiter for csv-stringify: quote any line break, or Excel splits the row.
    quoted_match: /[\r\n]/,
    cast: { date: (value) => value.toISOString() },
  });
}
