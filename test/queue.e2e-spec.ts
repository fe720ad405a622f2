import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig, ConfigModule } from '@app/config';
import { APP_LABEL_VALUE, CONTAINER_RUNTIME, type ContainerRuntime, labelKeys, RangeImageBuilder } from '@app/docker';
import { JobDispatcher, JobName, JobQueue, MissingJobHandlerError, QueueName } from '@app/queue';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { createWorkerContext } from './support/test-app.js';

describe('worker and queue (real Redis, real Docker engine)', () => {
  let worker: INestApplicationContext;

  beforeAll(async () => {
    worker = await createWorkerContext();
  });

  afterAll(async () => {
    await worker?.close();
  });

  it('runs a job through BullMQ to its @JobHandler: the range images get built and labelled', async () => {
    const config = worker.get(AppConfig);
    const jobs = worker.get(JobQueue);
    const job = await jobs.add(JobName.EnsureRangeImages, { v: 1, images: ['base'] }, { reason: 'e2e-1' });
    expect(job.id).toBe('ensure-range-images.e2e-1');
    expect(job.opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 2000 } });
    const result = (await jobs.waitFor(job, 60000)) as { built: string[]; present: string[] };
    const base = await worker.get(RangeImageBuilder).describe('base');
    expect([...result.built, ...result.present]).toEqual([base.reference]);

    const inspected = (await worker.get<ContainerRuntime>(CONTAINER_RUNTIME).inspectImage(base.reference))!;
    const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
    expect(inspected.labels[keys.app]).toBe(APP_LABEL_VALUE);
    expect(inspected.labels[keys.image]).toBe('base');

    // Same domain ids again: BullMQ returns the existing job instead of adding a second one.
    const again = await jobs.add(JobName.EnsureRangeImages, { v: 1, images: ['base'] }, { reason: 'e2e-1' });
    expect(again.id).toBe(job.id);
    expect((await jobs.find(JobName.EnsureRangeImages, { reason: 'e2e-1' }))?.id).toBe(job.id);
  });

  it('keeps completed jobs within the configured retention', async () => {
    const queue = worker.get<Queue>(getQueueToken(QueueName.Maintenance));
    const config = worker.get(AppConfig);
    expect(queue.defaultJobOptions.removeOnComplete).toEqual({
      count: config.QUEUE_KEEP_COMPLETED,
      age: config.QUEUE_KEEP_COMPLETED_SECONDS,
    });
    expect(queue.defaultJobOptions.removeOnFail).toEqual({ count: config.QUEUE_KEEP_FAILED });
  });
});

describe('job handler discovery at boot', () => {
  @Injectable()
  class NoHandlers {}

  @Module({ imports: [ConfigModule, DiscoveryModule], providers: [NoHandlers, JobDispatcher] })
  class IncompleteWorkerModule {}

  it('refuses to start when a job name of the contract has no handler', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [IncompleteWorkerModule] }).compile();
    moduleRef.useLogger(false);
    await expect(moduleRef.init()).rejects.toThrow(MissingJobHandlerError);
    await expect(moduleRef.init()).rejects.toThrow(/maintenance\.ensure-range-images.*has no @JobHandler/);
  });
});
