import type { RangeSetStatus, SessionStatus } from '@app/database';
import type { ClockState } from '@app/scenario';

/** What is true of one session right now: the input of its next step. */
export interface SessionFacts {
  status: SessionStatus;
  startsAt: Date;
  endsAt: Date;
  teams: number;
  /** The session's ranges, when any were ever requested. */
  ranges: {
    setStatus: RangeSetStatus;
    /** Ranges not destroyed. */
    live: number;
    /** Ranges being worked on: pending, provisioning, resetting. */
    active: number;
    failed: number;
    failureReasons: string[];
  } | null;
  clock: ClockState | null;
  /** When the end-of-session work archived it (null until then). */
  archivedAt: Date | null;
  waiting: boolean;
  hold: boolean;
  /**
   * Each live range's end (the session's end plus its team's extension) and
   * the state of its own clock (null: it follows the session's). Absent: no
   * team was given extra time.
   */
  teamEnds?: TeamEnd[];
}

export interface TeamEnd {
  rangeId: string;
  endsAt: Date;
  clock: ClockState | null;
}

export interface DayTiming {
  leadMs: number;
  graceMs: number;
}

/** The one next step of a session's day; applying it and looking again gives the following one. */
export type DayStep =
  | { kind: 'none' }
  | { kind: 'request-ranges'; why: string }
  | { kind: 'move'; to: SessionStatus; reason: string }
  | { kind: 'start-clock' }
  | { kind: 'finish'; why: string }
  | { kind: 'end-team-clocks'; rangeIds: string[]; why: string }
  | { kind: 'teardown'; why: string };

const NONE: DayStep = { kind: 'none' };

/**
 * The session life cycle as a pure rule: closed (teams formed) -> provisioning
 * when its ranges are requested -> ready when every team's range is ready ->
 * running when the scenario clock starts -> finished when it ends (archived).
 * A failed provisioning goes back to closed with the reasons; a retried range
 * brings it back to provisioning. Cancelled and finished sessions lose their
 * ranges (finished ones after the grace, unless held). A team given extra
 * time keeps running past the session's end: the other teams' clocks stop at
 * the end, and the session finishes when the last extended team's time ends.
 */
export function nextDayStep(f: SessionFacts, now: Date, timing: DayTiming): DayStep {
  const t = now.getTime();
  const r = f.ranges;
  switch (f.status) {
    case 'closed':
      if (r && r.active > 0) return { kind: 'move', to: 'provisioning', reason: 'a range retry resumed provisioning' };
      if (f.teams === 0 || t >= f.endsAt.getTime()) return NONE;
      if (r && r.live > 0) return NONE; // failed ranges wait for the operator's retry
      if (f.waiting) return { kind: 'request-ranges', why: 'waiting for host capacity' };
      if (t >= f.startsAt.getTime() - timing.leadMs) return { kind: 'request-ranges', why: 'pre-provisioning lead time reached' };
      return NONE;
    case 'provisioning':
      // A range set whose every range was torn down (an operator, a scheduled teardown): closed again, nothing re-requested behind their back.
      if (r && r.live === 0) return { kind: 'move', to: 'closed', reason: 'every range was torn down while provisioning' };
      if (!r || r.live === 0) return { kind: 'request-ranges', why: 'provisioning had started without ranges (resumed)' };
      if (r.setStatus === 'ready' && r.active === 0) return { kind: 'move', to: 'ready', reason: "every team's range is ready" };
      if (r.active === 0 && r.failed > 0) {
        return { kind: 'move', to: 'closed', reason: `provisioning failed: ${r.failureReasons.join('; ') || `${r.failed} range(s) failed`}` };
      }
      return NONE;
    case 'ready':
      if (f.clock === 'running' || f.clock === 'paused' || f.clock === 'stopped') {
        return { kind: 'move', to: 'running', reason: 'the scenario clock started' };
      }
      if (t >= f.startsAt.getTime()) return { kind: 'start-clock' };
      return NONE;
    case 'running': {
      if (f.clock === 'stopped') return { kind: 'finish', why: 'the scenario clock was stopped' };
      const ends = f.teamEnds ?? [];
      const lastEnd = Math.max(f.endsAt.getTime(), ...ends.map((e) => e.endsAt.getTime()));
      if (t >= lastEnd) {
        return { kind: 'finish', why: lastEnd > f.endsAt.getTime() ? 'the last extended team reached its end' : 'the session reached its end' };
      }
      // Past the session's end with a team given extra time: the others' clocks stop at their own end.
      if (t >= f.endsAt.getTime()) {
        const over = ends.filter((e) => t >= e.endsAt.getTime() && e.clock !== 'stopped').map((e) => e.rangeId);
        if (over.length) return { kind: 'end-team-clocks', rangeIds: over, why: 'their time ended; other teams were given extra time' };
      }
      return NONE;
    }
    case 'finished':
      if (!f.archivedAt) return { kind: 'finish', why: 'end-of-session work resumed' };
      if (r && r.live > 0 && !f.hold && t >= f.archivedAt.getTime() + timing.graceMs) {
        return { kind: 'teardown', why: 'the grace after the end has passed' };
      }
      return NONE;
    case 'cancelled':
      if (r && r.live > 0) return { kind: 'teardown', why: 'the session was cancelled' };
      return NONE;
    default:
      return NONE;
  }
}
