import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { isDomainError, isPermanentError } from '@app/errors';
import { type Job, UnrecoverableError } from 'bullmq';
import { JOB_HANDLER_METADATA } from './job-handler.decorator.js';
import { JOB_QUEUE, JobName, type QueueName, queuesOf } from './queue-contract.js';

type Handler = (data: unknown, job: Job) => Promise<unknown>;

export class MissingJobHandlerError extends Error {}

/**
 * Finds every @JobHandler at boot and routes a job to it by name. The worker
 * refuses to start unless each job name of the contract has exactly one handler.
 */
@Injectable()
export class JobDispatcher implements OnModuleInit {
  private readonly logger = new Logger(JobDispatcher.name);
  private readonly handlers = new Map<string, Handler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const found = new Map<string, string[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const name = this.reflector.get<string | undefined>(JOB_HANDLER_METADATA, fn as () => unknown);
        if (!name) continue;
        const owner = `${instance.constructor.name}.${method}`;
        found.set(name, [...(found.get(name) ?? []), owner]);
        this.handlers.set(name, (fn as Handler).bind(instance));
      }
    }
    this.assertComplete(found);
    this.logger.log(`job handlers: ${[...found.entries()].map(([n, o]) => `${n} -> ${o[0]}`).join(', ')}`);
  }

  private assertComplete(found: Map<string, string[]>): void {
    const problems: string[] = [];
    for (const name of Object.values(JobName)) {
      const owners = found.get(name) ?? [];
      if (owners.length === 0) problems.push(`job "${name}" (queue ${JOB_QUEUE[name]}) has no @JobHandler`);
      if (owners.length > 1) problems.push(`job "${name}" has ${owners.length} handlers: ${owners.join(', ')}`);
    }
    for (const name of found.keys()) {
      if (!(Object.values(JobName) as string[]).includes(name)) problems.push(`@JobHandler("${name}") is not a JobName`);
    }
    if (problems.length) throw new MissingJobHandlerError(`Worker cannot start: ${problems.join('; ')}`);
  }

  async dispatch(queue: QueueName, job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name);
    if (!handler || !queuesOf(job.name as JobName).includes(queue)) {
      // Unknown names can only come from a newer or foreign producer: fail the job loudly, never drop it.
      throw new Error(`no handler for job "${job.name}" on queue "${queue}"`);
    }
    try {
      return await handler(job.data, job);
    } catch (err) {
      throw this.failure(job, err);
    }
  }

  /**
   * A domain error is logged with its kind; one of a permanent kind (its subject is gone, its input
   * or state is wrong) becomes UnrecoverableError, so BullMQ does not retry what cannot succeed.
   */
  private failure(job: Job, err: unknown): unknown {
    if (!isDomainError(err)) return err;
    const permanent = isPermanentError(err);
    this.logger.warn(`job ${job.name} ${job.id ?? ''}: ${err.kind} ${err.name}: ${err.message}${permanent ? ' (permanent: not retried)' : ''}`);
    return permanent ? new UnrecoverableError(err.message) : err;
  }
}
