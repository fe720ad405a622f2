import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { NotFoundError, UnavailableError } from '@app/errors';
import { type Job, UnrecoverableError } from 'bullmq';
import { JobHandler } from './job-handler.decorator.js';
import { JobDispatcher, MissingJobHandlerError } from './job-dispatcher.js';
import { FORMER_JOB_QUEUES, JOB_QUEUE, JobName, QueueName } from './queue-contract.js';

/** A handler for every job of the contract, recording what it was given (and throwing `failWith` when set). */
function completeHandlers(failWith?: () => Error) {
  const seen: Array<{ name: string; data: unknown }> = [];
  const handlers = Object.values(JobName).map((name) => {
    @Injectable()
    class H {
      @JobHandler(name)
      async handle(data: unknown) {
        seen.push({ name, data });
        if (failWith) throw failWith();
        return `handled ${name}`;
      }
    }
    Object.defineProperty(H, 'name', { value: `Handler_${name}` });
    return H;
  });
  return { seen, handlers };
}

async function boot(providers: Array<new (...args: never[]) => unknown>) {
  @Module({ imports: [DiscoveryModule], providers: [...providers, JobDispatcher] })
  class M {}
  const ref = await Test.createTestingModule({ imports: [M] }).compile();
  ref.useLogger(false);
  return ref.init();
}

describe('JobDispatcher', () => {
  it('routes a job to the handler of its name', async () => {
    const { seen, handlers } = completeHandlers();
    const app = await boot(handlers);
    const name = Object.values(JobName)[0];
    const result = await app.get(JobDispatcher).dispatch(JOB_QUEUE[name], { name, data: { v: 1 } } as Job);
    expect(result).toBe(`handled ${name}`);
    expect(seen).toEqual([{ name, data: { v: 1 } }]);
    await app.close();
  });

  it('fails a job whose name has no handler or arrives on the wrong queue', async () => {
    const { handlers } = completeHandlers();
    const app = await boot(handlers);
    const dispatcher = app.get(JobDispatcher);
    await expect(dispatcher.dispatch(QueueName.Ranges, { name: 'nope', data: {} } as Job)).rejects.toThrow(/no handler for job "nope"/);
    const name = Object.values(JobName)[0];
    const wrongQueue = Object.values(QueueName).find((q) => q !== JOB_QUEUE[name])!;
    await expect(dispatcher.dispatch(wrongQueue, { name, data: {} } as Job)).rejects.toThrow(/no handler/);
    await expect(dispatcher.dispatch(QueueName.Ranges, { name: JobName.RunAttackStep, data: {} } as Job)).rejects.toThrow(/no handler/);
    await app.close();
  });

  it('still runs a job left on the queue an earlier version sent it to (attack steps on the scoring queue)', async () => {
    const { seen, handlers } = completeHandlers();
    const app = await boot(handlers);
    expect(JOB_QUEUE[JobName.RunAttackStep]).toBe(QueueName.Scenario);
    expect(FORMER_JOB_QUEUES[JobName.RunAttackStep]).toEqual([QueueName.Scoring]);
    const data = { v: 1, rangeId: 'r', stepId: 's', clockId: 'c', generation: 1 };
    await app.get(JobDispatcher).dispatch(QueueName.Scoring, { name: JobName.RunAttackStep, data } as Job);
    await app.get(JobDispatcher).dispatch(QueueName.Scenario, { name: JobName.RunAttackStep, data } as Job);
    expect(seen).toEqual([
      { name: JobName.RunAttackStep, data },
      { name: JobName.RunAttackStep, data },
    ]);
    await app.close();
  });

  it('fails a job whose subject is gone (a permanent domain error) as unrecoverable, so it is not retried', async () => {
    class RangeGone extends NotFoundError {}
    const app = await boot(completeHandlers(() => new RangeGone('range r1 does not exist')).handlers);
    const name = Object.values(JobName)[0];
    const failed = app.get(JobDispatcher).dispatch(JOB_QUEUE[name], { name, id: 'j1', data: { v: 1 } } as Job);
    await expect(failed).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(failed).rejects.toThrow('range r1 does not exist');
    await app.close();
  });

  it('lets BullMQ retry a passing failure: an unavailable dependency or any other error', async () => {
    class CatalogueDown extends UnavailableError {}
    const name = Object.values(JobName)[0];
    for (const error of [new CatalogueDown('no template catalogue'), new Error('connection reset')]) {
      const app = await boot(completeHandlers(() => error).handlers);
      const failed = app.get(JobDispatcher).dispatch(JOB_QUEUE[name], { name, id: 'j2', data: { v: 1 } } as Job);
      await expect(failed).rejects.toBe(error);
      await app.close();
    }
  });

  it('refuses to boot when two providers handle the same job', async () => {
    const { handlers } = completeHandlers();
    const name = Object.values(JobName)[0];
    @Injectable()
    class Duplicate {
      @JobHandler(name)
      async again() {}
    }
    await expect(boot([...handlers, Duplicate])).rejects.toThrow(MissingJobHandlerError);
  });
});

