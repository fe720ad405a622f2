export * from './clock-math.js';
export { ClockTransitionError, ScenarioNotFoundError } from './errors.js';
export { AttackStepRunner, type AttackRunOutcome, type DueAttackStep, type StepRunListener } from './attack-step.runner.js';
export { RangeScenarios, trimOutput, type NodeCommand, type RangeScenario } from './range-scenarios.js';
export {
  ACTIVE_RANGE_STATUSES,
  ScenarioClockService,
  type ClockAction,
  type ClockChange,
  type ClockChangeListener,
  type ClockScope,
  type ClockView,
} from './scenario-clock.service.js';
export { ScenarioJobs } from './scenario.jobs.js';
export { ScenarioModule } from './scenario.module.js';
