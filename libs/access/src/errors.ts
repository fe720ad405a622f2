import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, RateLimitedError, UnauthenticatedError, UnavailableError } from '@app/errors';

/** No credential, or one that is unknown, expired or revoked; wrong e-mail or password (one message for both). */
export class NotAuthenticatedError extends UnauthenticatedError {}

/** The caller's role (or token scope, or pending password change) does not allow the route. */
export class AccessDeniedError extends ForbiddenError {}

/** Login attempts are being slowed down for this account or address. */
export class LoginThrottledError extends RateLimitedError {}

/** Too many requests for this credential or team. */
export class RequestRateLimitedError extends RateLimitedError {}

/** A thing a route names does not exist, or is not the caller's to see (the same answer for both). */
export class AccessNotFoundError extends NotFoundError {}

export class AccessInputError extends InvalidInputError {}

export class AccessConflictError extends ConflictError {}

/** Redis, which holds the rate limits, does not answer: refused with 503 rather than let through unlimited. */
export class RateLimitUnavailableError extends UnavailableError {}
