export * from './clock-math.js';
export { ClockTransitionError, ScenarioNotFoundError } from './errors.js';
export { AttackStepRunner, type AttackRunOutcome } from './attack-step.runner.js';
export { RangeScenarios, trimOutput, type RangeScenario } from './range-scenarios.js';
export {
  ACTIVE_RANGE_STATUSES,
  ScenarioClockService,
  attackJobId,
  evaluationSchedulerId,
  type ClockAction,
  type ClockScope,
  type ClockView,
} from './scenario-clock.service.js';
export { ScenarioModule } from './scenario.module.js';
