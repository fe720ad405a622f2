import 'reflect-metadata';
import { exitOnBootFailure, loadConfig } from '@app/config';
import { openDataSource, runMigrations } from '../data-source.js';

try {
  const config = loadConfig();
  const dataSource = await openDataSource(config.DATABASE_URL);
  const applied = await runMigrations(dataSource);
  console.log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');
  await dataSource.destroy();
} catch (err) {
  exitOnBootFailure('db:migrate', err);
}
