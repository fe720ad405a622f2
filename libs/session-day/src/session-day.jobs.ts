import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { JobHandler, JobName, JobQueue, type SyncSessionJobData, type TickSessionsJobData } from '@app/queue';
import { SessionLifecycle } from './session-lifecycle.js';

/** Worker side of the exercise day; schedules the repeatable tick at boot. */
@Injectable()
export class SessionDayJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger(SessionDayJobs.name);

  constructor(
    private readonly lifecycle: SessionLifecycle,
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.SESSION_TICK_INTERVAL_MS > 0) {
      await this.jobs.keepScheduled(JobName.TickSessions, {}, { v: 1 }, this.config.SESSION_TICK_INTERVAL_MS);
      this.logger.log(`session day tick every ${this.config.SESSION_TICK_INTERVAL_MS} ms`);
    } else {
      await this.jobs.unschedule(JobName.TickSessions, {});
    }
  }

  @JobHandler(JobName.TickSessions)
  tick(_data: TickSessionsJobData) {
    return this.lifecycle.tick();
  }

  @JobHandler(JobName.SyncSession)
  async sync(data: SyncSessionJobData) {
    const steps = await this.lifecycle.sync(data.sessionId);
    return { sessionId: data.sessionId, steps: steps.map((s) => s.kind) };
  }
}
