import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Which of our processes this is; every series carries it, so the API's and the workers' stay apart. */
export type ProcessRole = 'api' | 'worker';
export const PROCESS_ROLE = Symbol('cyder:process-role');

// Range jobs take seconds to minutes; evaluations and HTTP requests milliseconds to seconds.
const JOB_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320];
const WAIT_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * This process's own Prometheus series, on a registry of its own (never prom-client's global
 * one, so an API and a worker in one test process do not mix). Every series is labelled with
 * `host` (INSTANCE_NAME: the engine host the process serves) and `process` (api or worker).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  /** A job's run in a worker, by queue and job name; outcome completed or failed. */
  readonly jobDuration: Histogram<'queue' | 'job' | 'outcome'>;
  /** From when a job was due (added, or its delay over) until a worker took it. */
  readonly jobWait: Histogram<'queue' | 'job'>;
  /** An HTTP request, by route template (e.g. /api/v1/ranges/:id/check-now) and status. */
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly jobsStarted: Counter<'queue' | 'job'>;

  constructor(config: AppConfig, @Inject(PROCESS_ROLE) readonly role: ProcessRole) {
    this.registry.setDefaultLabels({ host: config.INSTANCE_NAME, process: role });
    collectDefaultMetrics({ register: this.registry, prefix: 'cyder_' });
    const registers = [this.registry];
    this.jobDuration = new Histogram({
      name: 'cyder_job_duration_seconds',
      help: 'Time a worker spent on one job (ranges.provision, ranges.reset, ranges.teardown, scoring.evaluate-range, ...)',
      labelNames: ['queue', 'job', 'outcome'],
      buckets: JOB_BUCKETS,
      registers,
    });
    this.jobWait = new Histogram({
      name: 'cyder_job_wait_seconds',
      help: 'Time a job waited from due (added, or its delay over) until a worker took it',
      labelNames: ['queue', 'job'],
      buckets: WAIT_BUCKETS,
      registers,
    });
    this.jobsStarted = new Counter({ name: 'cyder_jobs_started_total', help: 'Jobs taken by a worker', labelNames: ['queue', 'job'], registers });
    this.httpDuration = new Histogram({
      name: 'cyder_http_request_duration_seconds',
      help: 'API request time by route template and status (check-now: route="/api/v1/ranges/:id/check-now")',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers,
    });
  }
}
