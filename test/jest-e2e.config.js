// e2e tests: test/*.e2e-spec.ts against the real PostgreSQL, Redis and Docker engine.
// E2E_LANE=api runs only the suites of test/e2e-lanes.js, E2E_LANE=engine all the others; unset, all.
import { base } from '../jest.config.js';
import { API_LANE } from './e2e-lanes.js';

const lane = process.env.E2E_LANE;
if (lane !== undefined && lane !== 'api' && lane !== 'engine') throw new Error(`E2E_LANE is api or engine, not ${lane}`);
const apiSuites = API_LANE.map((name) => `/test/${name}\\.e2e-spec\\.ts$`);

export default {
  ...base,
  rootDir: '..',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.e2e-spec.ts'],
  ...(lane === 'api' ? { testMatch: API_LANE.map((name) => `**/test/${name}.e2e-spec.ts`) } : {}),
  ...(lane === 'engine' ? { testPathIgnorePatterns: ['/node_modules/', ...apiSuites] } : {}),
  testSequencer: '<rootDir>/test/e2e-sequencer.js',
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  testTimeout: 120000,
};
