// e2e tests: test/*.e2e-spec.ts against the real PostgreSQL, Redis and Docker engine.
import { base } from '../jest.config.js';

export default {
  ...base,
  rootDir: '..',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  testTimeout: 120000,
};
