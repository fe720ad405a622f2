import { InjectFlowProducer, InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { type FlowProducer, type Job, type Queue, QueueEvents } from 'bullmq';
import { bullConnection } from './bull-connection.js';
import {
  jobIdOf,
  jobOptions,
  type JobKeys,
  type OneOffJobName,
  type RepeatableJobName,
  retriesFailed,
  schedulerOptions,
  type SchedulerKeys,
} from './job-options.js';
import { ALL_QUEUES, JOB_QUEUE, type JobDataOf, type JobName, QueueName, queuesOf } from './queue-contract.js';

export const FLOW_PRODUCER = 'cyder-flows';

/** The job states a queue's depth is reported in. */
export const QUEUE_DEPTH_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'waiting-children', 'failed'] as const;
export type QueueDepthState = (typeof QUEUE_DEPTH_STATES)[number];

/** One job to send: its name, typed payload and the domain ids its job id derives from. */
export type JobToSend = {
  [N in OneOffJobName]: { name: N; data: JobDataOf<N>; key: JobKeys[N]; delay?: number };
}[OneOffJobName];

/**
 * The one way to send, find, cancel and wait for a job. The job name picks
 * its queue and payload type; job-options.ts gives its id (from the domain
 * ids, so a repeated request finds the existing job), attempts and backoff.
 */
@Injectable()
export class JobQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Queue');
  private readonly queues: Record<QueueName, Queue>;
  private readonly events = new Map<QueueName, Promise<QueueEvents>>();
  /** Timers of keepScheduled, by scheduler id. */
  private readonly keepers = new Map<string, NodeJS.Timeout>();

  constructor(
    @InjectQueue(QueueName.Ranges) ranges: Queue,
    @InjectQueue(QueueName.Scenario) scenario: Queue,
    @InjectQueue(QueueName.Scoring) scoring: Queue,
    @InjectQueue(QueueName.Maintenance) maintenance: Queue,
    @InjectQueue(QueueName.Sessions) sessions: Queue,
    @InjectFlowProducer(FLOW_PRODUCER) private readonly flows: FlowProducer,
    private readonly config: AppConfig,
  ) {
    this.queues = {
      [QueueName.Ranges]: ranges,
      [QueueName.Scenario]: scenario,
      [QueueName.Scoring]: scoring,
      [QueueName.Maintenance]: maintenance,
      [QueueName.Sessions]: sessions,
    };
  }

  onModuleInit(): void {
    // An unhandled 'error' event would kill the process while Redis is down; log it instead.
    let last = '';
    const log = (err: Error) => {
      if (err.message !== last) this.logger.warn(`queue connection: ${err.message}`);
      last = err.message;
    };
    for (const name of ALL_QUEUES) this.queues[name].on('error', log);
    this.flows.on('error', log);
  }

  /**
   * Sends one job. Sending it again adds nothing (same id); a job whose
   * sending says so (teardown) is retried when it had failed every attempt.
   */
  async add<N extends OneOffJobName>(name: N, data: JobDataOf<N>, key: JobKeys[N], options: { delay?: number } = {}): Promise<Job> {
    const queue = this.queues[JOB_QUEUE[name]];
    const opts = jobOptions(name, key, options);
    if (retriesFailed(name)) {
      const existing = await queue.getJob(opts.jobId);
      if (existing && (await existing.isFailed())) {
        await existing.retry('failed');
        return existing;
      }
    }
    return queue.add(name, data, opts);
  }

  /** Sends a parent job that runs once every child job has finished (children may be delayed). */
  async addFlow(parent: JobToSend, children: JobToSend[]): Promise<void> {
    const node = (job: JobToSend, asChild: boolean) => ({
      name: job.name,
      queueName: JOB_QUEUE[job.name],
      data: job.data,
      opts: jobOptions(job.name, job.key as never, { delay: job.delay, asChild }),
    });
    await this.flows.add({ ...node(parent, false), children: children.map((c) => node(c, true)) });
  }

  /** Repeats a job every everyMs until unscheduled; scheduling it again replaces the schedule. */
  async schedule<N extends RepeatableJobName>(name: N, key: SchedulerKeys[N], data: JobDataOf<N>, everyMs: number): Promise<void> {
    const { schedulerId, opts } = schedulerOptions(name, key);
    await this.queues[JOB_QUEUE[name]].upsertJobScheduler(schedulerId, { every: everyMs }, { name, data, opts });
  }

  /**
   * Schedules a repeatable job and keeps it scheduled: every everyMs this process checks that the
   * scheduler is still in Redis and creates it again when it is not (a Redis restarted without
   * persistence loses it, and with it every reconciler that would have noticed).
   */
  async keepScheduled<N extends RepeatableJobName>(name: N, key: SchedulerKeys[N], data: JobDataOf<N>, everyMs: number): Promise<void> {
    await this.schedule(name, key, data, everyMs);
    const { schedulerId } = schedulerOptions(name, key);
    const queue = this.queues[JOB_QUEUE[name]];
    clearInterval(this.keepers.get(schedulerId));
    const timer = setInterval(() => {
      queue.getJobScheduler(schedulerId).then(
        async (existing) => {
          if (existing) return;
          this.logger.warn(`job scheduler ${schedulerId} was missing from Redis; scheduled again`);
          await this.schedule(name, key, data, everyMs);
        },
        () => undefined, // Redis down: the next round looks again.
      );
    }, everyMs);
    timer.unref();
    this.keepers.set(schedulerId, timer);
  }

  async unschedule<N extends RepeatableJobName>(name: N, key: SchedulerKeys[N]): Promise<boolean> {
    const { schedulerId } = schedulerOptions(name, key);
    clearInterval(this.keepers.get(schedulerId));
    this.keepers.delete(schedulerId);
    return this.queues[JOB_QUEUE[name]].removeJobScheduler(schedulerOptions(name, key).schedulerId);
  }

  /** The job of these domain ids, on its queue (or on a queue it was sent to by an earlier version). */
  async find<N extends OneOffJobName>(name: N, key: JobKeys[N]): Promise<Job<JobDataOf<N>> | undefined> {
    const id = jobIdOf(name, key);
    for (const queue of queuesOf(name)) {
      const job = (await this.queues[queue].getJob(id)) as Job<JobDataOf<N>> | undefined;
      if (job) return job;
    }
    return undefined;
  }

  /** Removes the job of these domain ids if it is still delayed (not yet due); true when removed. */
  async cancel<N extends OneOffJobName>(name: N, key: JobKeys[N]): Promise<boolean> {
    const job = await this.find(name, key);
    if (!job || !(await job.isDelayed())) return false;
    // It may have become due (and been taken) meanwhile: then it stays.
    return job.remove().then(
      () => true,
      () => false,
    );
  }

  /** How many jobs each queue holds in each state (for the operators' metrics). */
  async depths(): Promise<Record<QueueName, Record<QueueDepthState, number>>> {
    const entries = await Promise.all(
      ALL_QUEUES.map(async (name) => [name, (await this.queues[name].getJobCounts(...QUEUE_DEPTH_STATES)) as Record<QueueDepthState, number>] as const),
    );
    return Object.fromEntries(entries) as Record<QueueName, Record<QueueDepthState, number>>;
  }

  /** Waits until the job completes (its return value) or fails (rejects); rejects after timeoutMs. */
  async waitFor(job: Job, timeoutMs: number): Promise<unknown> {
    return job.waitUntilFinished(await this.queueEvents(job.queueName as QueueName), timeoutMs);
  }

  /** One QueueEvents reader per queue, on the same connection settings and prefix as the queues. */
  private queueEvents(name: QueueName): Promise<QueueEvents> {
    let events = this.events.get(name);
    if (!events) {
      const reader = new QueueEvents(name, bullConnection(this.config));
      reader.on('error', (err) => this.logger.warn(`queue events (${name}): ${err.message}`));
      events = reader.waitUntilReady().then(
        () => reader,
        async (err: unknown) => {
          this.events.delete(name);
          await reader.close().catch(() => undefined);
          throw err;
        },
      );
      this.events.set(name, events);
    }
    return events;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.keepers.values()) clearInterval(timer);
    this.keepers.clear();
    const readers = [...this.events.values()];
    this.events.clear();
    await Promise.all(readers.map((r) => r.then((q) => q.close()).catch(() => undefined)));
  }
}
