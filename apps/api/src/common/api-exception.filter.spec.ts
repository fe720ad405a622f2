import { type ArgumentsHost, BadRequestException, Logger, NotFoundException, ParseUUIDPipe } from '@nestjs/common';
import {
  ConflictError,
  type ErrorKind,
  ForbiddenError,
  UnauthenticatedError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  UnavailableError,
} from '@app/errors';
import { IsInt, IsString } from 'class-validator';
import { QueryFailedError } from 'typeorm';
import { ApiExceptionFilter } from './api-exception.filter.js';
import { createValidationPipe } from './validation.js';

class ThingNotFound extends NotFoundError {}
class ThingConflict extends ConflictError {}
class ThingInvalid extends InvalidInputError {}
class ThingRateLimited extends RateLimitedError {}
class ThingUnavailable extends UnavailableError {}
class ThingForbidden extends ForbiddenError {}
class ThingUnauthenticated extends UnauthenticatedError {}

/** A fake express response recording what the filter answers. */
function fakeHttp(headersSent = false) {
  const sent = { status: 0, body: undefined as unknown, headers: {} as Record<string, string>, removed: [] as string[], ended: false };
  const response = {
    headersSent,
    writableEnded: false,
    status(code: number) {
      sent.status = code;
      return response;
    },
    json(body: unknown) {
      sent.body = body;
      return response;
    },
    setHeader(name: string, value: string) {
      sent.headers[name.toLowerCase()] = value;
    },
    removeHeader(name: string) {
      sent.removed.push(name.toLowerCase());
    },
    end() {
      sent.ended = true;
    },
  };
  const request = { method: 'POST', url: '/api/v1/things' };
  const host = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }) } as unknown as ArgumentsHost;
  return { host, sent };
}

function answer(exception: unknown) {
  const { host, sent } = fakeHttp();
  new ApiExceptionFilter().catch(exception, host);
  return sent;
}

function queryFailed(driver: Record<string, unknown>): QueryFailedError {
  return new QueryFailedError('INSERT INTO sessions ...', [], Object.assign(new Error(String(driver.message ?? 'db error')), driver));
}

const UUID = '3f1c2a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f';
const OTHER_UUID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

describe('ApiExceptionFilter: a backing service that does not answer', () => {
  const services = { DATABASE_URL: 'postgres://cyder@127.0.0.1:6543/cyder', REDIS_URL: 'redis://127.0.0.1:6390' };
  const refused = (port: number) => Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED', port, address: '127.0.0.1' });
  const answerWith = (exception: unknown) => {
    const { host, sent } = fakeHttp();
    new ApiExceptionFilter(services).catch(exception, host);
    return sent;
  };

  it('answers 503 naming the database, with Retry-After, never the connection details', () => {
    for (const exception of [refused(6543), queryFailed({ code: '57P01', message: 'terminating connection due to administrator command' })]) {
      const sent = answerWith(exception);
      expect(sent.status).toBe(503);
      expect(sent.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'the database is unavailable right now; try again in a few seconds' });
      expect(sent.headers['retry-after']).toBe('5');
    }
  });

  it('names Redis by its port, and an unknown endpoint in general words', () => {
    expect((answerWith(refused(6390)).body as { message: string }).message).toBe('the job queue (Redis) is unavailable right now; try again in a few seconds');
    expect((answerWith(refused(1)).body as { message: string }).message).toBe('a service the API depends on is unavailable right now; try again in a few seconds');
  });
});

describe('ApiExceptionFilter', () => {
  // What the filter logs, by level (the raw text belongs there, not in the body).
  let logged: Record<'error' | 'warn' | 'debug', string[]>;
  beforeEach(() => {
    logged = { error: [], warn: [], debug: [] };
    const keep = (level: keyof typeof logged) => (message: unknown) => void logged[level].push(String(message));
    Logger.overrideLogger({ log: () => undefined, error: keep('error'), warn: keep('warn'), debug: keep('debug'), verbose: () => undefined });
  });
  afterAll(() => Logger.overrideLogger(['error', 'warn', 'log']));

  it.each<[ErrorKind, number, string, Error]>([
    ['not_found', 404, 'Not Found', new ThingNotFound('thing 1 does not exist')],
    ['conflict', 409, 'Conflict', new ThingConflict('thing 1 is busy')],
    ['invalid', 400, 'Bad Request', new ThingInvalid('a thing needs a name')],
    ['rate_limited', 429, 'Too Many Requests', new ThingRateLimited('slow down', 3)],
    ['unavailable', 503, 'Service Unavailable', new ThingUnavailable('no thing catalogue')],
    ['forbidden', 403, 'Forbidden', new ThingForbidden('not your thing')],
    ['unauthenticated', 401, 'Unauthorized', new ThingUnauthenticated('who are you')],
  ])('answers a domain error of kind %s with %i %s', (_kind, status, name, error) => {
    const sent = answer(error);
    expect(sent.status).toBe(status);
    expect(sent.body).toEqual({ statusCode: status, error: name, message: error.message, ...(status === 429 ? { retryAfterSeconds: 3 } : {}) });
  });

  it('adds the details to the body (e.g. allowed next states), never over statusCode, error or message', () => {
    class Transition extends ConflictError {}
    const sent = answer(new Transition('a draft session cannot become closed', { allowed: ['open', 'cancelled'], statusCode: 200, message: 'x' }));
    expect(sent.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'a draft session cannot become closed', allowed: ['open', 'cancelled'] });
  });

  it('answers every failing field of an invalid input', () => {
    const fields = [
      { field: 'teamIds', messages: ['teamIds lists a team twice'] },
      { field: 'leadMinutes', messages: ['leadMinutes needs startsAt'] },
    ];
    const sent = answer(new ThingInvalid('teamIds lists a team twice; leadMinutes needs startsAt', fields));
    expect(sent.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'teamIds lists a team twice; leadMinutes needs startsAt', errors: fields });
  });

  it('sets Retry-After on 429 and keeps retryAfterSeconds in the body', () => {
    const sent = answer(new ThingRateLimited('check now is limited to one per 3000 ms; retry in 2 s', 2));
    expect(sent.status).toBe(429);
    expect(sent.headers['retry-after']).toBe('2');
    expect(sent.body).toMatchObject({ retryAfterSeconds: 2 });
  });

  it('sets no Retry-After on other errors', () => {
    expect(answer(new ThingConflict('busy')).headers['retry-after']).toBeUndefined();
  });

  it('recognises a domain error from another copy of the errors module by its brand', () => {
    const foreign = Object.assign(Object.create({ [Symbol.for('cyder-range.domain-error')]: true }), {
      kind: 'not_found',
      message: 'template "x" does not exist',
      details: {},
      name: 'TemplateNotFoundError',
    });
    expect(answer(foreign)).toMatchObject({ status: 404, body: { message: 'template "x" does not exist' } });
  });

  it('never serves an error as a file download', () => {
    expect(answer(new ThingNotFound('gone')).removed).toEqual(expect.arrayContaining(['content-disposition', 'content-type']));
  });

  it('answers a unique violation with a readable 409, without the key, uuid or PostgreSQL text', () => {
    const sent = answer(
      queryFailed({
        code: '23505',
        constraint: 'trainees_email_key',
        table: 'trainees',
        message: 'duplicate key value violates unique constraint "trainees_email_key"',
        detail: `Key (email)=(taro@example.jp) already exists.`,
      }),
    );
    expect(sent.status).toBe(409);
    expect(sent.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'a trainee with this e-mail address already exists',
      constraint: 'trainees_email_key',
    });
    expect(logged.warn.join('\n')).toContain('Key (email)=(taro@example.jp) already exists.');
  });

  it('answers the double-booking exclusion constraints in words: no uuid, tstzrange or PostgreSQL text', () => {
    const detail = `Key (venue_id, tstzrange(starts_at, ends_at))=(${UUID}, ["2024-11-19 01:00:00+00","2024-11-19 08:00:00+00")) conflicts with existing key (venue_id, tstzrange(starts_at, ends_at))=(${UUID}, ["2024-11-19 00:00:00+00","2024-11-19 08:00:00+00")).`;
    const venue = answer(
      queryFailed({ code: '23P01', constraint: 'sessions_venue_no_overlap', table: 'sessions', message: 'conflicting key value violates exclusion constraint "sessions_venue_no_overlap"', detail }),
    );
    expect(venue.status).toBe(409);
    expect(venue.body).toMatchObject({ message: 'the venue is already booked by another session at that time', constraint: 'sessions_venue_no_overlap' });
    const instructor = answer(
      queryFailed({ code: '23P01', constraint: 'session_instructors_no_overlap', table: 'session_instructors', message: 'conflicting key value', detail }),
    );
    expect(instructor.body).toMatchObject({ message: 'an instructor is already teaching another session at that time' });
    for (const sent of [venue, instructor]) {
      const text = JSON.stringify(sent.body);
      expect(text).not.toContain(UUID);
      expect(text).not.toMatch(/tstzrange|Key \(|conflicting key|exclusion constraint|\+00/);
    }
  });

  it('names an unknown constraint by its table and columns only, never the values', () => {
    const sent = answer(
      queryFailed({ code: '23505', constraint: 'widgets_serial_key', table: 'widgets', message: 'duplicate key value', detail: `Key (serial)=(${UUID}) already exists.` }),
    );
    expect(sent.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'the same serial already exists in widgets', constraint: 'widgets_serial_key' });
  });

  it('answers foreign key violations in both directions without the keys', () => {
    const missing = answer(
      queryFailed({ code: '23503', constraint: 'sessions_venue_fk', table: 'sessions', message: 'insert or update violates foreign key constraint', detail: `Key (venue_id)=(${UUID}) is not present in table "venues".` }),
    );
    expect(missing.status).toBe(409);
    expect(missing.body).toMatchObject({ message: 'venue_id names a venues record that does not exist', constraint: 'sessions_venue_fk' });
    const used = answer(
      queryFailed({ code: '23503', constraint: 'sessions_region_fk', table: 'sessions', message: 'update or delete violates foreign key constraint', detail: `Key (id)=(${OTHER_UUID}) is still referenced from table "sessions".` }),
    );
    expect(used.body).toMatchObject({ message: 'it is still used by sessions; remove or move those first' });
    expect(JSON.stringify([missing.body, used.body])).not.toMatch(new RegExp(`${UUID}|${OTHER_UUID}|Key \\(`));
  });

  it('answers a malformed value with 400 naming the type, never echoing PostgreSQL or the value', () => {
    const sent = answer(queryFailed({ code: '22P02', message: 'invalid input syntax for type uuid: "abc\'; DROP"', routine: 'string_to_uuid' }));
    expect(sent.status).toBe(400);
    expect(sent.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'a value is not a valid uuid' });
    const big = answer(queryFailed({ code: '22P02', message: 'invalid input syntax for type bigint: "5e+21"' }));
    expect(big.body).toMatchObject({ message: 'a value is not a whole number' });
    expect(JSON.stringify(big.body)).not.toContain('5e+21');
  });

  it('answers bad input the database refuses (NUL byte, out of range, too long) with 400 in words', () => {
    expect(answer(queryFailed({ code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0x00' }))).toMatchObject({
      status: 400,
      body: { message: 'a text value contains a character that cannot be stored (such as a NUL byte)' },
    });
    expect(answer(queryFailed({ code: '22003', message: 'value "9007199254740993" is out of range for type integer' }))).toMatchObject({
      status: 400,
      body: { message: 'a number is out of range' },
    });
  });

  it('answers a concurrent-change failure with 409 and a retry hint', () => {
    expect(answer(queryFailed({ code: '40001', message: 'could not serialize access' }))).toMatchObject({
      status: 409,
      body: { message: 'the change conflicted with a concurrent change; retry' },
    });
  });

  it('answers any other database error with a generic 500 and logs it', () => {
    const sent = answer(queryFailed({ code: 'XX000', message: `internal error on ${UUID}` }));
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal server error' });
    expect(logged.error.join('\n')).toContain(`internal error on ${UUID}`);
  });

  it('answers an unknown error with a generic 500 and logs it', () => {
    const sent = answer(new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal server error' });
    expect(logged.error.join('\n')).toContain("reading 'id'");
  });

  it("keeps Nest's own exceptions as Nest answers them: the validation pipe's 400 with every field", async () => {
    class Body {
      @IsInt()
      seats!: number;

      @IsString()
      title!: string;
    }
    let thrown: unknown;
    await createValidationPipe()
      .transform({ seats: 'x' }, { type: 'body', metatype: Body })
      .catch((err: unknown) => (thrown = err));
    expect(thrown).toBeInstanceOf(BadRequestException);
    const sent = answer(thrown);
    expect(sent.status).toBe(400);
    expect(sent.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: 'Validation failed' });
    expect((sent.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field).sort()).toEqual(['seats', 'title']);
  });

  it("keeps ParseUUIDPipe's 400 and a plain NotFoundException as they are", async () => {
    let thrown: unknown;
    await new ParseUUIDPipe().transform('nope', { type: 'param' }).catch((err: unknown) => (thrown = err));
    expect(answer(thrown)).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'Validation failed (uuid is expected)' } });
    expect(answer(new NotFoundException('Cannot GET /api/v1/nope'))).toMatchObject({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'Cannot GET /api/v1/nope' },
    });
  });

  it('only ends a response that has already started (a stream)', () => {
    const { host, sent } = fakeHttp(true);
    new ApiExceptionFilter().catch(new ThingNotFound('gone'), host);
    expect(sent.ended).toBe(true);
    expect(sent.status).toBe(0);
  });
});
