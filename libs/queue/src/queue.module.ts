import { BullModule } from '@nestjs/bullmq';
import { Global, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { FLOW_PRODUCER, JobQueue } from './job-queue.js';
import { LiveEvents } from './live-events.js';
import { ALL_QUEUES } from './queue-contract.js';
import { RedisClient } from './redis-client.js';
import { redisOptionsFromUrl } from './redis-options.js';

const registeredQueues = BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name })));
const registeredFlows = BullModule.registerFlowProducer({ name: FLOW_PRODUCER });

/** BullMQ over our Redis, with one retention policy for every queue. */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        connection: redisOptionsFromUrl(config.REDIS_URL),
        prefix: `${config.REDIS_PREFIX}:bull`,
        defaultJobOptions: {
          attempts: 3,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: { count: config.QUEUE_KEEP_COMPLETED, age: config.QUEUE_KEEP_COMPLETED_SECONDS },
          removeOnFail: { count: config.QUEUE_KEEP_FAILED },
        },
      }),
    }),
    registeredQueues,
    registeredFlows,
  ],
  providers: [RedisClient, JobQueue, LiveEvents],
  exports: [RedisClient, JobQueue, LiveEvents, registeredQueues, registeredFlows],
})
export class QueueModule implements OnModuleInit {
  private readonly logger = new Logger('Queue');

  constructor(private readonly jobs: JobQueue) {}

  onModuleInit(): void {
    // An unhandled 'error' event would kill the process while Redis is down; log it instead.
    let last = '';
    const log = (err: Error) => {
      if (err.message !== last) this.logger.warn(`queue connection: ${err.message}`);
      last = err.message;
    };
    for (const name of ALL_QUEUES) this.jobs.queue(name).on('error', log);
    this.jobs.flows.on('error', log);
  }
}
