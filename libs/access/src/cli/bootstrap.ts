import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { ConfigModule, exitOnBootFailure } from '@app/config';
import { DatabaseModule, runMigrations } from '@app/database';
import { QueueModule } from '@app/queue';
import { DataSource } from 'typeorm';
import { AccessModule } from '../access.module.js';
import { UserDirectory } from '../user-directory.js';

@Module({ imports: [ConfigModule, DatabaseModule, QueueModule, AccessModule] })
class BootstrapModule {}

const USAGE = 'usage: npm run access:bootstrap -- --email operator@example.org [--name "Display Name"]';

// The first operator: there is never a default password. Prints a one-time password that must be
// changed at first login; run again for an existing operator, it gives a new one and ends its sessions.
try {
  const { values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' } } });
  if (!values.email || !/^[^\s@]+@[^\s@]+$/.test(values.email)) {
    console.error(USAGE);
    process.exit(2);
  }
  const app = await NestFactory.createApplicationContext(BootstrapModule, { logger: ['error', 'warn'] });
  await runMigrations(app.get(DataSource));
  const { user, oneTimePassword, created } = await app.get(UserDirectory).bootstrapOperator(values.email, values.name ?? values.email);
  await app.close();
  console.log(`${created ? 'operator created' : 'operator exists: password reset, every session ended'}: ${user.email}`);
  console.log(`one-time password: ${oneTimePassword}`);
  console.log('log in with POST /api/v1/auth/login, then change it with POST /api/v1/auth/password (nothing else is allowed before).');
} catch (err) {
  exitOnBootFailure('access:bootstrap', err);
}
