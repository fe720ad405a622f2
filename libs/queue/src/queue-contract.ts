/**
 * The persisted queue contract: queue names, job names and their payloads.
 * Jobs outlive deployments in Redis, so names never change meaning; a payload
 * change that old workers cannot read gets a new `v` and both are handled.
 * How each job is sent (its id, attempts, backoff) is in job-options.ts.
 */
export enum QueueName {
  /** Range lifecycle: provision, reset, teardown, reconcile. */
  Ranges = 'ranges',
  /** Scenario: attack steps run when the clock reaches them. */
  Scenario = 'scenario',
  /** Scoring: evaluations of check objectives (repeatable, and "check now"). */
  Scoring = 'scoring',
  /** Housekeeping: range images and other host-level chores. */
  Maintenance = 'maintenance',
  /** The exercise day: sessions moved along their life cycle (provision, start, finish, archive, tear down). */
  Sessions = 'sessions',
}

export enum JobName {
  /** Build every range image under docker/images that the engine does not have yet. */
  EnsureRangeImages = 'maintenance.ensure-range-images',
  /** Create (or complete) one range's networks and containers, up to ready. */
  ProvisionRange = 'ranges.provision',
  /** Remove one range's containers and networks and release its subnets. */
  TeardownRange = 'ranges.teardown',
  /** Put one range back to T0 in place: same blueprint, variables and addresses. */
  ResetRange = 'ranges.reset',
  /** Compare labelled containers and networks with PostgreSQL (repeatable). */
  ReconcileRanges = 'ranges.reconcile',
  /** Parent of a session's provisioning flow: runs once every range job of the flow has finished. */
  CompleteSessionRanges = 'ranges.session-complete',
  /** Tear down every range of a session (scheduled at the session's end). */
  TeardownSessionRanges = 'ranges.session-teardown',
  /** Run one attack step of a range's scenario when the clock reaches its offset. */
  RunAttackStep = 'scenario.run-attack-step',
  /** Compare running clocks with the queued attack steps; reschedule the ones Redis lost (repeatable). */
  ReconcileScenario = 'scenario.reconcile',
  /** Evaluate a range's check objectives (repeatable while its clock runs, and on "check now"). */
  EvaluateRange = 'scoring.evaluate-range',
  /** Look at every session that has something due and move it along its day (repeatable). */
  TickSessions = 'sessions.tick',
  /** Move one session along its day now (sent when its ranges change). */
  SyncSession = 'sessions.sync',
  /** An instructor's manual inject: run one attack step of one range now, once. */
  InjectAttackStep = 'scenario.inject',
}

export interface EnsureRangeImagesJobData {
  v: 1;
  /** Image names to ensure; all of docker/images when omitted. */
  images?: string[];
}

export interface RangeJobData {
  v: 1;
  rangeId: string;
}

export interface ReconcileRangesJobData {
  v: 1;
}

export interface ReconcileScenarioJobData {
  v: 1;
}

export interface SessionRangesJobData {
  v: 1;
  sessionId: string;
}

export interface RunAttackStepJobData {
  v: 1;
  rangeId: string;
  stepId: string;
  /** The clock generation the job was scheduled under; a job of an older generation does nothing. */
  clockId: string;
  generation: number;
}

export interface EvaluateRangeJobData {
  v: 1;
  rangeId: string;
  /** Why: the repeatable evaluation, a trainee's "check now", an attack step that just ran, a trainee's action, or the reconciler's live health check of a range whose clock is not running. */
  trigger: 'schedule' | 'check-now' | 'attack-step' | 'trainee-action' | 'health';
}

export interface TickSessionsJobData {
  v: 1;
}

export interface SyncSessionJobData {
  v: 1;
  sessionId: string;
}

export interface InjectAttackStepJobData {
  v: 1;
  /** The inject as the instructor asked for it (one id for every range it targets). */
  injectId: string;
  rangeId: string;
  stepId: string;
  actor: string;
  /** A one-off step (not one of the template's), checked against the template and rendered for this range; absent: the template's step stepId. */
  oneOff?: OneOffAttackStepData;
}

/** An instructor's one-off attack step, as the template language gives a step (defaults applied, ${...} substituted). */
export interface OneOffAttackStepData {
  id: string;
  node: string;
  argv: string[];
  title: { ja: string; en: string };
  stage?: string;
  precondition?: { node: string; argv: string[]; expectExitCode: number };
  timeoutSeconds: number;
}

/** Which queue each job runs on and the type of its payload. */
export interface JobContract {
  [JobName.EnsureRangeImages]: { queue: QueueName.Maintenance; data: EnsureRangeImagesJobData };
  [JobName.ProvisionRange]: { queue: QueueName.Ranges; data: RangeJobData };
  [JobName.TeardownRange]: { queue: QueueName.Ranges; data: RangeJobData };
  [JobName.ResetRange]: { queue: QueueName.Ranges; data: RangeJobData };
  [JobName.ReconcileRanges]: { queue: QueueName.Ranges; data: ReconcileRangesJobData };
  [JobName.CompleteSessionRanges]: { queue: QueueName.Ranges; data: SessionRangesJobData };
  [JobName.TeardownSessionRanges]: { queue: QueueName.Ranges; data: SessionRangesJobData };
  [JobName.RunAttackStep]: { queue: QueueName.Scenario; data: RunAttackStepJobData };
  [JobName.ReconcileScenario]: { queue: QueueName.Scenario; data: ReconcileScenarioJobData };
  [JobName.EvaluateRange]: { queue: QueueName.Scoring; data: EvaluateRangeJobData };
  [JobName.TickSessions]: { queue: QueueName.Sessions; data: TickSessionsJobData };
  [JobName.SyncSession]: { queue: QueueName.Sessions; data: SyncSessionJobData };
  [JobName.InjectAttackStep]: { queue: QueueName.Scenario; data: InjectAttackStepJobData };
}

export type JobDataOf<N extends JobName> = JobContract[N]['data'];

export const JOB_QUEUE: { [N in JobName]: JobContract[N]['queue'] } = {
  [JobName.EnsureRangeImages]: QueueName.Maintenance,
  [JobName.ProvisionRange]: QueueName.Ranges,
  [JobName.TeardownRange]: QueueName.Ranges,
  [JobName.ResetRange]: QueueName.Ranges,
  [JobName.ReconcileRanges]: QueueName.Ranges,
  [JobName.CompleteSessionRanges]: QueueName.Ranges,
  [JobName.TeardownSessionRanges]: QueueName.Ranges,
  [JobName.RunAttackStep]: QueueName.Scenario,
  [JobName.ReconcileScenario]: QueueName.Scenario,
  [JobName.EvaluateRange]: QueueName.Scoring,
  [JobName.TickSessions]: QueueName.Sessions,
  [JobName.SyncSession]: QueueName.Sessions,
  [JobName.InjectAttackStep]: QueueName.Scenario,
};

/**
 * Queues a job name was sent to by earlier versions. A job sent before an
 * upgrade (a delayed attack step of a running clock) is still run from there,
 * and looked for there when cancelled; remove an entry once no such job can remain.
 */
export const FORMER_JOB_QUEUES: Partial<Record<JobName, QueueName[]>> = {
  /** Until the scenario got its own queue, attack steps ran on the scoring queue. */
  [JobName.RunAttackStep]: [QueueName.Scoring],
};

/** Every queue a job of this name may be found on: its own first, then former ones. */
export function queuesOf(name: JobName): QueueName[] {
  return [JOB_QUEUE[name], ...(FORMER_JOB_QUEUES[name] ?? [])];
}

export const ALL_QUEUES: QueueName[] = Object.values(QueueName);

/**
 * Range hosts. A job that touches one range's containers runs on the worker of the host that holds
 * the range: it is sent to that host's own copy of its queue, named `<queue>@<host>` (`ranges@host-a`,
 * `scenario@host-a`, `scoring@host-a`). The shared queues (`ranges`, `scenario`, ...) keep every other
 * job (a session's flow parent and teardown, the sessions tick, images, the scenario reconciler) and
 * the jobs of a range of no host (made before hosts), and every worker takes them. Each worker takes
 * its own host's queues besides. The names are persisted: derived here only.
 */
export const HOST_QUEUES = [QueueName.Ranges, QueueName.Scenario, QueueName.Scoring] as const;

/** The queue of one host (the shared queue for no host). */
export function hostQueueName(queue: QueueName, host: string | null): string {
  return host ? `${queue}@${host}` : queue;
}

/** Jobs sent to their range's host (their key names the range), or, for the reconcile, to the host its key names. */
const HOST_ROUTED: ReadonlySet<JobName> = new Set([
  JobName.ProvisionRange,
  JobName.ResetRange,
  JobName.TeardownRange,
  JobName.ReconcileRanges,
  JobName.RunAttackStep,
  JobName.InjectAttackStep,
  JobName.EvaluateRange,
]);

export function isHostRouted(name: JobName): boolean {
  return HOST_ROUTED.has(name);
}
