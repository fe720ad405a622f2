import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { ApiExceptionFilter } from './common/api-exception.filter.js';
import { createValidationPipe } from './common/validation.js';
import { VALIDATE_BODY_LIMIT_BYTES } from './templates/templates.dto.js';

export const API_PREFIX = 'api/v1';

/** Everything main.ts does to the app besides listening; e2e tests call it too. */
export function configureApi(app: INestApplication): void {
  // A template may be 256 KB; Express's default 100 KB JSON limit answered 413 before validation.
  // Registered before Nest's own parsers, which then skip a body already read. (Named, so Nest does
  // not take it for its global JSON parser.)
  const templateBody = express.json({ limit: VALIDATE_BODY_LIMIT_BYTES });
  app.use(`/${API_PREFIX}/templates/validate`, function templateBodyParser(req: express.Request, res: express.Response, next: express.NextFunction) {
    templateBody(req, res, next);
  });
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('CYDER range API')
      .setDescription('Course scheduling, per-team isolated cyber ranges and detection-to-recovery scoring')
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
