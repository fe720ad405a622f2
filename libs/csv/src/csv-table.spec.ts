import { csvTable } from './csv-table.js';

const BOM = '\uFEFF';

describe('csvTable', () => {
  it('starts with a UTF-8 byte order mark and ends every record with CRLF', () => {
    const csv = csvTable(['name', 'points'], [['山田 太郎', 10], ['Suzuki', 0]]);
    expect(csv).toBe(`${BOM}name,points\r\n山田 太郎,10\r\nSuzuki,0\r\n`);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('quotes separators, quotes and every kind of line break', () => {
    expect(csvTable(['a', 'b', 'c', 'd'], [['x,y', 'say "hi"', 'two\nlines', 'cr\rhere']])).toBe(
      `${BOM}a,b,c,d\r\n"x,y","say ""hi""","two\nlines","cr\rhere"\r\n`,
    );
  });

  it('neutralises text that a spreadsheet would run as a formula, and keeps numbers numbers', () => {
    const cells = ['=HYPERLINK("http://x")', '+81', '-cmd', '@SUM(A1)', '\tx', '\rx', 'plain', '1+1'];
    const [, row] = csvTable(cells.map((_, i) => `c${i}`), [cells]).split('\r\n');
    expect(row).toBe(`"'=HYPERLINK(""http://x"")",'+81,'-cmd,'@SUM(A1),'\tx,"'\rx",plain,1+1`);
    expect(csvTable(['points'], [[-10]])).toBe(`${BOM}points\r\n-10\r\n`);
  });

  it('writes dates in ISO 8601 and null or undefined as empty', () => {
    expect(csvTable(['at', 'none', 'missing'], [[new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), null, undefined]])).toBe(
      `${BOM}at,none,missing\r\n2026-01-02T03:04:05.000Z,,\r\n`,
    );
  });
});
