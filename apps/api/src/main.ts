import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { exitOnBootFailure, loadConfig } from '@app/config';
import { runMigrations } from '@app/database';
import { Logger as JsonLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { ApiModule } from './api.module.js';
import { configureApi } from './setup.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // Boot lines are held until the JSON logger (LOG_LEVEL applies there) takes over.
  const app = await NestFactory.create(ApiModule, { abortOnError: false, bufferLogs: true });
  app.useLogger(app.get(JsonLogger));
  configureApi(app);
  if (config.DB_MIGRATE_ON_START) {
    const applied = await runMigrations(app.get(DataSource));
    if (applied.length) Logger.log(`migrations applied: ${applied.join(', ')}`, 'Database');
  }
  app.enableShutdownHooks();
  await app.listen(config.API_PORT, config.API_HOST);
  const url = `http://${config.API_HOST}:${config.API_PORT}`;
  Logger.log(`API listening on ${url}/api/v1 (docs: ${url}/api/docs)`, 'Api');
}

bootstrap().catch((err) => exitOnBootFailure('api', err));
