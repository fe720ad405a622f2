import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { JobDispatcher, QueueName } from '@app/queue';
import { JobTelemetry } from '@app/telemetry';
import type { Job } from 'bullmq';

/** One BullMQ worker per queue; each only hands the job to its @JobHandler (timed, its ids on every log line). */
// @Injectable() makes TypeScript emit the constructor's parameter types for the subclasses.
@Injectable()
abstract class DispatchingProcessor extends WorkerHost implements OnApplicationBootstrap {
  protected abstract readonly queue: QueueName;
  private readonly logger = new Logger('Worker');

  constructor(
    private readonly dispatcher: JobDispatcher,
    private readonly config: AppConfig,
    private readonly telemetry: JobTelemetry,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.WORKER_CONCURRENCY;
    // BullMQ reports a lost job lock ("Missing lock for job …", a job that outlived its lock on a
    // loaded host) or a dropped Redis connection as an 'error' event; unheard, Node turns it into an
    // uncaught exception that kills the whole worker. The job itself is retried or taken over as stalled.
    this.worker.on('error', (err: Error) => this.logger.warn(`${this.queue} worker: ${err.message}`));
  }

  async process(job: Job): Promise<unknown> {
    return this.telemetry.run(this.queue, job, () => this.dispatcher.dispatch(this.queue, job));
  }
}

// Range jobs are idempotent and can run for a while: a short lock (renewed every 5 s) lets a
// restarted worker take over the job of a killed one within about 15 s instead of a minute.
@Processor(QueueName.Ranges, { lockDuration: 10000, stalledInterval: 5000, maxStalledCount: 3 })
export class RangesProcessor extends DispatchingProcessor {
  protected readonly queue = QueueName.Ranges;
}

@Processor(QueueName.Scenario)
export class ScenarioProcessor extends DispatchingProcessor {
  protected readonly queue = QueueName.Scenario;
}

// Also runs attack steps sent here before the scenario had its own queue (FORMER_JOB_QUEUES).
@Processor(QueueName.Scoring)
export class ScoringProcessor extends DispatchingProcessor {
  protected readonly queue = QueueName.Scoring;
}

@Processor(QueueName.Maintenance)
export class MaintenanceProcessor extends DispatchingProcessor {
  protected readonly queue = QueueName.Maintenance;
}

// Session work (provision due sessions, end-of-session archive) resumes after a killed worker as range jobs do.
@Processor(QueueName.Sessions, { lockDuration: 10000, stalledInterval: 5000, maxStalledCount: 3 })
export class SessionsProcessor extends DispatchingProcessor {
  protected readonly queue = QueueName.Sessions;
}

export const PROCESSORS = [RangesProcessor, ScenarioProcessor, ScoringProcessor, MaintenanceProcessor, SessionsProcessor];
