import 'reflect-metadata';
import { exitOnBootFailure, loadConfig } from '@app/config';
import { openDataSource } from '../data-source.js';
import { SEEDERS } from '../seeders/index.js';

// Idempotent seed of reference and demo data; each seeder runs in its own transaction.
try {
  const config = loadConfig();
  const dataSource = await openDataSource(config.DATABASE_URL);
  for (const seeder of SEEDERS) {
    const summary = await dataSource.transaction((manager) => seeder.run(manager));
    console.log(`seed ${seeder.name}: ${summary}`);
  }
  if (SEEDERS.length === 0) console.log('seed: no seeders registered');
  await dataSource.destroy();
} catch (err) {
  exitOnBootFailure('db:seed', err);
}
