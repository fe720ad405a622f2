import type { EntityManager } from 'typeorm';
import { schedulingDemoSeeder } from './scheduling-demo.seeder.js';

/** An idempotent seed step: running it twice leaves the same rows. Returns a one-line summary. */
export interface Seeder {
  name: string;
  run(manager: EntityManager): Promise<string>;
}

/** Seed steps in order; domain libs register theirs here. */
export const SEEDERS: Seeder[] = [schedulingDemoSeeder];
