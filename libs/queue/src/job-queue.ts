import { InjectFlowProducer, InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { FlowProducer, Job, JobsOptions, Queue } from 'bullmq';
import { JOB_QUEUE, type JobDataOf, JobName, QueueName } from './queue-contract.js';

export const FLOW_PRODUCER = 'cyder-flows';

/**
 * The one way to put a job on a queue: the job name picks its queue and its
 * payload type. Callers pass a job id derived from the domain id, so a repeated
 * request finds the existing job instead of adding a second one.
 */
@Injectable()
export class JobQueue {
  private readonly queues: Record<QueueName, Queue>;

  constructor(
    @InjectQueue(QueueName.Ranges) ranges: Queue,
    @InjectQueue(QueueName.Scoring) scoring: Queue,
    @InjectQueue(QueueName.Maintenance) maintenance: Queue,
    @InjectFlowProducer(FLOW_PRODUCER) readonly flows: FlowProducer,
  ) {
    this.queues = {
      [QueueName.Ranges]: ranges,
      [QueueName.Scoring]: scoring,
      [QueueName.Maintenance]: maintenance,
    };
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  async enqueue<N extends JobName>(
    name: N,
    data: JobDataOf<N>,
    options: JobsOptions & { jobId: string },
  ): Promise<Job> {
    return this.queues[JOB_QUEUE[name]].add(name, data, options);
  }
}

/** BullMQ refuses ':' in custom job ids; domain ids are joined with '.' instead. */
export function jobId(...parts: Array<string | number>): string {
  return parts.map((p) => String(p).replace(/:/g, '_')).join('.');
}
