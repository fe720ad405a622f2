import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';

const CONFLICT_CODES: Record<string, string> = {
  '23505': 'already exists',
  '23503': 'is still referenced, or references something that does not exist',
  '23P01': 'overlaps an existing booking',
  '40001': 'conflicted with a concurrent change; retry',
  '40P01': 'conflicted with a concurrent change; retry',
};

/**
 * Constraint violations the services did not anticipate still answer with
 * 409 and a reason, never a bare 500.
 */
@Catch(QueryFailedError)
export class DatabaseErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(DatabaseErrorFilter.name);

  catch(error: QueryFailedError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const driver = error.driverError as { code?: string; detail?: string; constraint?: string };
    const code = driver.code;
    const reason = code ? CONFLICT_CODES[code] : undefined;
    if (reason) {
      const detail = driver.detail;
      response.status(HttpStatus.CONFLICT).json({
        statusCode: 409,
        error: 'Conflict',
        message: detail ? `${detail.replace(/^Key /, '')}: ${reason}` : `the change ${reason}`,
        constraint: driver.constraint,
      });
      return;
    }
    if (code === '22P02') {
      response.status(HttpStatus.BAD_REQUEST).json({ statusCode: 400, error: 'Bad Request', message: error.message });
      return;
    }
    this.logger.error(error.message, error.stack);
    response.status(500).json({ statusCode: 500, error: 'Internal Server Error', message: 'database error' });
  }
}
