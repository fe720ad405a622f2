export { SessionDayModule } from './session-day.module.js';
export {
  SessionLifecycle,
  type RangeRequest,
  type RangeRequestOutcome,
  type SessionDayView,
  type TransitionOutcome,
} from './session-lifecycle.js';
export { SessionArchiver, SYSTEM_ACTOR, type SessionArchiveView } from './session-archiver.js';
export { HostCapacity, type CapacityFigures } from './host-capacity.js';
export { SessionDayJobs } from './session-day.jobs.js';
export { nextDayStep, type DayStep, type DayTiming, type SessionFacts, type TeamEnd } from './day-rules.js';
export { parseCourseTemplates } from './course-templates.js';
export { InvalidSessionDayRequestError, SessionDayConflictError, SessionDayNotFoundError } from './errors.js';
export {
  InstructorControls,
  MAX_TEAM_EXTENSION_MINUTES,
  type InjectInput,
  type MessageInput,
  type OneOffInjectInput,
  type SentInject,
  type SentMessage,
  type TeamExtension,
} from './instructor-controls.js';
export { TraineeStream, traineeView, type TraineeEvent, type TraineeScope } from './trainee-stream.js';
