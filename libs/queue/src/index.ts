export { ALL_QUEUES, FORMER_JOB_QUEUES, HOST_QUEUES, hostQueueName, isHostRouted, JOB_QUEUE, JobName, QueueName, queuesOf } from './queue-contract.js';
export type {
  EnsureRangeImagesJobData,
  EvaluateRangeJobData,
  InjectAttackStepJobData,
  OneOffAttackStepData,
  JobContract,
  JobDataOf,
  RangeJobData,
  ReconcileRangesJobData,
  ReconcileScenarioJobData,
  RunAttackStepJobData,
  SessionRangesJobData,
  SyncSessionJobData,
  TickSessionsJobData,
} from './queue-contract.js';
export { JOB_SENDING, jobId, jobIdOf, type JobKeys, type OneOffJobName, type RepeatableJobName, type SchedulerKeys } from './job-options.js';
export { JobHandler } from './job-handler.decorator.js';
export { JobDispatcher, MissingJobHandlerError } from './job-dispatcher.js';
export { JobQueue, type JobToSend, QUEUE_DEPTH_STATES, type QueueDepthState, type RangeHostLookup } from './job-queue.js';
export { bullConnection, queueDefaults } from './bull-connection.js';
export { QueueModule } from './queue.module.js';
export { RedisClient } from './redis-client.js';
export { redisOptionsFromUrl } from './redis-options.js';
export { LiveEvents, type LiveEvent } from './live-events.js';
export { deleteKeysWithPrefix } from './prefix-cleanup.js';
