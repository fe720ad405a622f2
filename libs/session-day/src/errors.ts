import { ConflictError, InvalidInputError, NotFoundError } from '@app/errors';

/** The session has no archive (it has not finished yet), or does not exist. */
export class SessionDayNotFoundError extends NotFoundError {}

/** A request about a session's day that cannot be served as asked (no template for the course, a bad confirmation). */
export class InvalidSessionDayRequestError extends InvalidInputError {}

/** A live control the session's day does not allow now (a team whose time is over, a session not under way). */
export class SessionDayConflictError extends ConflictError {}
