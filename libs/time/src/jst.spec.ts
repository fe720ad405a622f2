import { jstDate, jstLabel, jstPeriod, jstWallTime, parseInstant } from './jst.js';

describe('parseInstant', () => {
  it('reads a time without an offset as Japan Standard Time', () => {
    expect(parseInstant('2024-11-19T10:00:00')?.toISOString()).toBe('2024-11-19T01:00:00.000Z');
    expect(parseInstant('2024-11-19T10:00')?.toISOString()).toBe('2024-11-19T01:00:00.000Z');
    expect(parseInstant('2024-11-19T10:00:00.250')?.toISOString()).toBe('2024-11-19T01:00:00.250Z');
    expect(parseInstant('2024-11-19')?.toISOString()).toBe('2024-11-18T15:00:00.000Z');
  });

  it('keeps an explicit offset or Z as written', () => {
    expect(parseInstant('2024-11-19T10:00:00Z')?.toISOString()).toBe('2024-11-19T10:00:00.000Z');
    expect(parseInstant('2024-11-19T10:00:00.000Z')?.toISOString()).toBe('2024-11-19T10:00:00.000Z');
    expect(parseInstant('2024-11-19T10:00:00+09:00')?.toISOString()).toBe('2024-11-19T01:00:00.000Z');
    expect(parseInstant('2024-11-19T10:00:00-0530')?.toISOString()).toBe('2024-11-19T15:30:00.000Z');
  });

  it('refuses what names no instant, never rolling an impossible date over', () => {
    for (const bad of ['', '2024-02-30T10:00:00', '2023-02-29', '2024-11-19T24:00:00', '2024-11-19T10:60', '2024-13-01', '19/11/2024', '2024-11-19T10:00:00+25:00', 'x'.repeat(100), '2024-11-19 10:00']) {
      expect(parseInstant(bad)).toBeNull();
    }
    expect(parseInstant('2024-02-29T00:00:00')).not.toBeNull();
  });
});

describe('JST wall times', () => {
  it('shows an instant as the JST wall time with its offset', () => {
    expect(jstWallTime(new Date('2024-11-19T01:00:00Z'))).toBe('2024-11-19T10:00:00+09:00');
    expect(jstWallTime('2024-12-31T15:00:00Z')).toBe('2025-01-01T00:00:00+09:00');
    expect(jstLabel('2024-11-19T01:00:00Z')).toBe('2024-11-19 10:00 JST');
    expect(jstDate('2024-11-18T15:00:00Z')).toBe('2024-11-19');
    expect(jstPeriod('2024-11-19T01:00:00Z', '2024-11-19T08:00:00Z')).toBe('2024-11-19 10:00-17:00 JST');
    expect(jstPeriod('2024-11-19T01:00:00Z', '2024-11-20T08:00:00Z')).toBe('2024-11-19 10:00 - 2024-11-20 17:00 JST');
  });
});
