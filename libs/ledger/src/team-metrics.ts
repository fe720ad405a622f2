import { PHASES, type Phase } from '@app/templates';

/**
 * A team's score is nothing but the sum of its append-only score events; the
 * functions here rebuild every figure the board shows from those events (and
 * the attack runs), so the board, the export and a rebuild always agree.
 */
export const SCORE_EVENT_TYPES = [
  'objective_met',
  'time_bonus',
  'answer_wrong',
  'hint_taken',
  'step_blocked',
  'report_submitted',
  'report_graded',
  'ioc_wrong',
  'instructor_adjustment',
] as const;
export type ScoreEventType = (typeof SCORE_EVENT_TYPES)[number];

export interface LedgerEvent {
  type: ScoreEventType;
  objectiveId: string | null;
  phase: Phase | null;
  points: number;
  at: Date;
  /** Scenario time of the event, when the clock was known. */
  scenarioMs: number | null;
}

export interface LedgerAttackRun {
  stepId: string;
  status: 'executed' | 'blocked' | 'failed';
  ranAt: Date;
  scenarioMs: number;
}

export interface TeamMetrics {
  score: number;
  pointsByPhase: Record<Phase, number>;
  objectivesMet: string[];
  /** First time each objective was met (scenario ms), by objective id. */
  firstMetMs: Record<string, number>;
  /** Scenario seconds from the first executed attack step to the first objective met in the phase. */
  timeToDetectSeconds: number | null;
  timeToContainSeconds: number | null;
  timeToRecoverSeconds: number | null;
  wrongAnswers: number;
  hintsTaken: number;
  stepsBlocked: number;
}

export function emptyPhasePoints(): Record<Phase, number> {
  return Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
}

function firstInPhase(events: LedgerEvent[], phase: Phase): number | null {
  const times = events
    .filter((e) => e.type === 'objective_met' && e.phase === phase && e.scenarioMs !== null)
    .map((e) => e.scenarioMs as number);
  return times.length ? Math.min(...times) : null;
}

export function teamMetrics(events: LedgerEvent[], runs: LedgerAttackRun[]): TeamMetrics {
  const pointsByPhase = emptyPhasePoints();
  let score = 0;
  const firstMetMs: Record<string, number> = {};
  for (const event of events) {
    score += event.points;
    if (event.phase) pointsByPhase[event.phase] += event.points;
    if (event.type === 'objective_met' && event.objectiveId && event.scenarioMs !== null) {
      const previous = firstMetMs[event.objectiveId];
      if (previous === undefined || event.scenarioMs < previous) firstMetMs[event.objectiveId] = event.scenarioMs;
    }
  }
  const executed = runs.filter((r) => r.status === 'executed').map((r) => r.scenarioMs);
  const attackStart = executed.length ? Math.min(...executed) : null;
  const since = (ms: number | null) =>
    ms === null || attackStart === null ? null : Math.max(0, Math.round((ms - attackStart) / 1000));
  return {
    score,
    pointsByPhase,
    objectivesMet: Object.keys(firstMetMs).sort(),
    firstMetMs,
    timeToDetectSeconds: since(firstInPhase(events, 'detect')),
    timeToContainSeconds: since(firstInPhase(events, 'contain')),
    timeToRecoverSeconds: since(firstInPhase(events, 'recover')),
    wrongAnswers: events.filter((e) => e.type === 'answer_wrong').length,
    hintsTaken: events.filter((e) => e.type === 'hint_taken').length,
    stepsBlocked: runs.filter((r) => r.status === 'blocked').length,
  };
}
