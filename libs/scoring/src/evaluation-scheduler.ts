import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { JobName, JobQueue } from '@app/queue';
import { AttackStepRunner, type ClockChange, ScenarioClockService } from '@app/scenario';

/** Evaluations never come closer than this in wall time, whatever the speed (at 60x: 30 scenario seconds). */
export const MIN_EVALUATION_WALL_MS = 500;

/**
 * Wall milliseconds between two evaluations of a range whose clock runs at `speed`: every
 * SCORING_EVALUATION_SCENARIO_SECONDS of scenario time, at most SCORING_EVALUATION_INTERVAL_MS of
 * wall time, never below MIN_EVALUATION_WALL_MS.
 */
export function evaluationWallIntervalMs(speed: number, scenarioSeconds: number, maxWallMs: number): number {
  const wall = Math.round((scenarioSeconds * 1000) / Math.max(1, speed));
  return Math.max(MIN_EVALUATION_WALL_MS, Math.min(maxWallMs, wall));
}

/**
 * Scoring's own schedule: a range's check objectives are evaluated every
 * SCORING_EVALUATION_SCENARIO_SECONDS of scenario time while the clock that
 * drives it runs (so a 60x clock is evaluated 60 times as often as a 1x one,
 * and a time metric is late by at most that many scenario seconds at any
 * speed). It follows clock changes in the process that made them (the API,
 * or a test or bench driving the clock directly), right after the attack
 * steps were rescheduled, so the change's request fails if the schedule
 * cannot be written. Attack steps and trainee actions also ask for an
 * evaluation at once (`evaluateSoon`).
 */
@Injectable()
export class EvaluationScheduler implements OnModuleInit {
  constructor(
    private readonly clocks: ScenarioClockService,
    private readonly steps: AttackStepRunner,
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.clocks.onClockChange((change) => this.follow(change));
    this.steps.onStepRun(({ rangeId }) => this.evaluateSoon(rangeId, 'attack-step'));
  }

  /**
   * An evaluation right away, after an attack step ran or a trainee acted: a check that just became
   * true (or false) is seen at once, not at the next scheduled pass. Each step gets its own; a
   * trainee's actions within one second share one.
   */
  async evaluateSoon(rangeId: string, cause: 'attack-step' | 'trainee-action'): Promise<void> {
    const window = cause === 'attack-step' ? Date.now() : Math.floor(Date.now() / 1000);
    await this.jobs.add(JobName.EvaluateRange, { v: 1, rangeId, trigger: cause }, { rangeId, window, cause });
  }

  async follow({ clock, ranges }: ClockChange): Promise<void> {
    for (const range of ranges) {
      if (clock.state === 'running') await this.start(range.id, clock.speed);
      else await this.stop(range.id);
    }
  }

  /** Starts (or re-times, after a speed change) the repeatable evaluation of a range. */
  async start(rangeId: string, speed: number): Promise<void> {
    const everyMs = evaluationWallIntervalMs(speed, this.config.SCORING_EVALUATION_SCENARIO_SECONDS, this.config.SCORING_EVALUATION_INTERVAL_MS);
    await this.jobs.schedule(JobName.EvaluateRange, { rangeId }, { v: 1, rangeId, trigger: 'schedule' }, everyMs);
  }

  async stop(rangeId: string): Promise<void> {
    await this.jobs.unschedule(JobName.EvaluateRange, { rangeId });
  }
}
