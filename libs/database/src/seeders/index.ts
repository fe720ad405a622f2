import { schedulingDemoSeeder } from './scheduling-demo.seeder.js';
import type { Seeder } from './seeder.js';

export type { Seeder } from './seeder.js';

/** Seed steps in order; domain libs register theirs here. */
export const SEEDERS: Seeder[] = [schedulingDemoSeeder];
