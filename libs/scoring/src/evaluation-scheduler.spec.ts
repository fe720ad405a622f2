import { evaluationWallIntervalMs, MIN_EVALUATION_WALL_MS } from './evaluation-scheduler.js';

describe('evaluationWallIntervalMs', () => {
  it('evaluates every 30 scenario seconds at 60x (500 ms of wall time)', () => {
    expect(evaluationWallIntervalMs(60, 30, 10000)).toBe(500);
  });

  it('keeps the scenario interval at every speed the wall bounds allow', () => {
    for (const speed of [4, 10, 30, 60]) {
      const wall = evaluationWallIntervalMs(speed, 30, 10000);
      expect((wall * speed) / 1000).toBeLessThanOrEqual(30);
    }
  });

  it('caps a slow clock at the wall interval and never goes below the floor', () => {
    expect(evaluationWallIntervalMs(1, 30, 10000)).toBe(10000);
    expect(evaluationWallIntervalMs(60, 1, 10000)).toBe(MIN_EVALUATION_WALL_MS);
  });
});
