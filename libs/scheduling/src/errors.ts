import type { SessionStatus } from '@app/database';
import { ConflictError, InvalidInputError, NotFoundError } from '@app/errors';
import type { PlanFailure } from './domain/annual-planner.js';
import { describeBreach, type CalendarBreach } from './domain/calendar-rules.js';

/** A session, course, venue, person, region, team, enrollment or plan the request names does not exist. */
export class SchedulingNotFoundError extends NotFoundError {}

/** The input contradicts itself (e.g. a session that ends before it starts); `errors` names each field. */
export class InvalidScheduleError extends InvalidInputError {}

/**
 * A scheduling rule refuses the change: what a session's status allows, where a course is held,
 * a venue's seats or range host, an instructor's qualification, a plan's status, a region in use.
 */
export class SchedulingRuleError extends ConflictError {}

/** A venue or an instructor is already booked at that time. */
export class DoubleBookingError extends ConflictError {
  constructor(
    message: string,
    readonly resource: 'venue' | 'instructor',
  ) {
    super(message);
  }
}

/** A status move the session life cycle does not allow; the caller is told the moves it does allow. */
export class SessionTransitionError extends ConflictError {
  constructor(
    message: string,
    readonly from: SessionStatus,
    readonly to: SessionStatus,
    readonly allowed: readonly SessionStatus[],
  ) {
    super(message, { allowed });
  }
}

/** A trainee cannot enroll (eligibility, session status, already enrolled, a clash) or the enrollment cannot be cancelled. */
export class EnrollmentRefusedError extends ConflictError {}

/** A team move or a new team formation the session's state or the team rules refuse. */
export class TeamChangeRefusedError extends ConflictError {}

/** The refusal of an impossible annual plan: which constraint failed, for which course and month. */
export class PlanRefusedError extends ConflictError {
  constructor(readonly failures: PlanFailure[]) {
    super(
      `the plan cannot be made: ${failures.map((f) => `${f.course}${f.month ? ` ${f.month}` : ''}: ${f.constraint}: ${f.message}`).join('; ')}`,
      { failures },
    );
  }
}

/**
 * A session (or a plan) breaks calendar rules no override lifts: 400, each breach naming its rule
 * and JST date (`breaches`), with the override that would lift them (`override.rules`).
 */
export class CalendarRuleError extends InvalidInputError {
  constructor(readonly breaches: CalendarBreach[]) {
    const rules = [...new Set(breaches.map((b) => b.rule))];
    super(
      `the calendar refuses this: ${breaches.map(describeBreach).join('; ')} (an operator may override ${rules.map((r) => `"${r}"`).join(', ')} with a reason)`,
      (['startsAt', 'endsAt'] as const)
        .map((field) => ({ field, messages: breaches.filter((b) => (b.rule === 'length') === (field === 'endsAt')).map(describeBreach) }))
        .filter((f) => f.messages.length > 0),
      { breaches, overridable: rules },
    );
  }
}
