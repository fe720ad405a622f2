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
  });
}
