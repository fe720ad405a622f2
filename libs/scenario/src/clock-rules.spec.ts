import { clockRefusal, type ClockAction } from './clock-rules.js';

const ACTIONS: ClockAction[] = ['start', 'pause', 'resume', 'stop', 'speed'];
const selfPacedRange = { rangeClock: true, selfPaced: true };

describe('who may change a scenario clock', () => {
  it('instructors and operators may make every change on every clock', () => {
    for (const role of ['instructor', 'operator'] as const) {
      for (const action of ACTIONS) {
        expect(clockRefusal({ role }, action, selfPacedRange)).toBeNull();
        expect(clockRefusal({ role }, action, { rangeClock: false, selfPaced: false })).toBeNull();
      }
    }
  });

  it('a trainee may only start a self-paced range clock: no pause, resume, stop or speed of their own', () => {
    expect(clockRefusal({ role: 'trainee' }, 'start', selfPacedRange)).toBeNull();
    for (const action of ['pause', 'resume', 'stop', 'speed'] as const) {
      expect(clockRefusal({ role: 'trainee' }, action, selfPacedRange)).toBe(`only instructors and operators can ${action} the scenario clock`);
    }
  });

  it('a trainee may not start a session clock, nor the range clock of a course that is not self-paced', () => {
    expect(clockRefusal({ role: 'trainee' }, 'start', { rangeClock: false, selfPaced: true })).toMatch(/session scenario clock/);
    expect(clockRefusal({ role: 'trainee' }, 'start', { rangeClock: true, selfPaced: false })).toMatch(/self-paced \(Online A\)/);
  });
});
