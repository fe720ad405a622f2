import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { exitOnBootFailure, loadConfig } from '@app/config';
import { JobName, JobQueue } from '@app/queue';
import { Logger as JsonLogger } from 'nestjs-pino';
import { WorkerModule } from './worker.module.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule, { abortOnError: false, bufferLogs: true });
  app.useLogger(app.get(JsonLogger));
  const logger = new Logger('Worker');

  // SIGTERM: stop taking jobs, let active ones finish, but never wait longer than the bound.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining active jobs (at most ${config.SHUTDOWN_TIMEOUT_MS} ms)`);
    const timer = setTimeout(() => {
      logger.warn('shutdown bound reached; exiting with jobs still active (they will be retried as stalled)');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    app
      .close()
      .then(() => {
        logger.log('stopped cleanly');
        process.exit(0);
      })
      .catch((err) => {
        logger.error(`shutdown failed: ${(err as Error).message}`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  await app.init();
  // Range images are built by the worker when missing; the job id makes concurrent boots add it once.
  await app.get(JobQueue).add(JobName.EnsureRangeImages, { v: 1 }, { reason: `boot.${Math.floor(Date.now() / 60000)}` });
  logger.log(`worker ready (concurrency ${config.WORKER_CONCURRENCY} per queue, prefix ${config.REDIS_PREFIX})`);
}

bootstrap().catch((err) => exitOnBootFailure('worker', err));
