import { Injectable } from '@nestjs/common';
import { RangeEntity } from '@app/database';
import { JobQueue, RedisClient } from '@app/queue';
import { AppConfig } from '@app/config';
import { AggregatorRegistry, Gauge, type MetricObjectWithValues, type MetricValue, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { Metrics } from './metrics.js';
import { type WorkerSnapshot, workerSnapshotsKey } from './worker-metrics.js';

type MetricsJson = Array<MetricObjectWithValues<MetricValue<string>>>;

/**
 * What operators scrape from the API: the API's own series, every live worker's last snapshot
 * (from Redis) and, read at scrape time, the queue depths (Redis) and the ranges by state
 * (PostgreSQL). One exposition, series told apart by their host and process labels.
 */
@Injectable()
export class OperationsMetrics {
  private readonly scraped = new Registry();
  private readonly queueJobs: Gauge<'queue' | 'state'>;
  private readonly ranges: Gauge<'state'>;
  private readonly workers: Gauge;
  private readonly sourceUp: Gauge<'source'>;

  constructor(
    private readonly metrics: Metrics,
    private readonly jobs: JobQueue,
    private readonly redis: RedisClient,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    this.scraped.setDefaultLabels({ host: config.INSTANCE_NAME });
    const registers = [this.scraped];
    this.queueJobs = new Gauge({ name: 'cyder_queue_jobs', help: 'Jobs in each queue by state', labelNames: ['queue', 'state'], registers });
    this.ranges = new Gauge({ name: 'cyder_ranges', help: 'Ranges by state (destroyed ones excluded)', labelNames: ['state'], registers });
    this.workers = new Gauge({ name: 'cyder_workers_reporting', help: 'Workers whose metrics snapshot is live in Redis', registers });
    this.sourceUp = new Gauge({
      name: 'cyder_metrics_source_up',
      help: 'Whether the last scrape could read each source (redis: queues and workers, database: ranges)',
      labelNames: ['source'],
      registers,
    });
  }

  get contentType(): string {
    return this.metrics.registry.contentType;
  }

  async render(): Promise<string> {
    // A source that is down leaves its series out and says so; the rest is still served.
    const [workerSnapshots, queuesRead, rangesRead] = await Promise.all([
      this.workerSnapshots().catch(() => undefined),
      this.readQueues().then(() => true, () => false),
      this.readRanges().then(() => true, () => false),
    ]);
    this.sourceUp.set({ source: 'redis' }, workerSnapshots && queuesRead ? 1 : 0);
    this.sourceUp.set({ source: 'database' }, rangesRead ? 1 : 0);
    this.workers.set(workerSnapshots?.length ?? 0);
    const merged = AggregatorRegistry.aggregate([
      await this.metrics.registry.getMetricsAsJSON(),
      await this.scraped.getMetricsAsJSON(),
      ...(workerSnapshots ?? []),
    ] as MetricsJson[]);
    return merged.metrics();
  }

  private async readQueues(): Promise<void> {
    this.queueJobs.reset();
    // Each registered range host's own queues too (ranges@<host>, ...): their depths are per host.
    const hosts = await this.dataSource.query(`SELECT name FROM range_hosts ORDER BY name`).then(
      (rows: Array<{ name: string }>) => rows.map((r) => r.name),
      () => [] as string[],
    );
    const depths = await this.jobs.depths(hosts);
    for (const [queue, states] of Object.entries(depths)) {
      for (const [state, count] of Object.entries(states)) this.queueJobs.set({ queue, state }, count);
    }
  }

  private async readRanges(): Promise<void> {
    this.ranges.reset();
    const rows: Array<{ status: string; n: string }> = await this.dataSource
      .getRepository(RangeEntity)
      .createQueryBuilder('r')
      .select('r.status', 'status')
      .addSelect('count(*)', 'n')
      .where(`r.status <> 'destroyed'`)
      .groupBy('r.status')
      .getRawMany();
    for (const row of rows) this.ranges.set({ state: row.status }, Number(row.n));
  }

  /** The live workers' snapshots; expired ones (a worker gone for three push intervals) are dropped. */
  private async workerSnapshots(): Promise<MetricsJson[]> {
    const key = workerSnapshotsKey(this.config.REDIS_PREFIX);
    const all = await this.redis.redis.hgetall(key);
    const now = Date.now();
    const live: MetricsJson[] = [];
    const expired: string[] = [];
    for (const [field, value] of Object.entries(all)) {
      const snapshot = JSON.parse(value) as WorkerSnapshot;
      if (snapshot.expiresAt < now) expired.push(field);
      else live.push(snapshot.metrics as MetricsJson);
    }
    if (expired.length) await this.redis.redis.hdel(key, ...expired);
    return live;
  }
}
