import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { bullConnection, queueDefaults } from './bull-connection.js';
import { FLOW_PRODUCER, JobQueue } from './job-queue.js';
import { LiveEvents } from './live-events.js';
import { ALL_QUEUES } from './queue-contract.js';
import { RedisClient } from './redis-client.js';

/**
 * BullMQ over our Redis, with one retention policy for every queue. Attempts
 * and backoff are each job's own (job-options.ts). The raw queues stay inside
 * this module: everything else sends, finds and waits through JobQueue.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...bullConnection(config),
        defaultJobOptions: queueDefaults(config),
      }),
    }),
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
    BullModule.registerFlowProducer({ name: FLOW_PRODUCER }),
  ],
  providers: [RedisClient, JobQueue, LiveEvents],
  exports: [RedisClient, JobQueue, LiveEvents],
})
export class QueueModule {}
