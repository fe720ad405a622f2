import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A teardown that could not finish (a network the engine keeps) leaves the range `failed` with the
 * reason; the reconciler tries again at next_teardown_at, backing off with teardown_attempts. An
 * operator's forced cleanup (teardown_forced) finishes the range even when a network stays behind.
 */
export class RangeTeardownRetries1764301300000 implements MigrationInterface {
  name = 'RangeTeardownRetries1764301300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ranges ADD COLUMN teardown_attempts integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE ranges ADD COLUMN next_teardown_at timestamptz`);
    await q.query(`ALTER TABLE ranges ADD COLUMN teardown_forced boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ranges DROP COLUMN teardown_forced, DROP COLUMN next_teardown_at, DROP COLUMN teardown_attempts`);
  }
}
