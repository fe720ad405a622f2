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
