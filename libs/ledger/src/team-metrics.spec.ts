import { teamMetrics, type LedgerAttackRun, type LedgerEvent } from './team-metrics.js';

const at = new Date('2026-11-28T00:00:00Z');
const ev = (e: Partial<LedgerEvent>): LedgerEvent => ({ type: 'objective_met', objectiveId: null, phase: null, points: 0, at, scenarioMs: null, ...e });
const run = (stepId: string, scenarioMs: number, status: LedgerAttackRun['status'] = 'executed'): LedgerAttackRun => ({ stepId, status, ranAt: at, scenarioMs });

describe('teamMetrics', () => {
  it('rebuilds score, phase points and first-met times from the events alone', () => {
    const events = [
      ev({ objectiveId: 'd1', phase: 'detect', points: 100, scenarioMs: 90_000 }),
      ev({ type: 'time_bonus', objectiveId: 'd1', phase: 'detect', points: 20, scenarioMs: 90_000 }),
      ev({ type: 'answer_wrong', objectiveId: 'a1', phase: 'analyze', points: -10, scenarioMs: 100_000 }),
      ev({ objectiveId: 'a1', phase: 'analyze', points: 50, scenarioMs: 120_000 }),
      ev({ type: 'hint_taken', objectiveId: 'c1', phase: 'contain', points: -5, scenarioMs: 130_000 }),
      ev({ objectiveId: 'c1', phase: 'contain', points: 80, scenarioMs: 200_000 }),
      ev({ objectiveId: 'r1', phase: 'recover', points: 60, scenarioMs: 400_000 }),
      ev({ type: 'step_blocked', phase: 'contain', points: 10, scenarioMs: 300_000 }),
    ];
    const m = teamMetrics(events, [run('recon', 30_000), run('exploit', 60_000), run('exfil', 300_000, 'blocked')]);
    expect(m.score).toBe(100 + 20 - 10 + 50 - 5 + 80 + 60 + 10);
    expect(m.pointsByPhase).toEqual({ detect: 120, analyze: 40, contain: 85, eradicate: 0, recover: 60, report: 0 });
    expect(m.objectivesMet).toEqual(['a1', 'c1', 'd1', 'r1']);
    expect(m.firstMetMs).toEqual({ d1: 90_000, a1: 120_000, c1: 200_000, r1: 400_000 });
    expect(m.timeToDetectSeconds).toBe(60);
    expect(m.timeToContainSeconds).toBe(170);
    expect(m.timeToRecoverSeconds).toBe(370);
    expect(m.wrongAnswers).toBe(1);
    expect(m.hintsTaken).toBe(1);
    expect(m.stepsBlocked).toBe(1);
  });

  it('has no times for a team that met nothing, and none before any attack step ran', () => {
    expect(teamMetrics([], [run('recon', 10_000)])).toMatchObject({ score: 0, objectivesMet: [], timeToDetectSeconds: null });
    expect(teamMetrics([ev({ objectiveId: 'd1', phase: 'detect', points: 5, scenarioMs: 1000 })], []).timeToDetectSeconds).toBeNull();
  });
});
