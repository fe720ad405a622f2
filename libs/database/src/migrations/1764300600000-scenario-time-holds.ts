import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Check holds in scenario time (ms), so a paused clock neither completes nor resets a hold. */
export class ScenarioTimeHolds1764300600000 implements MigrationInterface {
  name = 'ScenarioTimeHolds1764300600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE objective_checks ADD COLUMN holding_since_ms bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE objective_checks DROP COLUMN holding_since_ms`);
  }
}
