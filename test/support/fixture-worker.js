// The built worker (dist/apps/worker WorkerModule, the same module main.js runs) as a separate
// process, with the fixture RANGE_TEMPLATE_SOURCE until libs/templates provides the real one.
// The crash test SIGKILLs it mid-provisioning. Plain ESM over dist/, like global-setup.js.
import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { WorkerModule } from '../../dist/apps/worker/src/worker.module.js';
import { RANGE_TEMPLATE_SOURCE } from '../../dist/libs/templates/src/index.js';
import { FixtureTemplateSource, FixtureTemplatesModule } from '../../dist/test/support/fixture-templates.js';

const moduleRef = await Test.createTestingModule({ imports: [WorkerModule, FixtureTemplatesModule] })
  .overrideProvider(RANGE_TEMPLATE_SOURCE)
  .useClass(FixtureTemplateSource)
  .compile();
moduleRef.useLogger(['error', 'warn', 'log']);
await moduleRef.init();
process.once('SIGTERM', () => {
  moduleRef.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
console.log('fixture worker ready');
