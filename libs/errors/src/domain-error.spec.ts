import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  isDomainError,
  isPermanentError,
  joinFieldErrors,
  NotFoundError,
  RateLimitedError,
  UnavailableError,
} from './domain-error.js';

class SessionMissing extends NotFoundError {}
class Busy extends ConflictError {}
class BadDates extends InvalidInputError {}
class TooSoon extends RateLimitedError {}
class Down extends UnavailableError {}
class NotYours extends ForbiddenError {}

describe('DomainError', () => {
  it('carries its kind, its own class name and its details', () => {
    const error = new Busy('a draft session cannot become closed', { allowed: ['open', 'cancelled'] });
    expect(error).toBeInstanceOf(Error);
    expect(error.kind).toBe('conflict');
    expect(error.name).toBe('Busy');
    expect(error.details).toEqual({ allowed: ['open', 'cancelled'] });
    expect(new SessionMissing('gone').details).toEqual({});
  });

  it('keeps every failing field of an invalid input as `errors`', () => {
    const fields = [
      { field: 'startsAt', messages: ['startsAt is a Saturday'] },
      { field: 'endsAt', messages: ['endsAt must be after startsAt'] },
    ];
    const error = new BadDates(joinFieldErrors(fields), fields);
    expect(error.message).toBe('startsAt is a Saturday; endsAt must be after startsAt');
    expect(error.details).toEqual({ errors: fields });
    expect(new BadDates('no fields').details).toEqual({});
  });

  it('puts retryAfterSeconds of a rate limit in its details', () => {
    const error = new TooSoon('retry in 2 s', 2);
    expect(error.retryAfterSeconds).toBe(2);
    expect(error.details).toEqual({ retryAfterSeconds: 2 });
  });

  it('is recognised by its brand, not only by instanceof', () => {
    expect(isDomainError(new NotYours('no'))).toBe(true);
    expect(isDomainError(new Error('plain'))).toBe(false);
    expect(isDomainError(Object.assign(new Error('named alike'), { kind: 'not_found' }))).toBe(false);
    const branded = { [Symbol.for('cyder-range.domain-error')]: true };
    expect(isDomainError(Object.assign(Object.create(branded), { kind: 'not_found', message: 'x' }))).toBe(true);
    expect(isDomainError(Object.assign(Object.create(branded), { kind: 'teapot', message: 'x' }))).toBe(false);
  });

  it('is permanent unless rate limited or unavailable; anything else may pass on a retry', () => {
    expect([new SessionMissing('x'), new Busy('x'), new BadDates('x'), new NotYours('x')].map(isPermanentError)).toEqual([true, true, true, true]);
    expect([new TooSoon('x', 1), new Down('x'), new Error('reset'), 'text'].map(isPermanentError)).toEqual([false, false, false, false]);
  });
});
