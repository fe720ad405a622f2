import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiModule } from '../../apps/api/src/api.module.js';
import { configureApi } from '../../apps/api/src/setup.js';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';

/** The real API module on the e2e database, Redis prefix and Docker label instance. */
export async function createApiApp(): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [ApiModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  configureApi(app);
  await app.init();
  return app;
}

/** The real worker (BullMQ processors and job handlers) in this process. */
export async function createWorkerContext(): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({ imports: [WorkerModule] }).compile();
  moduleRef.useLogger(['error', 'warn']);
  return moduleRef.init();
}
