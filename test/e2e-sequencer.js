// e2e order: the suites of ENGINE_FIRST (test/e2e-lanes.js) first, in that order, then the others by
// name. The same order every run, on a fresh clone too (no timing cache to reorder by).
import path from 'node:path';
import TestSequencerModule from '@jest/test-sequencer';
import { ENGINE_FIRST } from './e2e-lanes.js';

const TestSequencer = TestSequencerModule.default ?? TestSequencerModule;

const rank = (testPath) => {
  const index = ENGINE_FIRST.indexOf(path.basename(testPath).replace(/\.e2e-spec\.ts$/, ''));
  return index === -1 ? ENGINE_FIRST.length : index;
};

export default class E2eSequencer extends TestSequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}
