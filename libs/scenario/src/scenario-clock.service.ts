import { Injectable, Logger } from '@nestjs/common';
import { AttackRunEntity, AuditTrail, CourseEntity, RangeEntity, ScenarioClockEntity, SessionEntity } from '@app/database';
import { JobName, JobQueue, LiveEvents } from '@app/queue';
import type { RangeBlueprint } from '@app/templates';
import { DataSource, In, IsNull, type EntityManager } from 'typeorm';
import {
  idleClock,
  pauseClock,
  resumeClock,
  scenarioNowMs,
  setClockSpeed,
  startClock,
  stopClock,
  wallDelayUntil,
  type ClockSnapshot,
  type ClockState,
} from './clock-math.js';
import { clockRefusal, type ClockAction, type ClockCaller } from './clock-rules.js';
import { ClockForbiddenError, ClockTransitionError, ScenarioNotFoundError } from './errors.js';

export interface ClockScope {
  sessionId: string;
  /** A range's own clock (Online A); the session clock when absent. */
  rangeId?: string;
}

export interface ClockView {
  id: string;
  sessionId: string;
  rangeId: string | null;
  state: ClockSnapshot['state'];
  speed: number;
  scenarioMs: number;
  generation: number;
  updatedAt: Date;
}

/** Scenario time of a range and the state of the clock that drives it (null: no clock yet). */
export interface ScenarioInstant {
  scenarioMs: number | null;
  state: ClockState | null;
}

/** Ranges whose containers exist, so attack steps and probes can run in them. */
export const ACTIVE_RANGE_STATUSES = ['ready', 'degraded'] as const;

/** A clock changed (state, speed or generation): the clock as it is now and the ranges it drives. */
export interface ClockChange {
  clock: ScenarioClockEntity;
  ranges: RangeEntity[];
}

/** Told of every clock change in the process that made it, after the attack steps were rescheduled. */
export type ClockChangeListener = (change: ClockChange) => Promise<void>;

function snapshot(clock: ScenarioClockEntity): ClockSnapshot {
  return { state: clock.state, speed: clock.speed, elapsedMs: clock.elapsedMs, anchorAt: clock.anchorAt, generation: clock.generation };
}

/**
 * Scenario clock control (start, pause, resume, stop, speed) for a session or
 * a single range. The attack steps not yet run are delayed BullMQ jobs at their
 * offsets; every change bumps the clock's generation and reschedules them, so a
 * job of an older generation is removed or, if it still fires, does nothing.
 * Other domains follow the clock through onClockChange (scoring schedules its
 * evaluations there); the scenario knows nothing of them.
 */
@Injectable()
export class ScenarioClockService {
  private readonly logger = new Logger(ScenarioClockService.name);
  private readonly listeners: ClockChangeListener[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly audit: AuditTrail,
    private readonly live: LiveEvents,
  ) {}

  /** Registers a listener (awaited in turn on every change; a failing one fails the change's request). */
  onClockChange(listener: ClockChangeListener): void {
    this.listeners.push(listener);
  }

  view(clock: ScenarioClockEntity, now = new Date()): ClockView {
    return {
      id: clock.id,
      sessionId: clock.sessionId,
      rangeId: clock.rangeId,
      state: clock.state,
      speed: clock.speed,
      scenarioMs: Math.round(scenarioNowMs(snapshot(clock), now)),
      generation: clock.generation,
      updatedAt: clock.updatedAt,
    };
  }

  async get(scope: ClockScope): Promise<ScenarioClockEntity | null> {
    return this.dataSource.manager.findOne(ScenarioClockEntity, {
      where: { sessionId: scope.sessionId, rangeId: scope.rangeId ?? IsNull() },
    });
  }

  /** The view of a session's (or a range's own) clock; ScenarioNotFoundError when it was never started. */
  async current(scope: ClockScope): Promise<ClockView> {
    const clock = await this.get(scope);
    if (!clock) {
      throw new ScenarioNotFoundError(scope.rangeId ? `range ${scope.rangeId} has no scenario clock yet` : `session ${scope.sessionId} has no scenario clock yet`);
    }
    return this.view(clock);
  }

  /** The clock that drives a range: its own when it has one, else its session's. */
  async clockOfRange(range: RangeEntity, manager: EntityManager = this.dataSource.manager): Promise<ScenarioClockEntity | null> {
    const own = await manager.findOne(ScenarioClockEntity, { where: { rangeId: range.id } });
    return own ?? manager.findOne(ScenarioClockEntity, { where: { sessionId: range.sessionId, rangeId: IsNull() } });
  }

  async scenarioMsOfRange(range: RangeEntity, manager?: EntityManager, now = new Date()): Promise<number | null> {
    return (await this.instantOfRange(range, manager, now)).scenarioMs;
  }

  /**
   * Gives a range its own clock, a copy of its session's at this instant (same state, speed, scenario
   * time and generation), so one team can be paused and resumed alone. The session clock's queued
   * steps for the range carry its generation: the next change of the range's clock removes them, and
   * one that still fires finds the range on its own clock and does nothing. Nothing when the range
   * already has its own clock.
   */
  async forkRangeClock(sessionId: string, rangeId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const range = await manager.findOne(RangeEntity, { where: { id: rangeId } });
      if (!range || range.sessionId !== sessionId) throw new ScenarioNotFoundError(`range ${rangeId} does not exist in session ${sessionId}`);
      const session = await manager.findOne(ScenarioClockEntity, { where: { sessionId, rangeId: IsNull() }, lock: { mode: 'pessimistic_read' } });
      if (!session) throw new ScenarioNotFoundError(`session ${sessionId} has no scenario clock yet`);
      await manager
        .createQueryBuilder()
        .insert()
        .into(ScenarioClockEntity)
        .values({ sessionId, rangeId, ...snapshot(session) })
        .orIgnore()
        .execute();
    });
  }

  /** The range's scenario time and whether its clock runs: scoring is frozen while it does not. */
  async instantOfRange(range: RangeEntity, manager?: EntityManager, now = new Date()): Promise<ScenarioInstant> {
    const clock = await this.clockOfRange(range, manager);
    return clock ? { scenarioMs: Math.round(scenarioNowMs(snapshot(clock), now)), state: clock.state } : { scenarioMs: null, state: null };
  }

  /**
   * Changes a clock for the caller. A trainee may only start their own team's
   * self-paced (Online A) range clock; the rest is for instructors and operators.
   */
  async control(scope: ClockScope, action: ClockAction, caller: ClockCaller, speed?: number): Promise<ClockView> {
    const now = new Date();
    const actor = caller.id;
    const { clock, previousGeneration } = await this.dataSource.transaction(async (manager) => {
      if (scope.rangeId) {
        const range = await manager.findOne(RangeEntity, { where: { id: scope.rangeId } });
        // Another team's range answers as one that does not exist.
        if (!range || range.sessionId !== scope.sessionId || (caller.role === 'trainee' && range.teamId !== caller.teamId)) {
          throw new ScenarioNotFoundError(`range ${scope.rangeId} does not exist in session ${scope.sessionId}`);
        }
      } else {
        const ranges = await manager.count(RangeEntity, { where: { sessionId: scope.sessionId } });
        if (ranges === 0) throw new ScenarioNotFoundError(`session ${scope.sessionId} has no ranges`);
      }
      if (caller.role === 'trainee') {
        // Self-paced is the course's (Online A in the catalogue), as scheduling forms its one-trainee teams.
        const session = await manager.findOne(SessionEntity, { where: { id: scope.sessionId }, select: { id: true, courseCode: true } });
        const course = session ? await manager.findOne(CourseEntity, { where: { code: session.courseCode } }) : null;
        const refusal = clockRefusal(caller, action, { rangeClock: Boolean(scope.rangeId), selfPaced: course?.selfPaced === true });
        if (refusal) throw new ClockForbiddenError(refusal);
      }
      await manager
        .createQueryBuilder()
        .insert()
        .into(ScenarioClockEntity)
        .values({ sessionId: scope.sessionId, rangeId: scope.rangeId ?? null, ...idleClock(now) })
        .orIgnore()
        .execute();
      const locked = await manager.findOne(ScenarioClockEntity, {
        where: { sessionId: scope.sessionId, rangeId: scope.rangeId ?? IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      if (!locked) throw new Error('scenario clock row vanished');
      const before = snapshot(locked);
      const after = transition(before, action, now, speed);
      Object.assign(locked, after);
      await manager.save(locked);
      await this.audit.record(
        { actor, action: `scenario.${action}`, subjectType: 'scenario_clock', subjectId: locked.id, details: { ...scope, speed: after.speed } },
        manager,
      );
      return { clock: locked, previousGeneration: before.generation };
    });
    await this.reschedule(clock, previousGeneration);
    await this.live.publish({
      sessionId: clock.sessionId,
      rangeId: clock.rangeId ?? undefined,
      type: 'clock',
      at: now.toISOString(),
      data: { action, state: clock.state, speed: clock.speed },
    });
    return this.view(clock, now);
  }

  /** Ranges the clock drives: its range, or the session's active ranges without their own clock. */
  async rangesOf(clock: ScenarioClockEntity): Promise<RangeEntity[]> {
    if (clock.rangeId) {
      const range = await this.dataSource.manager.findOne(RangeEntity, { where: { id: clock.rangeId } });
      return range && (ACTIVE_RANGE_STATUSES as readonly string[]).includes(range.status) ? [range] : [];
    }
    const ranges = await this.dataSource.manager.find(RangeEntity, {
      where: { sessionId: clock.sessionId, status: In([...ACTIVE_RANGE_STATUSES]) },
    });
    const own = await this.dataSource.manager.find(ScenarioClockEntity, {
      where: { sessionId: clock.sessionId, rangeId: In(ranges.map((r) => r.id)) },
    });
    const withOwnClock = new Set(own.map((c) => c.rangeId));
    return ranges.filter((r) => !withOwnClock.has(r.id));
  }

  /**
   * PostgreSQL holds the clocks; Redis only the delayed jobs derived from them. For every running
   * clock, each attack step not yet run whose job of the clock's generation is gone (a Redis
   * restarted without persistence) is queued again at its offset, and the listeners are told
   * again (they keep their own schedules, e.g. scoring's evaluations). Returns the steps requeued.
   */
  async restoreLostSteps(): Promise<Array<{ rangeId: string; stepId: string }>> {
    const now = new Date();
    const restored: Array<{ rangeId: string; stepId: string }> = [];
    const clocks = await this.dataSource.manager.find(ScenarioClockEntity, { where: { state: 'running' } });
    for (const clock of clocks) {
      const ranges = await this.rangesOf(clock);
      for (const range of ranges) {
        const done = await this.stepsRun(range.id);
        for (const step of (range.blueprint as unknown as RangeBlueprint | null)?.scenario?.attack ?? []) {
          if (done.has(step.id)) continue;
          const key = { rangeId: range.id, stepId: step.id, generation: clock.generation };
          if (await this.jobs.find(JobName.RunAttackStep, key)) continue;
          const delay = wallDelayUntil(snapshot(clock), step.offsetSeconds * 1000, now) ?? 0;
          await this.jobs.add(JobName.RunAttackStep, { v: 1, ...key, clockId: clock.id }, key, { delay });
          restored.push({ rangeId: range.id, stepId: step.id });
        }
      }
      for (const listener of this.listeners) await listener({ clock, ranges });
    }
    if (restored.length) this.logger.warn(`requeued ${restored.length} attack step(s) missing from Redis: ${restored.map((r) => `${r.rangeId}/${r.stepId}`).join(', ')}`);
    return restored;
  }

  private async stepsRun(rangeId: string): Promise<Set<string>> {
    const runs = await this.dataSource.manager.find(AttackRunEntity, { where: { rangeId }, select: { stepId: true } });
    return new Set(runs.map((r) => r.stepId));
  }

  /** Makes the queued attack steps match the clock (steps due later delayed), then tells the listeners. */
  async reschedule(clock: ScenarioClockEntity, previousGeneration: number): Promise<void> {
    const now = new Date();
    const ranges = await this.rangesOf(clock);
    for (const range of ranges) {
      const steps = (range.blueprint as unknown as RangeBlueprint | null)?.scenario?.attack ?? [];
      const done = await this.stepsRun(range.id);
      for (const step of steps) {
        await this.jobs.cancel(JobName.RunAttackStep, { rangeId: range.id, stepId: step.id, generation: previousGeneration });
      }
      if (clock.state !== 'running') continue;
      for (const step of steps.filter((s) => !done.has(s.id))) {
        const delay = wallDelayUntil(snapshot(clock), step.offsetSeconds * 1000, now) ?? 0;
        await this.jobs.add(
          JobName.RunAttackStep,
          { v: 1, rangeId: range.id, stepId: step.id, clockId: clock.id, generation: clock.generation },
          { rangeId: range.id, stepId: step.id, generation: clock.generation },
          { delay },
        );
      }
    }
    for (const listener of this.listeners) await listener({ clock, ranges });
    this.logger.debug(`clock ${clock.id} (${clock.state}, ${clock.speed}x, g${clock.generation}) rescheduled`);
  }
}

function transition(clock: ClockSnapshot, action: ClockAction, now: Date, speed?: number): ClockSnapshot {
  switch (action) {
    case 'start':
      return startClock(clock, now, speed ?? clock.speed);
    case 'pause':
      return pauseClock(clock, now);
    case 'resume':
      return resumeClock(clock, now);
    case 'stop':
      return stopClock(clock, now);
    case 'speed':
      if (speed === undefined) throw new ClockTransitionError('a speed change needs a speed');
      return setClockSpeed(clock, speed, now);
  }
}
