export { SchedulingModule } from './scheduling.module.js';
export { AnnualPlanner, type AnnualPlanRequest } from './annual-planner.service.js';
export { CourseCatalogService, type CourseUpdate } from './course-catalog.service.js';
export { EnrollmentService } from './enrollment.service.js';
export { PeopleService, type InstructorInput, type TraineeInput } from './people.service.js';
export { ReferenceDataService, type OrganisationInput, type RegionInput, type VenueInput } from './reference-data.service.js';
export { SessionService, type CalendarOverride, type SessionInput, type SessionUpdate } from './session.service.js';
export { SessionTeamsReader } from './session-teams.reader.js';
export { TeamFormationService, type TeamMove } from './team-formation.service.js';
export { SESSION_STATUSES, SESSION_TRANSITIONS, transitionRefusal } from './domain/session-status.js';
export { formTeams, maxTeams, MIN_TEAM_SIZE, teamSizes } from './domain/team-formation.js';
export { planFiscalYear, type PlanConstraint, type PlanFailure, type PlannedSession, type PlannerInput } from './domain/annual-planner.js';
export { fiscalYearOfInstant, jstInstant, jstParts } from './domain/fiscal-calendar.js';
export {
  CALENDAR_RULES,
  calendarBreaches,
  describeBreach,
  isTrainingDay,
  trainingDays,
  type CalendarBreach,
  type CalendarRule,
} from './domain/calendar-rules.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './paging.js';
export type * from './views.js';
export {
  CalendarRuleError,
  DoubleBookingError,
  EnrollmentRefusedError,
  InvalidScheduleError,
  PlanRefusedError,
  SchedulingNotFoundError,
  SchedulingRuleError,
  SessionTransitionError,
  TeamChangeRefusedError,
} from './errors.js';
