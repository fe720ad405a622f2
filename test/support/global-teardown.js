// Removes everything this e2e run created: Docker objects by label, Redis keys by prefix, its
// database (kept with E2E_KEEP_DATABASE=1).
import { removeThrowawayEnvironment } from '../../dist/libs/throwaway/src/index.js';

export default async function globalTeardown() {
  await removeThrowawayEnvironment(JSON.parse(process.env.E2E_THROWAWAY), { keepDatabase: !!process.env.E2E_KEEP_DATABASE });
}
