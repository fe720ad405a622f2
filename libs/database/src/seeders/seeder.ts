import type { EntityManager } from 'typeorm';

/** An idempotent seed step: running it twice leaves the same rows. Returns a one-line summary. */
export interface Seeder {
  name: string;
  run(manager: EntityManager): Promise<string>;
}
