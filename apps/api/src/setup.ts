import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DatabaseErrorFilter } from './common/database-error.filter.js';
import { createValidationPipe } from './common/validation.js';

export const API_PREFIX = 'api/v1';

/** Everything main.ts does to the app besides listening; e2e tests call it too. */
export function configureApi(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new DatabaseErrorFilter());
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
