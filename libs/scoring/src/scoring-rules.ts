import { answerMatches, type ReportIoc } from '@app/templates';

/** Share of a report objective's points given for the IOCs (checked automatically); the rest is the rubric's. */
export const REPORT_IOC_SHARE = 0.5;

/** The roles the scoring rules know (the access layer's Role values). */
export type ScoringCallerRole = 'operator' | 'instructor' | 'trainee';

/** Who acts: the authenticated principal (id, role and, for a trainee, the team). */
export interface ScoringCaller {
  id: string;
  role: ScoringCallerRole;
  teamId?: string;
}

/** How a report's IOC list was judged. */
export interface IocMatch {
  /** Per expected IOC id: matched by one entry of the list. */
  results: Record<string, boolean>;
  matched: number;
  /** Entries that matched no expected IOC (or one already taken by an earlier entry). */
  wrong: number;
  wrongEntries: string[];
}

/**
 * Matches the submitted IOC list to the expected IOCs one-to-one: each
 * expected IOC is taken by at most one entry and each entry takes at most one
 * IOC (a maximum bipartite matching, so the order of the entries never costs a
 * match). Every entry left over is wrong.
 */
export function matchIocs(iocs: readonly ReportIoc[], given: readonly string[]): IocMatch {
  const candidates = given.map((entry) => iocs.flatMap((ioc, i) => (answerMatches(ioc.normalize, entry, [ioc.expected]) ? [i] : [])));
  const takenBy = new Array<number>(iocs.length).fill(-1);
  const augment = (entry: number, seen: boolean[]): boolean => {
    for (const i of candidates[entry]!) {
      if (seen[i]) continue;
      seen[i] = true;
      if (takenBy[i] === -1 || augment(takenBy[i]!, seen)) {
        takenBy[i] = entry;
        return true;
      }
    }
    return false;
  };
  for (let entry = 0; entry < given.length; entry++) augment(entry, new Array<boolean>(iocs.length).fill(false));
  const used = new Set(takenBy.filter((entry) => entry !== -1));
  const wrongEntries = given.filter((_, entry) => !used.has(entry));
  return {
    results: Object.fromEntries(iocs.map((ioc, i) => [ioc.id, takenBy[i] !== -1])),
    matched: used.size,
    wrong: wrongEntries.length,
    wrongEntries,
  };
}

/** The IOC part of a report's points: what one IOC is worth for each match, and as much off for each wrong entry. */
export function iocPoints(objectivePoints: number, iocCount: number, match: Pick<IocMatch, 'matched' | 'wrong'>): { earned: number; penalty: number; perIoc: number } {
  if (iocCount === 0) return { earned: 0, penalty: 0, perIoc: 0 };
  const share = objectivePoints * REPORT_IOC_SHARE;
  const perIoc = Math.max(1, Math.round(share / iocCount));
  // Spraying must not pay: a wrong entry costs what a right one earns, so guessing at even odds earns nothing.
  return { earned: Math.round((share * match.matched) / iocCount), penalty: perIoc * match.wrong, perIoc };
}

/** Why the caller may not grade a report of this team, or null when they may. */
export function gradeRefusal(grader: Pick<ScoringCaller, 'role' | 'teamId'>, reportTeamId: string): string | null {
  if (grader.teamId !== undefined && grader.teamId === reportTeamId) return 'nobody grades a report of their own team';
  if (grader.role === 'trainee') return 'trainees do not grade reports';
  return null;
}

/**
 * A hold measured in scenario time: since when (scenario ms) the probe has
 * held without interruption, and whether it has held long enough. The clock's
 * scenario time stands still while it is paused, so a pause neither completes
 * a hold nor resets it; nothing is met unless the clock runs.
 */
export function holdProgress(
  before: { holds: boolean; holdingSinceMs: number | null } | undefined,
  holdsNow: boolean,
  scenarioMs: number,
  holdSeconds: number,
  clockRunning: boolean,
): { holdingSinceMs: number | null; due: boolean } {
  if (!holdsNow) return { holdingSinceMs: null, due: false };
  const holdingSinceMs = before?.holds && before.holdingSinceMs !== null ? before.holdingSinceMs : scenarioMs;
  return { holdingSinceMs, due: clockRunning && scenarioMs - holdingSinceMs >= holdSeconds * 1000 };
}
