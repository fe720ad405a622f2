import { Injectable, Logger } from '@nestjs/common';
import { AttackRunEntity, RangeEntity, ScenarioClockEntity, type ScoreEventEntity } from '@app/database';
import type { ExecResult } from '@app/docker';
import { ScoreLedger } from '@app/ledger';
import { LiveEvents } from '@app/queue';
import type { AttackStep } from '@app/templates';
import { DataSource, IsNull } from 'typeorm';
import { scenarioNowMs } from './clock-math.js';
import { RangeScenarios, trimOutput } from './range-scenarios.js';

const PRECONDITION_CONFIRM_DELAY_MS = 500;

export type AttackRunOutcome =
  | { skipped: 'stale-clock' | 'already-ran' | 'unknown-step' }
  | { status: AttackRunEntity['status']; exitCode: number | null };

/** One attack step whose offset the clock (of that generation) has reached. */
export interface DueAttackStep {
  rangeId: string;
  stepId: string;
  clockId: string;
  generation: number;
}

/** Told after an attack step's run was recorded (in the process that ran it); a failure is logged, never the step's. */
export type StepRunListener = (run: { rangeId: string; stepId: string; status: AttackRunEntity['status'] }) => Promise<void>;

/**
 * Runs one attack step in its range when the clock reaches the step's offset.
 * A failing precondition means the defenders closed the hole: the step is
 * recorded as blocked, and blocking earns the team credit.
 */
@Injectable()
export class AttackStepRunner {
  private readonly logger = new Logger(AttackStepRunner.name);
  private readonly listeners: StepRunListener[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly scenarios: RangeScenarios,
    private readonly live: LiveEvents,
    private readonly ledger: ScoreLedger,
  ) {}

  /** Other domains follow the steps here (scoring evaluates the range at once); the scenario knows nothing of them. */
  onStepRun(listener: StepRunListener): void {
    this.listeners.push(listener);
  }

  /**
   * The precondition first (a failing one, confirmed once more, means blocked), then the step
   * itself: what run() records. Public so a template's steps can be tried on a range without a clock.
   */
  async attempt(rangeId: string, step: AttackStep): Promise<{ status: AttackRunEntity['status']; result: ExecResult }> {
    if (step.precondition) {
      const { node, argv, expectExitCode } = step.precondition;
      let pre = await this.scenarios.exec(rangeId, node, argv, step.timeoutSeconds);
      if (pre.exitCode !== expectExitCode) {
        // "Blocked" credits the team, so a single failed probe is not enough: confirm it once.
        this.logger.debug(`range ${rangeId} step ${step.id}: precondition failed (exit ${pre.exitCode}: ${trimOutput(pre, 200)}); confirming`);
        await new Promise((r) => setTimeout(r, PRECONDITION_CONFIRM_DELAY_MS));
        pre = await this.scenarios.exec(rangeId, node, argv, step.timeoutSeconds);
        if (pre.exitCode !== expectExitCode) return { status: 'blocked', result: pre };
      }
    }
    const result = await this.scenarios.exec(rangeId, step.node, step.argv, step.timeoutSeconds);
    return { status: result.exitCode === 0 ? 'executed' : 'failed', result };
  }

  async run(data: DueAttackStep): Promise<AttackRunOutcome> {
    const clock = await this.dataSource.manager.findOne(ScenarioClockEntity, { where: { id: data.clockId } });
    if (!clock || clock.generation !== data.generation || clock.state !== 'running') return { skipped: 'stale-clock' };
    // A range that got its own clock (one team paused by an instructor) no longer follows the session's.
    if (!clock.rangeId && (await this.dataSource.manager.exists(ScenarioClockEntity, { where: { rangeId: data.rangeId } }))) {
      return { skipped: 'stale-clock' };
    }
    return this.runOnce(data.rangeId, data.stepId, clock);
  }

  /**
   * An instructor's inject: the step runs now, whatever the clock says, at the scenario time its range has
   * reached. A step runs once per range (attack_runs is unique by range and step): an inject of a step that
   * already ran, or the step's own scheduled run after an inject, records nothing.
   * A one-off step (checked against the template and rendered for the range by the caller) runs the same
   * way, once per range under its own id, but blocking it earns no credit: an instructor may give it to one
   * team only, and scores stay comparable between teams.
   */
  async inject(rangeId: string, stepId: string, oneOff?: AttackStep): Promise<AttackRunOutcome> {
    const range = await this.dataSource.manager.findOne(RangeEntity, { where: { id: rangeId } });
    if (!range) return { skipped: 'unknown-step' };
    const clock =
      (await this.dataSource.manager.findOne(ScenarioClockEntity, { where: { rangeId } })) ??
      (await this.dataSource.manager.findOne(ScenarioClockEntity, { where: { sessionId: range.sessionId, rangeId: IsNull() } }));
    return this.runOnce(rangeId, stepId, clock, oneOff);
  }

  private async runOnce(rangeId: string, stepId: string, clock: ScenarioClockEntity | null, oneOff?: AttackStep): Promise<AttackRunOutcome> {
    if (await this.dataSource.manager.exists(AttackRunEntity, { where: { rangeId, stepId } })) {
      return { skipped: 'already-ran' };
    }
    const { range, scenario } = await this.scenarios.get(rangeId);
    const step = oneOff ?? scenario.attack.find((s) => s.id === stepId);
    if (!step || step.id !== stepId) return { skipped: 'unknown-step' };

    const ranAt = new Date();
    const scenarioMs = clock ? Math.round(scenarioNowMs(clock, ranAt)) : 0;
    const { status, result } = await this.attempt(range.id, step);
    // The run and its credit commit together: a blocked step is credited exactly once.
    const written = await this.dataSource.transaction(async (manager) => {
      const insert = await manager
        .createQueryBuilder()
        .insert()
        .into(AttackRunEntity)
        .values({ rangeId: range.id, stepId: step.id, status, exitCode: result.exitCode, output: trimOutput(result), scenarioMs, ranAt })
        .orIgnore()
        .returning('id')
        .execute();
      if (insert.raw.length === 0) return null;
      const credit: ScoreEventEntity | null =
        status === 'blocked' && !oneOff ? await this.ledger.creditBlockedStep(manager, range, { stepId: step.id, at: ranAt, scenarioMs }) : null;
      return { credit };
    });
    if (!written) return { skipped: 'already-ran' };
    this.logger.log(`range ${range.id} step ${step.id}: ${status} (exit ${result.exitCode})`);
    await this.live.publish({
      sessionId: range.sessionId,
      rangeId: range.id,
      teamId: range.teamId,
      type: 'attack-step',
      at: ranAt.toISOString(),
      data: { stepId: step.id, status, title: step.title, scenarioMs, ...(oneOff ? { oneOff: true } : {}) },
    });
    if (written.credit) await this.ledger.announce(range, 'step-blocked', { stepId: step.id, points: written.credit.points });
    for (const listener of this.listeners) {
      await listener({ rangeId: range.id, stepId: step.id, status }).catch((err: Error) =>
        this.logger.warn(`range ${range.id} step ${step.id}: a follower failed: ${err.message}`),
      );
    }
    return { status, exitCode: result.exitCode };
  }
}
