import { Injectable } from '@nestjs/common';
import { AttackRunEntity, RangeEntity, ScoreEventEntity } from '@app/database';
import { LiveEvents } from '@app/queue';
import type { Objective, Phase } from '@app/templates';
import { DataSource, type EntityManager } from 'typeorm';
import type { ScoreEventType } from './ledger.js';

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

/** Appends score events (inside the caller's transaction) and announces them once committed. */
@Injectable()
export class ScoreLedger {
  constructor(
    private readonly dataSource: DataSource,
    private readonly live: LiveEvents,
  ) {}

  /** Inserts the event; returns false when a unique rule (objective met once) kept it out. */
  async append(manager: EntityManager, range: RangeEntity, event: NewScoreEvent): Promise<ScoreEventEntity | null> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(ScoreEventEntity)
      .values({
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
        details: (event.details ?? {}) as never,
      })
      .orIgnore()
      .returning('*')
      .execute();
    const row = (result.raw as Array<Record<string, unknown>>)[0];
    return row ? manager.create(ScoreEventEntity, { id: String(row.id), ...event, rangeId: range.id } as never) : null;
  }

  /**
   * Marks an objective met (the first time only) and adds its time bonus when
   * it was met within the bonus window, counted from the scenario start or
   * from the attack step the objective follows.
   */
  async meetObjective(
    manager: EntityManager,
    range: RangeEntity,
    objective: Objective,
    scenarioMs: number | null,
    actor: string,
    details: Record<string, unknown> = {},
  ): Promise<boolean> {
    const met = await this.append(manager, range, {
      type: 'objective_met',
      objectiveId: objective.id,
      phase: objective.phase,
      points: objective.points,
      scenarioMs,
      actor,
      details,
    });
    if (!met) return false;
    if (objective.timeBonus && scenarioMs !== null) {
      let from = 0;
      if (objective.after) {
        const run = await manager.findOne(AttackRunEntity, { where: { rangeId: range.id, stepId: objective.after } });
        from = run ? run.scenarioMs : 0;
      }
      if (scenarioMs - from <= objective.timeBonus.withinSeconds * 1000) {
        await this.append(manager, range, {
          type: 'time_bonus',
          objectiveId: objective.id,
          phase: objective.phase,
          points: objective.timeBonus.points,
          scenarioMs,
          actor,
        });
      }
    }
    return true;
  }

  async announce(range: RangeEntity, type: string, data: Record<string, unknown>): Promise<void> {
    await this.live.publish({ sessionId: range.sessionId, rangeId: range.id, teamId: range.teamId, type, at: new Date().toISOString(), data });
  }

  async eventsOf(rangeIds: string[]): Promise<ScoreEventEntity[]> {
    if (rangeIds.length === 0) return [];
    return this.dataSource.manager
      .createQueryBuilder(ScoreEventEntity, 'e')
      .where('e.range_id IN (:...ids)', { ids: rangeIds })
      .orderBy('e.id', 'ASC')
      .getMany();
  }
}
