import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { AttackRunEntity, RangeEntity, ScoreEventEntity } from '@app/database';
import { LiveEvents } from '@app/queue';
import type { Objective, Phase } from '@app/templates';
import type { EntityManager } from 'typeorm';
import { ScoresFrozenError } from './errors.js';
import type { ScoreEventType } from './team-metrics.js';

export interface NewScoreEvent {
  type: ScoreEventType;
  objectiveId?: string | null;
  phase?: Phase | null;
  points: number;
  scenarioMs: number | null;
  actor: string;
  details?: Record<string, unknown>;
  at?: Date;
}

/** What meeting an objective wrote: the met event and, within the bonus window, the time bonus. */
export interface ObjectiveMet {
  met: ScoreEventEntity;
  timeBonus: ScoreEventEntity | null;
}

/** When something was scored: the scenario time (null before the clock exists) and whether the clock runs. */
export interface ScoringMoment {
  scenarioMs: number | null;
  /** Time bonuses are given only while the clock runs: a pause cannot stretch a bonus window. */
  clockRunning: boolean;
}

/** The range a score event belongs to (its session and team are recorded with it). */
export type LedgerRange = Pick<RangeEntity, 'id' | 'sessionId' | 'teamId'>;

/**
 * The only writer of score_events and the only publisher of score changes.
 * Events are appended inside the caller's transaction; announce() publishes a
 * change once that transaction has committed.
 */
@Injectable()
export class ScoreLedger {
  constructor(
    private readonly live: LiveEvents,
    private readonly config: AppConfig,
  ) {}

  /** Inserts the event; returns null when a unique rule (objective met once, one time bonus) kept it out. */
  async append(manager: EntityManager, range: LedgerRange, event: NewScoreEvent): Promise<ScoreEventEntity | null> {
    // A finished session's scores are frozen (its archive is written under the session row's FOR UPDATE, so
    // this share lock makes a write either land before the archive or see it).
    const [frozen] = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM session_archives a WHERE a.session_id = s.id) AS archived FROM sessions s WHERE s.id = $1 FOR KEY SHARE OF s`,
      [range.sessionId],
    );
    if (frozen?.archived) throw new ScoresFrozenError(`session ${range.sessionId} has finished: its scores are frozen`);
    const values = {
      sessionId: range.sessionId,
      teamId: range.teamId,
      rangeId: range.id,
      type: event.type,
      objectiveId: event.objectiveId ?? null,
      phase: event.phase ?? null,
      points: event.points,
      at: event.at ?? new Date(),
      scenarioMs: event.scenarioMs,
      actor: event.actor,
      details: event.details ?? {},
    };
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(ScoreEventEntity)
      .values(values as never)
      .orIgnore()
      .returning('id')
      .execute();
    const row = (result.raw as Array<{ id: string | number }>)[0];
    return row ? Object.assign(new ScoreEventEntity(), values, { id: String(row.id) }) : null;
  }

  /**
   * Marks an objective met (the first time only) and adds its time bonus when
   * it was met within the bonus window, counted from the scenario start or
   * from the attack step the objective follows, and only while the clock runs.
   * Returns what it wrote, or null when the objective was already met.
   */
  async meetObjective(
    manager: EntityManager,
    range: LedgerRange,
    objective: Objective,
    moment: ScoringMoment,
    actor: string,
    details: Record<string, unknown> = {},
  ): Promise<ObjectiveMet | null> {
    const { scenarioMs } = moment;
    const met = await this.append(manager, range, {
      type: 'objective_met',
      objectiveId: objective.id,
      phase: objective.phase,
      points: objective.points,
      scenarioMs,
      actor,
      details,
    });
    if (!met) return null;
    let timeBonus: ScoreEventEntity | null = null;
    if (objective.timeBonus && scenarioMs !== null && moment.clockRunning) {
      let from = 0;
      if (objective.after) {
        const run = await manager.findOne(AttackRunEntity, { where: { rangeId: range.id, stepId: objective.after } });
        from = run ? run.scenarioMs : 0;
      }
      if (scenarioMs - from <= objective.timeBonus.withinSeconds * 1000) {
        timeBonus = await this.append(manager, range, {
          type: 'time_bonus',
          objectiveId: objective.id,
          phase: objective.phase,
          points: objective.timeBonus.points,
          scenarioMs,
          actor,
        });
      }
    }
    return { met, timeBonus };
  }

  /**
   * Credits the team for an attack step its defenders blocked
   * (BLOCKED_STEP_POINTS, a contain achievement); null when blocking earns nothing.
   */
  async creditBlockedStep(
    manager: EntityManager,
    range: LedgerRange,
    step: { stepId: string; at: Date; scenarioMs: number },
  ): Promise<ScoreEventEntity | null> {
    if (this.config.BLOCKED_STEP_POINTS <= 0) return null;
    return this.append(manager, range, {
      type: 'step_blocked',
      objectiveId: null,
      phase: 'contain',
      points: this.config.BLOCKED_STEP_POINTS,
      at: step.at,
      scenarioMs: step.scenarioMs,
      actor: 'system:scenario',
      details: { stepId: step.stepId },
    });
  }

  /** Publishes a score change to the session's live stream; call it after the transaction that wrote it. */
  async announce(range: LedgerRange, type: string, data: Record<string, unknown>): Promise<void> {
    await this.live.publish({ sessionId: range.sessionId, rangeId: range.id, teamId: range.teamId, type, at: new Date().toISOString(), data });
  }
}
