import { ClockTransitionError } from './errors.js';

/**
 * Scenario time as a pure function of a clock's anchor. A clock stores the
 * scenario time reached at its last change (elapsedMs at anchorAt) and its
 * speed; while running, scenario time advances speed x wall time. Pause,
 * resume and speed changes move the anchor, so no history is needed.
 */
export type ClockState = 'idle' | 'running' | 'paused' | 'stopped';

export interface ClockSnapshot {
  state: ClockState;
  speed: number;
  /** Scenario milliseconds reached at anchorAt. */
  elapsedMs: number;
  anchorAt: Date;
  /** Bumped on every change that invalidates already scheduled attack jobs. */
  generation: number;
}

export const MIN_SPEED = 1;
export const MAX_SPEED = 60;

export function scenarioNowMs(clock: ClockSnapshot, now: Date): number {
  if (clock.state !== 'running') return clock.elapsedMs;
  return clock.elapsedMs + Math.max(0, now.getTime() - clock.anchorAt.getTime()) * clock.speed;
}

/** Wall-clock delay until scenario time reaches offsetMs; null when the clock is not running. */
export function wallDelayUntil(clock: ClockSnapshot, offsetMs: number, now: Date): number | null {
  if (clock.state !== 'running') return null;
  return Math.max(0, Math.ceil((offsetMs - scenarioNowMs(clock, now)) / clock.speed));
}

function assertSpeed(speed: number): void {
  if (!Number.isFinite(speed) || speed < MIN_SPEED || speed > MAX_SPEED) {
    throw new ClockTransitionError(`speed must be between ${MIN_SPEED} and ${MAX_SPEED}, got ${speed}`);
  }
}

export function startClock(clock: ClockSnapshot, now: Date, speed = clock.speed): ClockSnapshot {
  if (clock.state !== 'idle') throw new ClockTransitionError(`cannot start the scenario clock: it is ${clock.state}`);
  assertSpeed(speed);
  return { state: 'running', speed, elapsedMs: 0, anchorAt: now, generation: clock.generation + 1 };
}

export function pauseClock(clock: ClockSnapshot, now: Date): ClockSnapshot {
  if (clock.state !== 'running') throw new ClockTransitionError(`cannot pause the scenario clock: it is ${clock.state}`);
  return { ...clock, state: 'paused', elapsedMs: scenarioNowMs(clock, now), anchorAt: now, generation: clock.generation + 1 };
}

export function resumeClock(clock: ClockSnapshot, now: Date): ClockSnapshot {
  if (clock.state !== 'paused') throw new ClockTransitionError(`cannot resume the scenario clock: it is ${clock.state}`);
  return { ...clock, state: 'running', anchorAt: now, generation: clock.generation + 1 };
}

export function setClockSpeed(clock: ClockSnapshot, speed: number, now: Date): ClockSnapshot {
  if (clock.state === 'stopped') throw new ClockTransitionError('cannot change the speed of the scenario clock: it is stopped');
  assertSpeed(speed);
  return { ...clock, speed, elapsedMs: scenarioNowMs(clock, now), anchorAt: now, generation: clock.generation + 1 };
}

export function stopClock(clock: ClockSnapshot, now: Date): ClockSnapshot {
  if (clock.state === 'stopped' || clock.state === 'idle') {
    throw new ClockTransitionError(`cannot stop the scenario clock: it is ${clock.state}`);
  }
  return { ...clock, state: 'stopped', elapsedMs: scenarioNowMs(clock, now), anchorAt: now, generation: clock.generation + 1 };
}

export function idleClock(now: Date, speed = 1): ClockSnapshot {
  assertSpeed(speed);
  return { state: 'idle', speed, elapsedMs: 0, anchorAt: now, generation: 0 };
}
