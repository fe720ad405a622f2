// This e2e run's own database (migrated), Redis prefix and Docker label instance (libs/throwaway),
// handed to every test through the environment (tests run in band, in this process). Plain ESM
// over the build in dist/ (scripts/test.sh builds first).
import { createThrowawayEnvironment } from '../../dist/libs/throwaway/src/index.js';

export default async function globalSetup() {
  const environment = await createThrowawayEnvironment('e2e', { runId: process.env.E2E_RUN_ID || undefined });
  Object.assign(process.env, {
    NODE_ENV: 'test',
    E2E_THROWAWAY: JSON.stringify(environment),
    ...environment.settings,
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    // Suites drive hundreds of requests a minute with one operator token; test/access.e2e-spec.ts
    // sets its own low limits to show them.
    RATE_LIMIT_PER_MINUTE: process.env.RATE_LIMIT_PER_MINUTE || '1000000',
    RATE_LIMIT_TEAM_PER_MINUTE: process.env.RATE_LIMIT_TEAM_PER_MINUTE || '1000000',
  });
}
