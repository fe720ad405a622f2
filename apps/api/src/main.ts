import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { exitOnBootFailure, loadConfig, logLevels } from '@app/config';
import { runMigrations } from '@app/database';
import { DataSource } from 'typeorm';
import { ApiModule } from './api.module.js';
import { configureApi } from './setup.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.create(ApiModule, {
    abortOnError: false,
    logger: logLevels(config.LOG_LEVEL),
  });
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
