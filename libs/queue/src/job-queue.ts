import { InjectFlowProducer, InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { type FlowProducer, type Job, Queue, QueueEvents } from 'bullmq';
import { bullConnection, queueDefaults } from './bull-connection.js';
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
import { ALL_QUEUES, HOST_QUEUES, hostQueueName, isHostRouted, JOB_QUEUE, type JobDataOf, type JobName, QueueName, queuesOf } from './queue-contract.js';

export const FLOW_PRODUCER = 'cyder-flows';

/** The job states a queue's depth is reported in. */
export const QUEUE_DEPTH_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'waiting-children', 'failed'] as const;
export type QueueDepthState = (typeof QUEUE_DEPTH_STATES)[number];

/** One job to send: its name, typed payload and the domain ids its job id derives from. */
export type JobToSend = {
  [N in OneOffJobName]: { name: N; data: JobDataOf<N>; key: JobKeys[N]; delay?: number };
}[OneOffJobName];

/** The range host a range is placed on (null: a range of a version before hosts, served from the shared queues). */
export type RangeHostLookup = (rangeId: string) => Promise<string | null>;

/**
 * The one way to send, find, cancel and wait for a job. The job name picks
 * its queue and payload type; job-options.ts gives its id (from the domain
 * ids, so a repeated request finds the existing job), attempts and backoff.
 * A job that touches one range's containers (isHostRouted) goes to the queue
 * of the host that holds the range (hostQueueName), found by the lookup the
 * ranges library installs; a repeatable reconcile names its host in its key.
 */
@Injectable()
export class JobQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Queue');
  private readonly queues: Record<QueueName, Queue>;
  /** Queues of range hosts (`ranges@host-a`), opened when first sent to. */
  private readonly hostQueues = new Map<string, Queue>();
  private readonly events = new Map<string, Promise<QueueEvents>>();
  /** Timers of keepScheduled, by queue and scheduler id. */
  private readonly keepers = new Map<string, NodeJS.Timeout>();
  private rangeHost: RangeHostLookup = async () => null;
  private lastError = '';

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

  // An unhandled 'error' event would kill the process while Redis is down; log it instead.
  private readonly logError = (err: Error) => {
    if (err.message !== this.lastError) this.logger.warn(`queue connection: ${err.message}`);
    this.lastError = err.message;
  };

  onModuleInit(): void {
    for (const name of ALL_QUEUES) this.queues[name].on('error', this.logError);
    this.flows.on('error', this.logError);
  }

  /** Installs how a range's host is found (libs/ranges does, in every process that has ranges). */
  routeRangesBy(lookup: RangeHostLookup): void {
    this.rangeHost = lookup;
  }

  /** A queue by its full name: a shared one, or a host's (opened once, same connection, prefix and retention). */
  private named(name: string): Queue {
    if ((ALL_QUEUES as string[]).includes(name)) return this.queues[name as QueueName];
    let queue = this.hostQueues.get(name);
    if (!queue) {
      queue = new Queue(name, { ...bullConnection(this.config), defaultJobOptions: queueDefaults(this.config) });
      queue.on('error', this.logError);
      this.hostQueues.set(name, queue);
    }
    return queue;
  }

  /** The full name of the queue a job of this name and key goes to. */
  async queueNameOf(name: JobName, key: unknown): Promise<string> {
    const base = JOB_QUEUE[name];
    if (!isHostRouted(name)) return base;
    const k = (key ?? {}) as { rangeId?: string; host?: string };
    const host = k.rangeId ? await this.rangeHost(k.rangeId) : (k.host ?? null);
    return hostQueueName(base, host);
  }

  private async queueOf(name: JobName, key: unknown): Promise<Queue> {
    return this.named(await this.queueNameOf(name, key));
  }

  /**
   * Sends one job. Sending it again adds nothing (same id); a job whose
   * sending says so (teardown) is retried when it had failed every attempt.
   */
  async add<N extends OneOffJobName>(name: N, data: JobDataOf<N>, key: JobKeys[N], options: { delay?: number } = {}): Promise<Job> {
    const queue = await this.queueOf(name, key);
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

  /** Sends a parent job that runs once every child job has finished (children may be delayed, on any host's queue). */
  async addFlow(parent: JobToSend, children: JobToSend[]): Promise<void> {
    const node = async (job: JobToSend, asChild: boolean) => ({
      name: job.name,
      queueName: await this.queueNameOf(job.name, job.key),
      data: job.data,
      opts: jobOptions(job.name, job.key as never, { delay: job.delay, asChild }),
    });
    await this.flows.add({ ...(await node(parent, false)), children: await Promise.all(children.map((c) => node(c, true))) });
  }

  /** Repeats a job every everyMs until unscheduled; scheduling it again replaces the schedule. */
  async schedule<N extends RepeatableJobName>(name: N, key: SchedulerKeys[N], data: JobDataOf<N>, everyMs: number): Promise<void> {
    const { schedulerId, opts } = schedulerOptions(name, key);
    await (await this.queueOf(name, key)).upsertJobScheduler(schedulerId, { every: everyMs }, { name, data, opts });
  }

  /**
   * Schedules a repeatable job and keeps it scheduled: every everyMs this process checks that the
   * scheduler is still in Redis and creates it again when it is not (a Redis restarted without
   * persistence loses it, and with it every reconciler that would have noticed).
   */
  async keepScheduled<N extends RepeatableJobName>(name: N, key: SchedulerKeys[N], data: JobDataOf<N>, everyMs: number): Promise<void> {
    await this.schedule(name, key, data, everyMs);
    const { schedulerId } = schedulerOptions(name, key);
    const queue = await this.queueOf(name, key);
    const keeper = `${queue.name}/${schedulerId}`;
    clearInterval(this.keepers.get(keeper));
    const timer = setInterval(() => {
      queue.getJobScheduler(schedulerId).then(
        async (existing) => {
          if (existing) return;
          this.logger.warn(`job scheduler ${schedulerId} was missing from Redis (${queue.name}); scheduled again`);
          await this.schedule(name, key, data, everyMs);
        },
        () => undefined, // Redis down: the next round looks again.
      );
    }, everyMs);
    timer.unref();
    this.keepers.set(keeper, timer);
  }

  /** Removes the schedule (from its host's queue, and from the shared one an earlier version used); true when one was removed. */
  async unschedule<N extends RepeatableJobName>(name: N, key: SchedulerKeys[N]): Promise<boolean> {
    const { schedulerId } = schedulerOptions(name, key);
    const queue = await this.queueOf(name, key);
    clearInterval(this.keepers.get(`${queue.name}/${schedulerId}`));
    this.keepers.delete(`${queue.name}/${schedulerId}`);
    const removed = await queue.removeJobScheduler(schedulerId);
    const shared = this.queues[JOB_QUEUE[name]];
    if (queue === shared) return removed;
    return (await shared.removeJobScheduler(schedulerId)) || removed;
  }

  /** The job of these domain ids: on its host's queue, else on a shared queue it was sent to by an earlier version. */
  async find<N extends OneOffJobName>(name: N, key: JobKeys[N]): Promise<Job<JobDataOf<N>> | undefined> {
    const id = jobIdOf(name, key);
    const own = await this.queueOf(name, key);
    const shared = queuesOf(name).map((q) => this.queues[q]);
    for (const queue of [own, ...shared.filter((q) => q !== own)]) {
      const job = (await queue.getJob(id)) as Job<JobDataOf<N>> | undefined;
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

  /**
   * A range moved to another host: its delayed jobs (attack steps, evaluations) and its repeatable
   * evaluation move from the old host's queues to the new one's, with their ids and remaining delays.
   * Jobs already waiting or running there stay (they find the range gone from that engine).
   */
  async moveRangeJobs(rangeId: string, from: string | null, to: string): Promise<number> {
    let moved = 0;
    for (const base of [QueueName.Scenario, QueueName.Scoring]) {
      const source = this.named(hostQueueName(base, from));
      const target = this.named(hostQueueName(base, to));
      if (source === target) continue;
      for (const job of await source.getDelayed()) {
        if ((job.data as { rangeId?: string })?.rangeId !== rangeId || job.repeatJobKey) continue;
        const delay = Math.max(0, job.timestamp + (job.opts.delay ?? 0) - Date.now());
        const removed = await job.remove().then(() => true, () => false);
        if (!removed) continue;
        await target.add(job.name, job.data, { ...job.opts, jobId: job.id, delay, parent: undefined });
        moved++;
      }
      for (const scheduler of await source.getJobSchedulers()) {
        if ((scheduler.template?.data as { rangeId?: string } | undefined)?.rangeId !== rangeId || !scheduler.every) continue;
        await source.removeJobScheduler(scheduler.key);
        await target.upsertJobScheduler(scheduler.key, { every: Number(scheduler.every) }, { name: scheduler.name, data: scheduler.template?.data, opts: scheduler.template?.opts });
        moved++;
      }
    }
    return moved;
  }

  /** How many jobs each shared queue, and each of these range hosts' own queues, holds in each state (for the operators' metrics). */
  async depths(hosts: string[] = []): Promise<Record<string, Record<QueueDepthState, number>>> {
    const names = [...ALL_QUEUES, ...hosts.flatMap((host) => HOST_QUEUES.map((q) => hostQueueName(q, host)))];
    const entries = await Promise.all(
      names.map(async (name) => [name, (await this.named(name).getJobCounts(...QUEUE_DEPTH_STATES)) as Record<QueueDepthState, number>] as const),
    );
    return Object.fromEntries(entries);
  }

  /** Waits until the job completes (its return value) or fails (rejects); rejects after timeoutMs. */
  async waitFor(job: Job, timeoutMs: number): Promise<unknown> {
    return job.waitUntilFinished(await this.queueEvents(job.queueName), timeoutMs);
  }

  /** One QueueEvents reader per queue, on the same connection settings and prefix as the queues. */
  private queueEvents(name: string): Promise<QueueEvents> {
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
    const hostQueues = [...this.hostQueues.values()];
    this.hostQueues.clear();
    await Promise.all(hostQueues.map((q) => q.close().catch(() => undefined)));
  }
}
