import type { ReportIoc } from '@app/templates';
import { gradeRefusal, holdProgress, iocPoints, matchIocs } from './scoring-rules.js';

const ioc = (id: string, expected: string, normalize: ReportIoc['normalize'] = 'text'): ReportIoc => ({ id, label: { ja: id, en: id }, expected, normalize });
const IOCS = [ioc('ip', '10.0.0.5', 'ip'), ioc('domain', 'evil.example', 'hostname'), ioc('port', '4444', 'number'), ioc('path', '/tmp/.cache/kupd', 'path'), ioc('file', 'customers.csv')];

describe('report IOCs', () => {
  it('matches each expected IOC by at most one entry: repeating a right one earns it once and the repeats are wrong', () => {
    const match = matchIocs(IOCS, ['10.0.0.5', '10.0.0.5', ' 10.0.0.5 ', 'EVIL.example']);
    expect(match).toEqual({ results: { ip: true, domain: true, port: false, path: false, file: false }, matched: 2, wrong: 2, wrongEntries: ['10.0.0.5', ' 10.0.0.5 '] });
  });

  it('finds the most matches whatever the order of the entries (one entry may fit two IOCs)', () => {
    const twins = [ioc('first', 'x'), ioc('second', 'X')];
    // Both entries fit both IOCs (text compares without case): each IOC still goes to one entry.
    expect(matchIocs(twins, ['x', 'X'])).toMatchObject({ matched: 2, wrong: 0 });
    expect(matchIocs([ioc('a', 'same'), ioc('b', 'other')], ['same', 'other', 'same'])).toMatchObject({ matched: 2, wrong: 1 });
  });

  it('spraying does not pay: 15 guesses that hit 4 of 5 IOCs earn less than nothing', () => {
    const guesses = ['10.0.0.5', 'evil.example', '4444', '/tmp/.cache/kupd', ...Array.from({ length: 11 }, (_, i) => `10.0.0.${100 + i}`)];
    const match = matchIocs(IOCS, guesses);
    expect(match).toMatchObject({ matched: 4, wrong: 11 });
    const { earned, penalty, perIoc } = iocPoints(200, IOCS.length, match);
    expect({ earned, penalty, perIoc }).toEqual({ earned: 80, penalty: 220, perIoc: 20 });
    expect(earned - penalty).toBeLessThan(0);
  });

  it('a clean list earns the whole IOC share and costs nothing', () => {
    const match = matchIocs(IOCS, ['10.0.0.5', 'evil.example', '4444', '/tmp/.cache/kupd', 'customers.csv']);
    expect(match.wrong).toBe(0);
    expect(iocPoints(200, IOCS.length, match)).toEqual({ earned: 100, penalty: 0, perIoc: 20 });
    expect(iocPoints(200, 0, { matched: 0, wrong: 3 })).toEqual({ earned: 0, penalty: 0, perIoc: 0 });
  });
});

describe('grading', () => {
  it('nobody grades a report of their own team; trainees grade none; instructors and operators grade', () => {
    expect(gradeRefusal({ role: 'trainee', teamId: 'team-1' }, 'team-1')).toBe('nobody grades a report of their own team');
    expect(gradeRefusal({ role: 'instructor', teamId: 'team-1' }, 'team-1')).toBe('nobody grades a report of their own team');
    expect(gradeRefusal({ role: 'trainee', teamId: 'team-2' }, 'team-1')).toBe('trainees do not grade reports');
    expect(gradeRefusal({ role: 'instructor' }, 'team-1')).toBeNull();
    expect(gradeRefusal({ role: 'operator' }, 'team-1')).toBeNull();
  });
});

describe('holds in scenario time', () => {
  it('a hold completes after holdSeconds of scenario time while the clock runs', () => {
    const first = holdProgress(undefined, true, 10_000, 30, true);
    expect(first).toEqual({ holdingSinceMs: 10_000, due: false });
    expect(holdProgress({ holds: true, holdingSinceMs: 10_000 }, true, 39_999, 30, true).due).toBe(false);
    expect(holdProgress({ holds: true, holdingSinceMs: 10_000 }, true, 40_000, 30, true)).toEqual({ holdingSinceMs: 10_000, due: true });
  });

  it('a pause neither completes a hold nor resets it: scenario time stands still and nothing is due', () => {
    // Paused at scenario 25 s: however long the pause lasts in wall time, scenario time stays 25 s.
    const paused = holdProgress({ holds: true, holdingSinceMs: 10_000 }, true, 25_000, 30, false);
    expect(paused).toEqual({ holdingSinceMs: 10_000, due: false });
    // Even a hold already long enough is not met while paused; it is on the first pass after resume.
    expect(holdProgress({ holds: true, holdingSinceMs: 10_000 }, true, 50_000, 30, false).due).toBe(false);
    expect(holdProgress({ holds: true, holdingSinceMs: 10_000 }, true, 50_000, 30, true).due).toBe(true);
  });

  it('a probe that stops holding starts the hold again', () => {
    expect(holdProgress({ holds: true, holdingSinceMs: 10_000 }, false, 20_000, 30, true)).toEqual({ holdingSinceMs: null, due: false });
    expect(holdProgress({ holds: false, holdingSinceMs: null }, true, 21_000, 30, true)).toEqual({ holdingSinceMs: 21_000, due: false });
    // A row written before holds were kept in scenario time starts over rather than guessing.
    expect(holdProgress({ holds: true, holdingSinceMs: null }, true, 21_000, 0, true)).toEqual({ holdingSinceMs: 21_000, due: true });
  });
});
