import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { Observable } from 'rxjs';
import { Metrics } from './metrics.js';

interface RoutedRequest {
  method: string;
  baseUrl?: string;
  route?: { path?: string };
  params?: Record<string, string>;
}

interface FinishingResponse {
  statusCode: number;
  once(event: 'finish', listener: () => void): unknown;
}

/** The range and session a routed request is about, from its route parameters. */
export function requestSubject(route: string, params: Record<string, string> = {}): Record<string, string> {
  const subject: Record<string, string> = {};
  if (params.rangeId) subject.rangeId = params.rangeId;
  if (params.sessionId) subject.sessionId = params.sessionId;
  if (params.id && /\/ranges\/:id(\/|$)/.test(route)) subject.rangeId = params.id;
  if (params.id && /\/sessions\/:id(\/|$)/.test(route)) subject.sessionId = params.id;
  return subject;
}

/**
 * Once a request is routed: its range and session ids go on its log lines (and the line that
 * closes it), and its time is observed by route template and final status (after the exception
 * filter has answered, so errors count with their real status).
 */
@Injectable()
export class RequestTelemetryInterceptor implements NestInterceptor {
  constructor(
    private readonly metrics: Metrics,
    private readonly logger: PinoLogger,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<RoutedRequest>();
    const res = context.switchToHttp().getResponse<FinishingResponse>();
    const route = `${req.baseUrl ?? ''}${req.route?.path ?? ''}` || 'unrouted';
    const subject = requestSubject(route, req.params);
    if (Object.keys(subject).length) {
      try {
        this.logger.assign(subject);
      } catch {
        // No request log context (an app built without the logging middleware): nothing to add to.
      }
    }
    const stop = this.metrics.httpDuration.startTimer({ method: req.method, route });
    res.once('finish', () => stop({ status: String(res.statusCode) }));
    return next.handle();
  }
}
