import type { INestApplication } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { SwaggerModule } from '@nestjs/swagger';
import { WsAdapter } from '@nestjs/platform-ws';
import { addressOf } from '@app/access';
import { auditScope } from '@app/database';
import express from 'express';
import helmet from 'helmet';
import { ApiExceptionFilter } from './common/api-exception.filter.js';
import { depthCheckedJsonParser, JSON_BODY_LIMIT_BYTES, SafeTextPipe } from './common/hostile-input.js';
import { createValidationPipe } from './common/validation.js';
import { buildApiDocument } from './openapi/api-document.js';
import { VALIDATE_BODY_LIMIT_BYTES } from './templates/templates.dto.js';

export const API_PREFIX = 'api/v1';
/** The console pages and their bundle (apps/api/src/console), outside the API prefix. */
const CONSOLE_PATHS = ['console', 'console/trainee', 'console/instructor', 'console/assets/:file'];

/** Everything main.ts does to the app besides listening; e2e tests call it too. */
export function configureApi(app: INestApplication): void {
  const config = app.get(AppConfig);
  app.use(helmet());
  // Closed unless CORS_ORIGINS names the origins (the operator console's); no credentials by cookie, only bearer tokens.
  const origins = config.CORS_ORIGINS.split(',').filter(Boolean);
  app.enableCors({ origin: origins.length ? origins : false, allowedHeaders: ['Authorization', 'Content-Type'], exposedHeaders: ['Retry-After'] });
  // Every request runs in its own audit scope: the guard adds the credential, the trail records both.
  app.use(function auditScopeOfRequest(req: express.Request, _res: express.Response, next: express.NextFunction) {
    auditScope.run({ address: addressOf(req) }, next);
  });
  // A template may be 256 KB; Express's default 100 KB JSON limit answered 413 before validation.
  // Registered before the general parser, which then skips a body already read.
  const templateBody = depthCheckedJsonParser(VALIDATE_BODY_LIMIT_BYTES);
  app.use(`/${API_PREFIX}/templates/validate`, function templateBodyParser(req: express.Request, res: express.Response, next: express.NextFunction) {
    templateBody(req, res, next);
  });
  // Every other JSON body: JSON nested deeper than MAX_JSON_DEPTH is refused (400) on its raw bytes,
  // before it is parsed into objects (15,000 levels overflowed the stack in validation). Named
  // jsonParser, so Nest does not add its own.
  const body = depthCheckedJsonParser(JSON_BODY_LIMIT_BYTES);
  app.use(function jsonParser(req: express.Request, res: express.Response, next: express.NextFunction) {
    body(req, res, next);
  });
  // /metrics stays where Prometheus scrapers look for it; the consoles are pages at /console/*.
  app.setGlobalPrefix(API_PREFIX, { exclude: ['metrics', ...CONSOLE_PATHS] });
  // Plain WebSocket (xterm's attach addon speaks it). Terminal frames are raw bytes, not Nest's
  // {event, data} messages: the gateway reads the socket itself, so the adapter parses nothing.
  app.useWebSocketAdapter(new WsAdapter(app, { messageParser: () => undefined }));
  app.useGlobalPipes(new SafeTextPipe(), createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(app.get(AppConfig)));
  if (!config.API_DOCS) return;
  const document = buildApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
