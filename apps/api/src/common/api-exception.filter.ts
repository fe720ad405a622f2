import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { type DomainError, type ErrorKind, isDomainError, unreachableService } from '@app/errors';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { QueryFailedError } from 'typeorm';
import { describeDatabaseError, type PostgresErrorFields } from './database-errors.js';

export const STATUS_OF_KIND: Readonly<Record<ErrorKind, HttpStatus>> = {
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  invalid: HttpStatus.BAD_REQUEST,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  forbidden: HttpStatus.FORBIDDEN,
  unauthenticated: HttpStatus.UNAUTHORIZED,
};

/** The one error body of the API: `{statusCode, error, message}` plus the error's own details. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  [detail: string]: unknown;
}

interface ErrorAnswer {
  status: number;
  body: ErrorBody;
  retryAfterSeconds?: number;
}

const RESERVED = new Set(['statusCode', 'error', 'message']);

function body(status: number, message: string, details: Readonly<Record<string, unknown>> = {}): ErrorBody {
  const extra = Object.fromEntries(Object.entries(details).filter(([key]) => !RESERVED.has(key)));
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, ...extra };
}

/**
 * Every error of every route becomes an HTTP answer here, and only here:
 * - a domain error of the libs by its kind (404, 409, 400, 429 with Retry-After, 503, 403, 401), with its details;
 * - Nest's own HttpExceptions (the validation pipe's 400 with every field, ParseUUIDPipe, unknown routes) as Nest answers them;
 * - a PostgreSQL refusal (constraint, bad value, concurrent change) as 409 or 400 in words, never PostgreSQL's text;
 * - a lost or refused connection to PostgreSQL (or another backing service) as 503 with Retry-After;
 * - a URIError (malformed percent-encoding, a lone surrogate given to encodeURI) as 400;
 * - anything else as a 500 with a generic message.
 * The raw text of database and unknown errors goes to the log only.
 */
/** Retry-After of a 503 for an unreachable database. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** Where the API's backing services listen, to name the one a refused connection was to. */
export interface BackingServices {
  DATABASE_URL: string;
  REDIS_URL: string;
}

function endpointOf(url: string, defaultPort: number): { host: string; port: number } | undefined {
  try {
    const u = new URL(url);
    return { host: u.hostname, port: Number(u.port || defaultPort) };
  } catch {
    return undefined;
  }
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiErrors');
  private readonly endpoints: Array<{ name: string; host: string; port: number }>;

  constructor(services?: BackingServices) {
    const known = services
      ? [
          { name: 'the database', at: endpointOf(services.DATABASE_URL, 5432) },
          { name: 'the job queue (Redis)', at: endpointOf(services.REDIS_URL, 6379) },
        ]
      : [];
    this.endpoints = known.flatMap((k) => (k.at ? [{ name: k.name, ...k.at }] : []));
  }

  /** The backing service a lost or refused connection was to, in words. */
  private serviceName(kind: 'database' | 'network', exception: unknown): string {
    if (kind === 'database' || exception instanceof QueryFailedError) return 'the database';
    const { port } = (exception ?? {}) as { port?: unknown };
    return this.endpoints.find((e) => e.port === port)?.name ?? 'a service the API depends on';
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const answer = this.answer(exception, request);
    if (response.headersSent) {
      // A stream (SSE) that already started: nothing can be answered any more, only ended.
      this.logger.warn(`${request.method} ${request.url}: ${(exception as Error)?.message ?? String(exception)} after the response started`);
      if (!response.writableEnded) response.end();
      return;
    }
    // An error is never served as a file download (the CSV routes set these headers up front).
    response.removeHeader('Content-Disposition');
    response.removeHeader('Content-Type');
    if (answer.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(answer.retryAfterSeconds));
    response.status(answer.status).json(answer.body);
  }

  private answer(exception: unknown, request: Request): ErrorAnswer {
    if (isDomainError(exception)) return this.domain(exception, request);
    if (exception instanceof HttpException) return this.nest(exception, request);
    const unreachable = unreachableService(exception);
    if (unreachable) {
      // PostgreSQL (or another backing service) did not answer: not the caller's fault, and it passes.
      const what = this.serviceName(unreachable, exception);
      this.logger.warn(`${request.method} ${request.url}: 503, ${what} is unreachable: ${(exception as Error)?.message ?? String(exception)}`);
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        body: body(HttpStatus.SERVICE_UNAVAILABLE, `${what} is unavailable right now; try again in a few seconds`),
        retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
      };
    }
    if (exception instanceof QueryFailedError) {
      const driver = exception.driverError as PostgresErrorFields;
      const refusal = describeDatabaseError(driver);
      if (refusal) {
        this.logger.warn(
          `${request.method} ${request.url}: ${refusal.status} for PostgreSQL ${driver.code}${driver.constraint ? ` (${driver.constraint})` : ''}: ${driver.message ?? exception.message}${driver.detail ? ` - ${driver.detail}` : ''}`,
        );
        return { status: refusal.status, body: body(refusal.status, refusal.message, refusal.constraint ? { constraint: refusal.constraint } : {}) };
      }
    }
    if (exception instanceof URIError) {
      // Percent-decoding or encodeURI on text that is not valid Unicode: the caller's input, not a fault.
      this.logger.warn(`${request.method} ${request.url}: 400 for ${exception.message}`);
      return { status: HttpStatus.BAD_REQUEST, body: body(HttpStatus.BAD_REQUEST, 'a value is not valid Unicode text or percent-encoding') };
    }
    const error = exception instanceof Error ? exception : new Error(String(exception));
    this.logger.error(`${request.method} ${request.url}: ${error.message}`, error.stack);
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: body(HttpStatus.INTERNAL_SERVER_ERROR, 'internal server error') };
  }

  private domain(error: DomainError, request: Request): ErrorAnswer {
    const status = STATUS_OF_KIND[error.kind];
    this.logger.debug(`${request.method} ${request.url}: ${status} ${error.name}: ${error.message}`);
    const retryAfter = error.details.retryAfterSeconds;
    return {
      status,
      body: body(status, error.message, error.details),
      ...(typeof retryAfter === 'number' && Number.isFinite(retryAfter) ? { retryAfterSeconds: Math.max(1, Math.ceil(retryAfter)) } : {}),
    };
  }

  /** As Nest's own filter answers: the exception's response object as it is, or a string wrapped. */
  private nest(exception: HttpException, request: Request): ErrorAnswer {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (status >= 500) this.logger.error(`${request.method} ${request.url}: ${exception.message}`, exception.stack);
    const answer: ErrorBody =
      typeof response === 'object' && response !== null
        ? ({ statusCode: status, ...(response as object) } as ErrorBody)
        : { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: String(response) };
    return { status, body: answer };
  }
}
