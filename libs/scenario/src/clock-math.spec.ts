import { ClockTransitionError } from './errors.js';
import {
  idleClock,
  pauseClock,
  resumeClock,
  scenarioNowMs,
  setClockSpeed,
  startClock,
  stopClock,
  wallDelayUntil,
} from './clock-math.js';

const t = (ms: number) => new Date(Date.UTC(2026, 10, 28, 0, 0, 0) + ms);

describe('scenario clock math', () => {
  it('runs at its speed, freezes while paused and continues from where it paused', () => {
    let clock = startClock(idleClock(t(0)), t(0), 10);
    expect(scenarioNowMs(clock, t(1000))).toBe(10_000);
    clock = pauseClock(clock, t(1000));
    expect(scenarioNowMs(clock, t(60_000))).toBe(10_000);
    clock = resumeClock(clock, t(60_000));
    expect(scenarioNowMs(clock, t(61_000))).toBe(20_000);
  });

  it('re-anchors on a speed change, keeping the scenario time reached', () => {
    let clock = startClock(idleClock(t(0)), t(0), 1);
    clock = setClockSpeed(clock, 60, t(2000));
    expect(scenarioNowMs(clock, t(2000))).toBe(2000);
    expect(scenarioNowMs(clock, t(3000))).toBe(62_000);
  });

  it('gives the wall delay to an offset, none while paused, zero for the past', () => {
    const clock = startClock(idleClock(t(0)), t(0), 60);
    expect(wallDelayUntil(clock, 120_000, t(0))).toBe(2000);
    expect(wallDelayUntil(clock, 30_000, t(1000))).toBe(0);
    expect(wallDelayUntil(pauseClock(clock, t(500)), 120_000, t(600))).toBeNull();
  });

  it('bumps the generation on every change, so jobs scheduled before it are recognisably stale', () => {
    const a = startClock(idleClock(t(0)), t(0));
    const b = pauseClock(a, t(1));
    const c = resumeClock(b, t(2));
    expect([a.generation, b.generation, c.generation]).toEqual([1, 2, 3]);
  });

  it('refuses illegal transitions and speeds with a reason', () => {
    const idle = idleClock(t(0));
    expect(() => pauseClock(idle, t(1))).toThrow(new ClockTransitionError('cannot pause the scenario clock: it is idle'));
    expect(() => resumeClock(startClock(idle, t(0)), t(1))).toThrow(/cannot resume the scenario clock: it is running/);
    expect(() => startClock(idle, t(0), 61)).toThrow(/between 1 and 60/);
    expect(() => startClock(idle, t(0), 0.5)).toThrow(/between 1 and 60/);
    const stopped = stopClock(startClock(idle, t(0)), t(5));
    expect(() => setClockSpeed(stopped, 2, t(6))).toThrow(/stopped/);
    expect(scenarioNowMs(stopped, t(100))).toBe(5);
  });
});
