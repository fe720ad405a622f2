import { ScoresFrozenError } from './errors.js';
import type { AppConfig } from '@app/config';
import type { LiveEvent, LiveEvents } from '@app/queue';
import type { Objective } from '@app/templates';
import type { EntityManager } from 'typeorm';
import { ScoreLedger } from './score-ledger.js';

type Row = Record<string, unknown> & { id: number };

/**
 * A stand-in for the transaction's EntityManager holding score_events in
 * memory, with the table's two unique rules (one objective_met and one
 * time_bonus per range and objective) and ON CONFLICT DO NOTHING.
 */
function fakeManager(attackRuns: Array<{ rangeId: string; stepId: string; scenarioMs: number }> = [], archivedSessions: string[] = []) {
  const rows: Row[] = [];
  const unique = new Set(['objective_met', 'time_bonus']);
  const manager = {
    createQueryBuilder: () => {
      let values: Record<string, unknown> = {};
      const builder = {
        insert: () => builder,
        into: () => builder,
        values: (v: Record<string, unknown>) => ((values = v), builder),
        orIgnore: () => builder,
        returning: () => builder,
        execute: async () => {
          const clash = rows.some(
            (r) => unique.has(String(values.type)) && r.type === values.type && r.rangeId === values.rangeId && r.objectiveId === values.objectiveId,
          );
          if (clash) return { raw: [] };
          const row = { ...values, id: rows.length + 1 };
          rows.push(row);
          return { raw: [{ id: String(row.id) }] };
        },
      };
      return builder;
    },
    // The freeze check: is the range's session archived?
    query: async (_sql: string, [sessionId]: [string]) => [{ archived: archivedSessions.includes(sessionId) }],
    findOne: async (_entity: unknown, options: { where: { rangeId: string; stepId: string } }) =>
      attackRuns.find((r) => r.rangeId === options.where.rangeId && r.stepId === options.where.stepId) ?? null,
  };
  return { manager: manager as unknown as EntityManager, rows };
}

function ledger(blockedStepPoints = 10) {
  const published: LiveEvent[] = [];
  const live = { publish: async (e: LiveEvent) => void published.push(e) } as unknown as LiveEvents;
  return { ledger: new ScoreLedger(live, { BLOCKED_STEP_POINTS: blockedStepPoints } as AppConfig), published };
}

const range = { id: 'range-1', sessionId: 'session-1', teamId: 'team-1' };
const objective: Objective = {
  id: 'attacker-address',
  phase: 'detect',
  kind: 'answer',
  title: { ja: '攻撃元', en: 'Attacker address' },
  points: 100,
  timeBonus: { points: 50, withinSeconds: 900 },
  hints: [],
};

const running = (scenarioMs: number | null) => ({ scenarioMs, clockRunning: true });

describe('ScoreLedger.meetObjective', () => {
  it('returns the met event and the time bonus it wrote, with their ids', async () => {
    const { manager, rows } = fakeManager();
    const written = await ledger().ledger.meetObjective(manager, range, objective, running(600_000), 'trainee-1', { submitted: '10.0.0.5' });
    expect(written).not.toBeNull();
    expect(written!.met).toMatchObject({
      id: '1',
      sessionId: 'session-1',
      teamId: 'team-1',
      rangeId: 'range-1',
      type: 'objective_met',
      objectiveId: 'attacker-address',
      phase: 'detect',
      points: 100,
      scenarioMs: 600_000,
      actor: 'trainee-1',
      details: { submitted: '10.0.0.5' },
    });
    expect(written!.met.at).toBeInstanceOf(Date);
    expect(written!.timeBonus).toMatchObject({ id: '2', type: 'time_bonus', objectiveId: 'attacker-address', points: 50, scenarioMs: 600_000 });
    expect(rows.map((r) => [r.id, r.type, r.points])).toEqual([
      [1, 'objective_met', 100],
      [2, 'time_bonus', 50],
    ]);
  });

  it('returns the met event without a bonus outside the window, counted from the step the objective follows', async () => {
    const { manager, rows } = fakeManager([{ rangeId: 'range-1', stepId: 'exploit', scenarioMs: 1_000_000 }]);
    const late = await ledger().ledger.meetObjective(manager, range, { ...objective, id: 'late' }, running(901_000), 'trainee-1');
    expect(late).toMatchObject({ met: { type: 'objective_met', objectiveId: 'late' }, timeBonus: null });
    // 1,800 s into the scenario but 800 s after the step it follows: within the 900 s window.
    const after = await ledger().ledger.meetObjective(manager, range, { ...objective, id: 'after', after: 'exploit' }, running(1_800_000), 'trainee-1');
    expect(after?.timeBonus).toMatchObject({ type: 'time_bonus', objectiveId: 'after', points: 50 });
    const noClock = await ledger().ledger.meetObjective(manager, range, { ...objective, id: 'no-clock' }, running(null), 'trainee-1');
    expect(noClock).toMatchObject({ met: { objectiveId: 'no-clock', scenarioMs: null }, timeBonus: null });
    expect(rows.filter((r) => r.type === 'time_bonus').map((r) => r.objectiveId)).toEqual(['after']);
  });

  it('gives no time bonus while the clock does not run (a pause cannot stretch the window)', async () => {
    const { manager, rows } = fakeManager();
    const paused = await ledger().ledger.meetObjective(manager, range, objective, { scenarioMs: 10_000, clockRunning: false }, 'system:scoring');
    expect(paused).toMatchObject({ met: { type: 'objective_met', points: 100, scenarioMs: 10_000 }, timeBonus: null });
    expect(rows.map((r) => r.type)).toEqual(['objective_met']);
  });

  it('returns null and writes nothing when the objective was already met', async () => {
    const { manager, rows } = fakeManager();
    const { ledger: l } = ledger();
    await l.meetObjective(manager, range, objective, running(1000), 'trainee-1');
    expect(await l.meetObjective(manager, range, objective, running(2000), 'trainee-2')).toBeNull();
    expect(rows).toHaveLength(2);
  });

  it("refuses every write once the range's session is archived (frozen scores), and writes nothing", async () => {
    const { manager, rows } = fakeManager([], ['session-1']);
    await expect(ledger().ledger.meetObjective(manager, range, objective, running(1000), 'trainee-1')).rejects.toBeInstanceOf(ScoresFrozenError);
    await expect(ledger().ledger.meetObjective(manager, range, objective, running(1000), 'trainee-1')).rejects.toThrow(/session-1 has finished: its scores are frozen/);
    expect(rows).toHaveLength(0);
  });
});

describe('ScoreLedger.creditBlockedStep', () => {
  it('writes BLOCKED_STEP_POINTS as a contain event, and nothing when blocking earns no points', async () => {
    const { manager, rows } = fakeManager();
    const at = new Date('2026-11-28T01:00:00Z');
    const credit = await ledger(10).ledger.creditBlockedStep(manager, range, { stepId: 'exfil', at, scenarioMs: 300_000 });
    expect(credit).toMatchObject({ type: 'step_blocked', phase: 'contain', points: 10, at, scenarioMs: 300_000, actor: 'system:scenario', details: { stepId: 'exfil' } });
    expect(await ledger(0).ledger.creditBlockedStep(manager, range, { stepId: 'exfil', at, scenarioMs: 300_000 })).toBeNull();
    expect(rows).toHaveLength(1);
  });
});
