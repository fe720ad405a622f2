export * from './clock-math.js';
export { ClockForbiddenError, ClockTransitionError, ScenarioNotFoundError } from './errors.js';
export { clockRefusal, type ClockAction, type ClockCaller, type ClockCallerRole, type ClockTarget } from './clock-rules.js';
export { AttackStepRunner, type AttackRunOutcome, type DueAttackStep, type StepRunListener } from './attack-step.runner.js';
export { RangeScenarios, trimOutput, type NodeCommand, type RangeScenario } from './range-scenarios.js';
export {
  ACTIVE_RANGE_STATUSES,
  ScenarioClockService,
  type ClockChange,
  type ClockChangeListener,
  type ClockScope,
  type ClockView,
  type ScenarioInstant,
} from './scenario-clock.service.js';
export { ScenarioJobs } from './scenario.jobs.js';
export { ScenarioModule } from './scenario.module.js';
