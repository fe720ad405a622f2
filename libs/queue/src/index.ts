export { ALL_QUEUES, JOB_QUEUE, JobName, QueueName } from './queue-contract.js';
export type {
  EnsureRangeImagesJobData,
  EvaluateRangeJobData,
  JobContract,
  JobDataOf,
  RangeJobData,
  ReconcileRangesJobData,
  RunAttackStepJobData,
  SessionRangesJobData,
} from './queue-contract.js';
export { JobHandler } from './job-handler.decorator.js';
export { JobDispatcher, MissingJobHandlerError } from './job-dispatcher.js';
export { FLOW_PRODUCER, JobQueue, jobId } from './job-queue.js';
export { QueueModule } from './queue.module.js';
export { RedisClient } from './redis-client.js';
export { redisOptionsFromUrl } from './redis-options.js';
export { LiveEvents, type LiveEvent } from './live-events.js';
export { deleteKeysWithPrefix } from './prefix-cleanup.js';
