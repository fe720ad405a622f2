import { nextDayStep, type SessionFacts } from './day-rules.js';

const start = new Date('2030-12-03T01:00:00Z');
const end = new Date('2030-12-03T08:00:00Z');
const timing = { leadMs: 30 * 60_000, graceMs: 10 * 60_000 };
const at = (ms: number) => new Date(start.getTime() + ms);

function facts(patch: Partial<SessionFacts> = {}): SessionFacts {
  return { status: 'closed', startsAt: start, endsAt: end, teams: 2, ranges: null, clock: null, archivedAt: null, waiting: false, hold: false, ...patch };
}
const set = (patch: Partial<NonNullable<SessionFacts['ranges']>> = {}): SessionFacts['ranges'] => ({
  setStatus: 'provisioning',
  live: 2,
  active: 2,
  failed: 0,
  failureReasons: [],
  ...patch,
});

describe('nextDayStep: the session life cycle', () => {
  it('requests a closed session’s ranges once the lead time before its start is reached, not before, never without teams or after its end', () => {
    expect(nextDayStep(facts(), at(-31 * 60_000), timing)).toEqual({ kind: 'none' });
    expect(nextDayStep(facts(), at(-30 * 60_000), timing)).toMatchObject({ kind: 'request-ranges', why: 'pre-provisioning lead time reached' });
    expect(nextDayStep(facts({ teams: 0 }), at(0), timing)).toEqual({ kind: 'none' });
    expect(nextDayStep(facts(), end, timing)).toEqual({ kind: 'none' });
    expect(nextDayStep(facts({ waiting: true }), at(-5 * 3600_000), timing)).toMatchObject({ kind: 'request-ranges', why: 'waiting for host capacity' });
  });

  it('goes provisioning -> ready when every range is ready, and back to closed with the reasons when provisioning failed', () => {
    const p = facts({ status: 'provisioning' });
    expect(nextDayStep({ ...p, ranges: set() }, at(0), timing)).toEqual({ kind: 'none' });
    expect(nextDayStep({ ...p, ranges: set({ setStatus: 'ready', active: 0 }) }, at(0), timing)).toEqual({ kind: 'move', to: 'ready', reason: "every team's range is ready" });
    expect(nextDayStep({ ...p, ranges: set({ setStatus: 'failed', active: 1, failed: 1 }) }, at(0), timing)).toEqual({ kind: 'none' });
    expect(nextDayStep({ ...p, ranges: set({ setStatus: 'failed', active: 0, failed: 1, failureReasons: ['team t1: image missing'] }) }, at(0), timing)).toEqual({
      kind: 'move',
      to: 'closed',
      reason: 'provisioning failed: team t1: image missing',
    });
    // Provisioning that started without ranges (a crash between the two) resumes.
    expect(nextDayStep(p, at(0), timing)).toMatchObject({ kind: 'request-ranges' });
    // Ranges torn down on purpose while provisioning are not requested again: the session is closed again.
    for (const setStatus of ['destroyed', 'scheduled'] as const) {
      expect(nextDayStep({ ...p, ranges: set({ setStatus, live: 0, active: 0 }) }, at(0), timing)).toEqual({
        kind: 'move',
        to: 'closed',
        reason: 'every range was torn down while provisioning',
      });
    }
  });

  it('resumes a failed session when a range is retried, and leaves failed ranges to the operator', () => {
    expect(nextDayStep(facts({ ranges: set({ setStatus: 'provisioning', active: 1, failed: 0 }) }), at(0), timing)).toMatchObject({ kind: 'move', to: 'provisioning' });
    expect(nextDayStep(facts({ ranges: set({ setStatus: 'failed', active: 0, failed: 1 }) }), at(0), timing)).toEqual({ kind: 'none' });
  });

  it('starts the clock at the start, and is running as soon as the clock is (started by an instructor earlier)', () => {
    const r = facts({ status: 'ready', ranges: set({ setStatus: 'ready', active: 0 }) });
    expect(nextDayStep(r, at(-1), timing)).toEqual({ kind: 'none' });
    expect(nextDayStep(r, at(0), timing)).toEqual({ kind: 'start-clock' });
    expect(nextDayStep({ ...r, clock: 'running' }, at(-60_000), timing)).toMatchObject({ kind: 'move', to: 'running' });
  });

  it('finishes at the end or when the clock is stopped, resumes unfinished end-of-session work, and tears down after the grace unless held', () => {
    const running = facts({ status: 'running', clock: 'running', ranges: set({ setStatus: 'ready', active: 0 }) });
    expect(nextDayStep(running, new Date(end.getTime() - 1), timing)).toEqual({ kind: 'none' });
    expect(nextDayStep(running, end, timing)).toMatchObject({ kind: 'finish', why: 'the session reached its end' });
    expect(nextDayStep({ ...running, clock: 'stopped' }, at(0), timing)).toMatchObject({ kind: 'finish', why: 'the scenario clock was stopped' });
    const finished = { ...running, status: 'finished' as const, clock: 'stopped' as const };
    expect(nextDayStep(finished, end, timing)).toMatchObject({ kind: 'finish', why: 'end-of-session work resumed' });
    const archived = { ...finished, archivedAt: end };
    expect(nextDayStep(archived, new Date(end.getTime() + 10 * 60_000 - 1), timing)).toEqual({ kind: 'none' });
    expect(nextDayStep(archived, new Date(end.getTime() + 10 * 60_000), timing)).toMatchObject({ kind: 'teardown' });
    expect(nextDayStep({ ...archived, hold: true }, new Date(end.getTime() + 3600_000), timing)).toEqual({ kind: 'none' });
    expect(nextDayStep({ ...archived, ranges: set({ live: 0, active: 0, setStatus: 'destroyed' }) }, new Date(end.getTime() + 3600_000), timing)).toEqual({ kind: 'none' });
  });

  it('tears a cancelled session’s ranges down', () => {
    expect(nextDayStep(facts({ status: 'cancelled', ranges: set({ setStatus: 'ready', active: 0 }) }), at(0), timing)).toMatchObject({ kind: 'teardown' });
    expect(nextDayStep(facts({ status: 'cancelled' }), at(0), timing)).toEqual({ kind: 'none' });
  });

  it('with a team given extra time: past the session end the other teams’ clocks stop, and it finishes at the last team’s end', () => {
    const r = facts({ status: 'running', clock: 'running', ranges: set({ setStatus: 'ready', active: 0 }) });
    const teamEnds = [
      { rangeId: 'r1', endsAt: new Date(end.getTime() + 10 * 60_000), clock: null },
      { rangeId: 'r2', endsAt: end, clock: null },
    ];
    const after = (ms: number) => new Date(end.getTime() + ms);
    expect(nextDayStep({ ...r, teamEnds }, after(-1), timing)).toEqual({ kind: 'none' });
    expect(nextDayStep({ ...r, teamEnds }, after(0), timing)).toMatchObject({ kind: 'end-team-clocks', rangeIds: ['r2'] });
    // Once r2's own clock is stopped nothing is due until r1's end.
    const stopped = [teamEnds[0]!, { ...teamEnds[1]!, clock: 'stopped' as const }];
    expect(nextDayStep({ ...r, teamEnds: stopped }, after(5 * 60_000), timing)).toEqual({ kind: 'none' });
    expect(nextDayStep({ ...r, teamEnds: stopped }, after(10 * 60_000), timing)).toEqual({ kind: 'finish', why: 'the last extended team reached its end' });
    // Stopping the session clock by hand still ends everything at once.
    expect(nextDayStep({ ...r, clock: 'stopped', teamEnds }, after(-60_000), timing)).toMatchObject({ kind: 'finish' });
    // No extension: the session's end finishes it, as before.
    expect(nextDayStep(r, after(0), timing)).toEqual({ kind: 'finish', why: 'the session reached its end' });
  });
});
