import { Initial1764300000000 } from './1764300000000-initial.js';
import { Ranges1764300200000 } from './1764300200000-ranges.js';

/** Migrations in order. Listed, not globbed, so ts-jest and the compiled build see the same set. */
export const MIGRATIONS = [Initial1764300000000, Ranges1764300200000];
