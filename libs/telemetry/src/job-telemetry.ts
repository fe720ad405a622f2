import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { Metrics } from './metrics.js';

/** The domain ids a job's payload carries, put on every log line written while it runs. */
export function jobLogFields(queue: string, job: Job): Record<string, string> {
  const fields: Record<string, string> = { queue, job: job.name, jobId: String(job.id ?? '') };
  const data = (job.data ?? {}) as Record<string, unknown>;
  for (const key of ['rangeId', 'sessionId', 'stepId', 'clockId'] as const) {
    if (typeof data[key] === 'string') fields[key] = data[key];
  }
  if (job.attemptsMade > 0) fields.attempt = String(job.attemptsMade + 1);
  return fields;
}

/**
 * Runs a job's handler inside a log context carrying its ids (job, range, session), and times it:
 * how long it waited once due, how long it ran and how it ended.
 */
@Injectable()
export class JobTelemetry {
  constructor(
    private readonly metrics: Metrics,
    private readonly logger: PinoLogger,
  ) {}

  run<T>(queue: string, job: Job, handle: () => Promise<T>): Promise<T> {
    const labels = { queue, job: job.name };
    const dueAt = job.timestamp + (job.delay ?? 0);
    // A retry's wait would include its earlier attempts and backoff: only first attempts count.
    if (job.attemptsMade === 0) this.metrics.jobWait.observe(labels, Math.max(0, Date.now() - dueAt) / 1000);
    this.metrics.jobsStarted.inc(labels);
    const stop = this.metrics.jobDuration.startTimer(labels);
    return this.logger.runInContext(
      () =>
        handle().then(
          (result) => {
            stop({ outcome: 'completed' });
            return result;
          },
          (err: unknown) => {
            stop({ outcome: 'failed' });
            throw err;
          },
        ),
      { bindings: jobLogFields(queue, job) },
    );
  }
}
