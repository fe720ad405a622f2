import { applyDecorators, type CallHandler, type ExecutionContext, type NestInterceptor, UseInterceptors } from '@nestjs/common';
import { ApiProduces } from '@nestjs/swagger';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';

/** Sets the download headers once the handler has returned its CSV, never before. */
class CsvDownloadInterceptor implements NestInterceptor {
  constructor(private readonly filename: string) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body: unknown) => {
        const response = context.switchToHttp().getResponse<Response>();
        response.setHeader('Content-Type', 'text/csv; charset=utf-8');
        response.setHeader('Content-Disposition', `attachment; filename="${this.filename}"`);
        return body;
      }),
    );
  }
}

const SAFE_FILENAME = /^[A-Za-z0-9._-]+\.csv$/;

/**
 * A route that answers a CSV file (csvTable) as a download. The headers are set only on success,
 * so an error is answered as the usual JSON, never as an attachment.
 */
export function CsvDownload(filename: string) {
  if (!SAFE_FILENAME.test(filename)) throw new Error(`CSV download name "${filename}" must match ${SAFE_FILENAME}`);
  return applyDecorators(UseInterceptors(new CsvDownloadInterceptor(filename)), ApiProduces('text/csv'));
}
