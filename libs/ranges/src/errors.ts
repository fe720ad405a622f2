import type { RangeStatus } from '@app/database';
import { ConflictError, InvalidInputError, NotFoundError } from '@app/errors';

/** The range (or a session's range set) does not exist. */
export class RangeNotFoundError extends NotFoundError {}

/** The range's status does not allow the action (e.g. a reset of a failed range, a teardown of a destroyed one). */
export class RangeStatusError extends ConflictError {
  constructor(
    message: string,
    readonly status: RangeStatus,
  ) {
    super(message);
  }
}

/** The session cannot get these ranges now: its teams are not formed yet, or a team already has a live range. */
export class RangeSetConflictError extends ConflictError {}

/** A provisioning request that contradicts itself; `fields` names every failing field. */
export class InvalidRangeRequestError extends InvalidInputError {}

/** Ranges asked for a session, or a team of it, that does not exist (404, as for any unknown id). */
export class RangeTargetNotFoundError extends NotFoundError {}

/**
 * A request that would take more live ranges than a quota allows: `quota` names which (a session
 * gets at most one per team; the host at most RANGE_MAX_LIVE_PER_HOST), with the figures.
 */
export class RangeQuotaExceededError extends ConflictError {
  constructor(
    readonly quota: 'session' | 'host',
    readonly limit: number,
    readonly live: number,
    readonly requested: number,
  ) {
    super(
      quota === 'session'
        ? `the session has ${limit} team(s), so at most ${limit} live range(s); it has ${live} and ${requested} more were requested`
        : `the range host holds at most ${limit} live range(s) (RANGE_MAX_LIVE_PER_HOST); ${live} are live and ${requested} more were requested`,
      { quota, limit, live, requested },
    );
  }
}

/** No range host of that name has registered. */
export class RangeHostNotFoundError extends NotFoundError {}

/** The host cannot be evacuated now: it is up (its worker would keep serving its ranges), or no other host is up to take them. */
export class RangeHostStateError extends ConflictError {}
