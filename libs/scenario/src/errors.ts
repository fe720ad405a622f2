import { ConflictError, ForbiddenError, NotFoundError } from '@app/errors';

/** The range or session a scenario request names does not exist, has no ranges, or has no clock yet. */
export class ScenarioNotFoundError extends NotFoundError {}

/** The scenario clock cannot make this change from its current state (e.g. pause an idle clock, a speed out of bounds). */
export class ClockTransitionError extends ConflictError {}

/** The caller may not make this clock change (a trainee pausing, resuming or changing speed). */
export class ClockForbiddenError extends ForbiddenError {}
