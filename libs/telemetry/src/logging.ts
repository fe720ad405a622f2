import type { DynamicModule } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { ProcessRole } from './metrics.js';

/** Nest's level names (LOG_LEVEL) as pino's. */
const PINO_LEVEL: Record<AppConfig['LOG_LEVEL'], string> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/**
 * One JSON line per log entry (pino), from the API and the workers alike: `process` and `host`
 * on every line; in the API each request's line has its id (X-Request-Id when sent) and, once
 * routed, the range or session it is about; in a worker each job's lines have the job, range and
 * session ids (JobTelemetry). So `grep <rangeId>` over both logs tells one range's story.
 */
export function loggingModule(role: ProcessRole): DynamicModule {
  return LoggerModule.forRootAsync({
    inject: [AppConfig],
    useFactory: (config: AppConfig) => ({
      pinoHttp: {
        level: PINO_LEVEL[config.LOG_LEVEL],
        base: { process: role, host: config.INSTANCE_NAME, pid: process.pid },
        // A request line says what was asked and answered, never the headers (credentials, cookies).
        serializers: {
          req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
        // Credentials never reach a log line.
        redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]'], censor: '[redacted]' },
        genReqId: (req: IncomingMessage) => {
          const sent = req.headers['x-request-id'];
          return typeof sent === 'string' && /^[\w.-]{1,64}$/.test(sent) ? sent : randomUUID();
        },
        customLogLevel: (_req: IncomingMessage, res: { statusCode: number }, err?: Error) =>
          err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
        // The health probe and the metrics scrape would be most of the lines.
        autoLogging: { ignore: (req: IncomingMessage) => /\/(health|metrics)(\?|$)/.test(req.url ?? '') },
      },
      assignResponse: true,
    }),
  });
}
