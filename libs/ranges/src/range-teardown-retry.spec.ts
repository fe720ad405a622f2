import { teardownRetryDelayMs } from './range-lifecycle.js';

describe('teardownRetryDelayMs: the reconciler backs off an unfinished teardown', () => {
  it('waits 1 min after the first failed attempt, doubling, and never more than 30 min', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => teardownRetryDelayMs(n) / 60_000)).toEqual([1, 2, 4, 8, 16, 30, 30, 30]);
  });
});
