/**
 * What went wrong, in the caller's terms. The API maps a kind to an HTTP status in one filter;
 * the worker uses it to tell a permanent failure (retrying cannot help) from a passing one.
 */
export type ErrorKind = 'not_found' | 'conflict' | 'invalid' | 'rate_limited' | 'unavailable' | 'forbidden' | 'unauthenticated';

export const ERROR_KINDS: readonly ErrorKind[] = ['not_found', 'conflict', 'invalid', 'rate_limited', 'unavailable', 'forbidden', 'unauthenticated'];

/** One failing input field and every reason it fails (the shape the API's validation pipe answers with). */
export interface FieldError {
  field: string;
  messages: string[];
}

/** Facts for the caller beside the message (e.g. the allowed next states); the API adds them to the error body. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

// A global symbol, so a domain error is recognised even across two copies of this module (dist and sources in tests).
const BRAND = Symbol.for('cyder-range.domain-error');

/**
 * Base of every domain error. Libraries throw their own subclasses (each lib's errors.ts), never
 * HTTP exceptions: they run in the API and in the worker alike.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  readonly details: ErrorDetails;

  constructor(message: string, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}
Object.defineProperty(DomainError.prototype, BRAND, { value: true });

export function isDomainError(error: unknown): error is DomainError {
  return (
    error instanceof DomainError ||
    (typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true && ERROR_KINDS.includes((error as DomainError).kind))
  );
}

/**
 * True when trying again later cannot succeed (the subject is missing, the input or state is
 * wrong); false for rate limits and unavailable dependencies, and for anything that is not a
 * domain error (a crash or a dropped connection may well pass).
 */
export function isPermanentError(error: unknown): boolean {
  return isDomainError(error) && error.kind !== 'rate_limited' && error.kind !== 'unavailable';
}

/** Something the request names does not exist. */
export abstract class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
}

/** The request is well formed but the current state (or a rule) refuses it. */
export abstract class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
}

/** The request itself is wrong. `fields` names every failing field (answered as `errors`, the validation pipe's shape) when there are fields to name. */
export abstract class InvalidInputError extends DomainError {
  readonly kind = 'invalid' as const;

  constructor(
    message: string,
    readonly fields: readonly FieldError[] = [],
    details: ErrorDetails = {},
  ) {
    super(message, fields.length ? { ...details, errors: fields } : details);
  }
}

/** One message for several failing fields: every reason, in order. */
export function joinFieldErrors(errors: readonly FieldError[]): string {
  return errors.flatMap((e) => e.messages).join('; ');
}

/** Asked too often; worth asking again after retryAfterSeconds. */
export abstract class RateLimitedError extends DomainError {
  readonly kind = 'rate_limited' as const;

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    details: ErrorDetails = {},
  ) {
    super(message, { ...details, retryAfterSeconds });
  }
}

/** A dependency or component the request needs is missing or down; it may work later. */
export abstract class UnavailableError extends DomainError {
  readonly kind = 'unavailable' as const;
}

/** The caller may not do this. */
export abstract class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
}

/** The caller is not known: no credential, or one that is expired, revoked or not ours. */
export abstract class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated' as const;
}
