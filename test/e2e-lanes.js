// The e2e suites that make no range on the engine (API, database, queue, validation): `scripts/test.sh`
// runs them in a lane of their own (E2E_LANE=api, its own database, Redis prefix and label instance)
// beside the suites with ranges (E2E_LANE=engine), which mostly wait on containers and scenario clocks.
// A suite that provisions a range, starts a second engine or holds a host port belongs to the engine lane.
export const API_LANE = [
  'access',
  'api-fuzz',
  'audit',
  'boot',
  'calendar-rules',
  'database',
  'errors',
  'health',
  'hostile-input',
  'live-stream',
  'scheduling',
  'scheduling-plan',
];

// The engine lane's first suites, in this order: the ones that do not hang on wall-clock timing
// (provisioning, templates, images, direct attack-step play, terminals), run while the API lane
// still takes its share of the CPU. The scenario clocks at 60x, the router's 100 connections, the
// session day's ticks and the fault suites follow (test/e2e-sequencer.js), in name order.
export const ENGINE_FIRST = [
  'ranges',
  'templates',
  'range-images',
  'docker-runtime',
  'range-requests',
  'range-teardown',
  'queue',
  'ranges-crash',
  'range-scenarios',
  'range-dns',
  'trainee-walk',
  'terminal',
];
