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
