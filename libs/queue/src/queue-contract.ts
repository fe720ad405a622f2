/**
 * The persisted queue contract: queue names, job names and their payloads.
 * Jobs outlive deployments in Redis, so names never change meaning; a payload
 * change that old workers cannot read gets a new `v` and both are handled.
 */
export enum QueueName {
  /** Range lifecycle: provision, reset, teardown, reconcile. */
  Ranges = 'ranges',
  /** Scenario clock, attack steps and scoring probes. */
  Scoring = 'scoring',
  /** Housekeeping: range images and other host-level chores. */
  Maintenance = 'maintenance',
}

export enum JobName {
  /** Build every range image under docker/images that the engine does not have yet. */
  EnsureRangeImages = 'maintenance.ensure-range-images',
}

export interface EnsureRangeImagesJobData {
  v: 1;
  /** Image names to ensure; all of docker/images when omitted. */
  images?: string[];
}

/** Which queue each job runs on and the type of its payload. */
export interface JobContract {
  [JobName.EnsureRangeImages]: { queue: QueueName.Maintenance; data: EnsureRangeImagesJobData };
}

export type JobDataOf<N extends JobName> = JobContract[N]['data'];

export const JOB_QUEUE: { [N in JobName]: JobContract[N]['queue'] } = {
  [JobName.EnsureRangeImages]: QueueName.Maintenance,
};

export const ALL_QUEUES: QueueName[] = Object.values(QueueName);
