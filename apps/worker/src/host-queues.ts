import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, rangeHostName } from '@app/config';
import { bullConnection, HOST_QUEUES, hostQueueName, JobDispatcher } from '@app/queue';
import { JobTelemetry } from '@app/telemetry';
import { Worker } from 'bullmq';

/**
 * The BullMQ workers of this worker's own range host: `ranges@<host>`, `scenario@<host>` and
 * `scoring@<host>` (the jobs of the ranges placed on it). Made at boot, since the host name is
 * configuration; settings as the shared queues' processors (processors.ts), jobs to the same handlers.
 */
@Injectable()
export class HostQueueWorkers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private workers: Worker[] = [];

  constructor(
    private readonly dispatcher: JobDispatcher,
    private readonly config: AppConfig,
    private readonly telemetry: JobTelemetry,
  ) {}

  onApplicationBootstrap(): void {
    const host = rangeHostName(this.config);
    this.workers = HOST_QUEUES.map((queue) => {
      const name = hostQueueName(queue, host);
      // Range jobs are taken over quickly after a killed worker, as on the shared ranges queue.
      const locks = queue === 'ranges' ? { lockDuration: 10000, stalledInterval: 5000, maxStalledCount: 3 } : {};
      const worker = new Worker(name, (job) => this.telemetry.run(queue, job, () => this.dispatcher.dispatch(queue, job)), {
        ...bullConnection(this.config),
        concurrency: this.config.WORKER_CONCURRENCY,
        ...locks,
      });
      worker.on('error', (err: Error) => this.logger.warn(`${name} worker: ${err.message}`));
      return worker;
    });
    this.logger.log(`serving range host ${host}: ${this.workers.map((w) => w.name).join(', ')}`);
  }

  /** Stops taking jobs and lets the active ones finish before any module shuts down (the database stays open meanwhile). */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    this.workers = [];
  }
}
