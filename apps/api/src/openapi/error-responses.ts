import type { ResponseObject, SchemaObject } from '@nestjs/swagger';
import { MAX_JSON_DEPTH } from '../common/hostile-input.js';

/** The name of the one error schema every 4xx and 5xx answer refers to. */
export const ERROR_SCHEMA = 'ErrorBody';
export const ERROR_SCHEMA_REF = `#/components/schemas/${ERROR_SCHEMA}`;

/** The body ApiExceptionFilter answers every error with: `{statusCode, error, message}` plus the error's own details. */
export const ERROR_BODY_SCHEMA: SchemaObject = {
  type: 'object',
  description: "Every error answer: the HTTP status, its name, a sentence, plus the error's own details (the fields below, as they apply)",
  required: ['statusCode', 'error', 'message'],
  additionalProperties: true,
  properties: {
    statusCode: { type: 'integer', example: 409 },
    error: { type: 'string', example: 'Conflict', description: 'The name of the HTTP status' },
    message: {
      oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      example: 'the session is not closed',
      description: 'What went wrong, in words (never the database text)',
    },
    errors: {
      type: 'array',
      description: '400: every failing field, each with every reason',
      items: {
        type: 'object',
        required: ['field', 'messages'],
        properties: {
          field: { type: 'string', example: 'teams[0].name' },
          messages: { type: 'array', items: { type: 'string' }, example: ['name should not be empty'] },
        },
      },
    },
    omittedErrors: { type: 'integer', description: '400: how many more errors there were beyond the listed ones', example: 0 },
    allowed: { type: 'array', items: { type: 'string' }, description: '409: the allowed next states', example: ['open', 'cancelled'] },
    reason: { type: 'string', description: 'A machine-readable reason, where the route has several', example: 'per-user-limit' },
    constraint: { type: 'string', description: '409/400 refused by a database rule: its name', example: 'sessions_no_double_booking' },
    retryAfterSeconds: { type: 'integer', description: '429: when to ask again (also the Retry-After header)', example: 3 },
  },
};

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', example: 5 } } };

/** What an error status means on this API, when a route says nothing more particular. */
export const DEFAULT_ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: `Invalid input: every failing field is listed in \`errors\` (wrong types, unknown fields, control characters, numbers out of range, JSON nested deeper than ${MAX_JSON_DEPTH}, malformed JSON or percent-encoding)`,
  401: 'No credential, or an unknown, expired, idle or revoked one',
  403: 'Not for this role, a read-only API token on a write, or a one-time password not changed yet',
  404: "Unknown id (another team's or another session's things are answered exactly as unknown ones)",
  409: 'Refused in the current state',
  413: 'The body is larger than the route accepts',
  429: 'Too many requests from this credential or team; try again after Retry-After seconds',
  503: 'The database or Redis is unavailable right now; try again after Retry-After seconds',
};

const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

const EXAMPLE_MESSAGES: Readonly<Record<number, string>> = {
  401: 'the credential is unknown, expired or revoked',
  403: 'this route is for operator',
  404: 'not found',
  409: 'refused in the current state',
  413: 'request entity too large',
  429: 'too many requests; try again in 3 seconds',
  503: 'the database is unavailable right now; try again in a few seconds',
};

/** An example error body of a status; a 400 names `field`, the route's first input (none: a body too deep). */
export function errorExample(status: number, field: string | undefined, message?: string): Record<string, unknown> {
  const base = { statusCode: status, error: STATUS_NAMES[status] ?? 'Error' };
  if (status === 400 && !field) return { ...base, message: `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels` };
  if (status === 400) return { ...base, message: 'Validation failed', errors: [{ field, messages: [`${field} must be a valid value`] }] };
  if (status === 429) return { ...base, message: message ?? EXAMPLE_MESSAGES[429], retryAfterSeconds: 3 };
  return { ...base, message: message ?? EXAMPLE_MESSAGES[status] ?? 'error' };
}

/** An error response with the shared schema, an example and, for 429 and 503, the Retry-After header. */
export function errorResponse(status: number, description: string | undefined, field: string | undefined): ResponseObject {
  return {
    description: description || DEFAULT_ERROR_DESCRIPTIONS[status] || 'Error',
    ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
    content: { 'application/json': { schema: { $ref: ERROR_SCHEMA_REF }, example: errorExample(status, field) } },
  };
}
