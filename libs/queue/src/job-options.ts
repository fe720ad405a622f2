import type { BackoffOptions, JobsOptions } from 'bullmq';
import { JobName } from './queue-contract.js';

/**
 * How each job of the contract is sent: its job id (or scheduler id) from the
 * domain ids, its attempts and backoff. Ids are part of the persisted contract
 * too: a repeated request derives the same id and BullMQ keeps the job it has
 * instead of adding a second one, so every sender is idempotent.
 */

/** BullMQ refuses ':' in custom job ids; domain ids are joined with '.' instead. */
export function jobId(...parts: Array<string | number>): string {
  return parts.map((p) => String(p).replace(/:/g, '_')).join('.');
}

/** The domain ids a one-off job's id is derived from, per job name. */
export interface JobKeys {
  /** Why the images are ensured (e.g. `boot.<minute>`: concurrent boots add one job). */
  [JobName.EnsureRangeImages]: { reason: string };
  /** generation: the range's provisionGeneration (a retry bumps it). */
  [JobName.ProvisionRange]: { rangeId: string; generation: number };
  /** generation: the range's resetGeneration. */
  [JobName.ResetRange]: { rangeId: string; generation: number };
  [JobName.TeardownRange]: { rangeId: string };
  /** generation: the session range set's generation (one flow per request). */
  [JobName.CompleteSessionRanges]: { sessionId: string; generation: number };
  [JobName.TeardownSessionRanges]: { sessionId: string; generation: number };
  /** generation: the scenario clock's generation the step was scheduled under. */
  [JobName.RunAttackStep]: { rangeId: string; stepId: string; generation: number };
  /**
   * An evaluation asked for at once: a trainee's "check now" (the default), or right after an
   * attack step ran or a trainee acted; window: requests of one cause within one window share one job.
   */
  [JobName.EvaluateRange]: { rangeId: string; window: number; cause?: 'attack-step' | 'trainee-action' | 'health' };
  /** reason: what changed (e.g. the range set's status and generation), so each change syncs once. */
  [JobName.SyncSession]: { sessionId: string; reason: string };
  /** injectId: one per instructor request (or the caller's idempotency key). */
  [JobName.InjectAttackStep]: { injectId: string; rangeId: string };
}

/** The domain ids a repeatable job's scheduler id is derived from, per job name. */
export interface SchedulerKeys {
  /** host: the range host whose queue it repeats on (each worker reconciles its own); the shared queue when absent (earlier versions). */
  [JobName.ReconcileRanges]: { host?: string };
  [JobName.ReconcileScenario]: Record<string, never>;
  /** Evaluation of one range's check objectives while its clock runs. */
  [JobName.EvaluateRange]: { rangeId: string };
  [JobName.TickSessions]: Record<string, never>;
}

export type OneOffJobName = keyof JobKeys;
export type RepeatableJobName = keyof SchedulerKeys;

export type JobSending<N extends JobName> = {
  attempts: number;
  backoff?: BackoffOptions;
  /** As a child of a flow, a failure still lets the parent run (it judges the children itself). */
  ignoreDependencyOnFailure?: true;
  /** Sending it again while the job of the same id has failed every attempt retries that job. */
  retryFailed?: true;
} & (N extends OneOffJobName ? { id: (key: JobKeys[N]) => string } : { id?: never }) &
  (N extends RepeatableJobName ? { schedulerId: (key: SchedulerKeys[N]) => string } : { schedulerId?: never });

const RETRY_SOON: BackoffOptions = { type: 'exponential', delay: 2000 };

export const JOB_SENDING: { [N in JobName]: JobSending<N> } = {
  [JobName.EnsureRangeImages]: {
    id: (k) => jobId('ensure-range-images', k.reason),
    attempts: 3,
    backoff: RETRY_SOON,
  },
  [JobName.ProvisionRange]: {
    id: (k) => jobId('range', k.rangeId, 'provision', k.generation),
    attempts: 3,
    backoff: RETRY_SOON,
    ignoreDependencyOnFailure: true,
  },
  [JobName.ResetRange]: {
    id: (k) => jobId('range', k.rangeId, 'reset', k.generation),
    attempts: 3,
    backoff: RETRY_SOON,
  },
  [JobName.TeardownRange]: {
    id: (k) => jobId('range', k.rangeId, 'teardown'),
    // A network with active endpoints can take a while to let go.
    attempts: 5,
    backoff: { type: 'exponential', delay: 5000 },
    retryFailed: true,
  },
  [JobName.ReconcileRanges]: {
    schedulerId: () => 'ranges.reconcile',
    // The next run comes soon anyway.
    attempts: 1,
  },
  [JobName.ReconcileScenario]: {
    schedulerId: () => 'scenario.reconcile',
    attempts: 1,
  },
  [JobName.CompleteSessionRanges]: {
    id: (k) => jobId('range-set', k.sessionId, k.generation),
    attempts: 3,
    backoff: RETRY_SOON,
  },
  [JobName.TeardownSessionRanges]: {
    id: (k) => jobId('range-set', k.sessionId, 'teardown', k.generation),
    attempts: 3,
    backoff: RETRY_SOON,
  },
  [JobName.RunAttackStep]: {
    id: (k) => jobId('attack', k.rangeId, k.stepId, `g${k.generation}`),
    attempts: 2,
    backoff: RETRY_SOON,
  },
  [JobName.EvaluateRange]: {
    id: (k) => (k.cause ? jobId('evaluate', k.cause, k.rangeId, k.window) : jobId('check-now', k.rangeId, k.window)),
    schedulerId: (k) => jobId('evaluate', k.rangeId),
    // A repeatable evaluation comes again in seconds; a "check now" is answered with what there is.
    attempts: 1,
  },
  [JobName.TickSessions]: {
    schedulerId: () => 'sessions.tick',
    // The next tick comes soon and picks up where this one stopped.
    attempts: 1,
  },
  [JobName.SyncSession]: {
    id: (k) => jobId('session', k.sessionId, 'sync', k.reason),
    attempts: 3,
    backoff: RETRY_SOON,
  },
  [JobName.InjectAttackStep]: {
    id: (k) => jobId('inject', k.injectId, k.rangeId),
    attempts: 2,
    backoff: RETRY_SOON,
  },
};

function sending(name: JobName): { id?: (key: unknown) => string; schedulerId?: (key: unknown) => string } & Omit<JobSending<JobName>, 'id' | 'schedulerId'> {
  return JOB_SENDING[name] as never;
}

function retryOptions(name: JobName): Pick<JobsOptions, 'attempts' | 'backoff'> {
  const { attempts, backoff } = sending(name);
  return backoff ? { attempts, backoff } : { attempts };
}

/** BullMQ options of one job: its id from the domain ids, attempts, backoff and an optional delay. */
export function jobOptions<N extends OneOffJobName>(
  name: N,
  key: JobKeys[N],
  extra: { delay?: number; asChild?: boolean } = {},
): JobsOptions & { jobId: string } {
  const s = sending(name);
  return {
    jobId: s.id!(key),
    ...retryOptions(name),
    ...(extra.delay ? { delay: extra.delay } : {}),
    ...(extra.asChild && s.ignoreDependencyOnFailure ? { ignoreDependencyOnFailure: true } : {}),
  };
}

/** The id of a one-off job, from its domain ids. */
export function jobIdOf<N extends OneOffJobName>(name: N, key: JobKeys[N]): string {
  return sending(name).id!(key);
}

/** The scheduler id of a repeatable job, and the options of each job it produces. */
export function schedulerOptions<N extends RepeatableJobName>(
  name: N,
  key: SchedulerKeys[N],
): { schedulerId: string; opts: Pick<JobsOptions, 'attempts' | 'backoff'> } {
  return { schedulerId: sending(name).schedulerId!(key), opts: retryOptions(name) };
}

/** Whether a job of an existing id that failed every attempt is retried when sent again. */
export function retriesFailed(name: JobName): boolean {
  return sending(name).retryFailed === true;
}
