import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, rangeHostName } from '@app/config';
import { JobHandler, JobName, JobQueue, type RangeJobData, type ReconcileRangesJobData, type SessionRangesJobData } from '@app/queue';
import type { Job } from 'bullmq';
import { type AttemptInfo, RangeLifecycle } from './range-lifecycle.js';
import { RangeReconciler } from './range-reconciler.js';

function attemptOf(job: Job): AttemptInfo {
  return { lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) };
}

/** Worker side of the range jobs; also schedules the repeatable reconcile job at boot. */
@Injectable()
export class RangeJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger(RangeJobs.name);

  constructor(
    private readonly lifecycle: RangeLifecycle,
    private readonly reconciler: RangeReconciler,
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Each host reconciles itself, on its own queue; the shared schedule of earlier versions goes.
    const host = rangeHostName(this.config);
    await this.jobs.unschedule(JobName.ReconcileRanges, {});
    if (this.config.RANGE_RECONCILE_INTERVAL_MS > 0) {
      await this.jobs.keepScheduled(JobName.ReconcileRanges, { host }, { v: 1 }, this.config.RANGE_RECONCILE_INTERVAL_MS);
      this.logger.log(`range reconciler of host ${host} every ${this.config.RANGE_RECONCILE_INTERVAL_MS} ms`);
    } else {
      await this.jobs.unschedule(JobName.ReconcileRanges, { host });
    }
  }

  @JobHandler(JobName.ProvisionRange)
  provision(data: RangeJobData, job: Job) {
    return this.lifecycle.provision(data.rangeId, attemptOf(job));
  }

  @JobHandler(JobName.ResetRange)
  reset(data: RangeJobData, job: Job) {
    return this.lifecycle.reset(data.rangeId, attemptOf(job));
  }

  @JobHandler(JobName.TeardownRange)
  teardown(data: RangeJobData) {
    return this.lifecycle.teardown(data.rangeId);
  }

  @JobHandler(JobName.ReconcileRanges)
  reconcile(_data: ReconcileRangesJobData) {
    return this.reconciler.reconcile();
  }

  /** Parent of a session's flow: every range job has finished; the set says ready only if every range is. */
  @JobHandler(JobName.CompleteSessionRanges)
  async completeSession(data: SessionRangesJobData) {
    const set = await this.lifecycle.refreshSessionSet(data.sessionId);
    return { sessionId: data.sessionId, status: set?.status ?? 'unknown' };
  }

  @JobHandler(JobName.TeardownSessionRanges)
  teardownSession(data: SessionRangesJobData) {
    return this.lifecycle.teardownSession(data.sessionId);
  }
}
