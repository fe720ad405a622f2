import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { JobName, JobQueue } from '@app/queue';
import { type ClockChange, ScenarioClockService } from '@app/scenario';

/**
 * Scoring's own schedule: a range's check objectives are evaluated every
 * SCORING_EVALUATION_INTERVAL_MS while the clock that drives it runs. It
 * follows clock changes in the process that made them (the API, or a test or
 * bench driving the clock directly), right after the attack steps were
 * rescheduled, so the change's request fails if the schedule cannot be written.
 */
@Injectable()
export class EvaluationScheduler implements OnModuleInit {
  constructor(
    private readonly clocks: ScenarioClockService,
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.clocks.onClockChange((change) => this.follow(change));
  }

  async follow({ clock, ranges }: ClockChange): Promise<void> {
    for (const range of ranges) {
      if (clock.state === 'running') await this.start(range.id);
      else await this.stop(range.id);
    }
  }

  /** Starts (or re-times) the repeatable evaluation of a range. */
  async start(rangeId: string): Promise<void> {
    await this.jobs.schedule(JobName.EvaluateRange, { rangeId }, { v: 1, rangeId, trigger: 'schedule' }, this.config.SCORING_EVALUATION_INTERVAL_MS);
  }

  async stop(rangeId: string): Promise<void> {
    await this.jobs.unschedule(JobName.EvaluateRange, { rangeId });
  }
}
