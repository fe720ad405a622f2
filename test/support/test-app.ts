import type { INestApplication, INestApplicationContext, ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { ApiModule } from '../../apps/api/src/api.module.js';
import { configureApi } from '../../apps/api/src/setup.js';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';

/** Extra modules (e.g. a fixture RANGE_TEMPLATE_SOURCE) and provider overrides for one suite. */
export interface TestModuleOptions {
  imports?: NonNullable<ModuleMetadata['imports']>;
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/** The real API module on the e2e database, Redis prefix and Docker label instance. */
export async function createApiApp(options: TestModuleOptions = {}): Promise<INestApplication> {
  const builder = Test.createTestingModule({ imports: [ApiModule, ...(options.imports ?? [])] });
  const moduleRef = await (options.override?.(builder) ?? builder).compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  configureApi(app);
  await app.init();
  return app;
}

/** The real worker (BullMQ processors and job handlers) in this process. */
export async function createWorkerContext(options: TestModuleOptions = {}): Promise<INestApplicationContext> {
  const builder = Test.createTestingModule({ imports: [WorkerModule, ...(options.imports ?? [])] });
  const moduleRef = await (options.override?.(builder) ?? builder).compile();
  moduleRef.useLogger(['error', 'warn']);
  return moduleRef.init();
}
