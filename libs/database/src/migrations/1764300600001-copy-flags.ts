import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Copy detection: a submitted value equal to another team's answer, kept for the session's instructors. */
export class CopyFlags1764300600001 implements MigrationInterface {
  name = 'CopyFlags1764300600001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE copy_flags (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL,
        objective_id text NOT NULL,
        source text NOT NULL CONSTRAINT copy_flags_source_ck CHECK (source IN ('answer', 'ioc')),
        submitter_team_id uuid NOT NULL,
        submitter_range_id uuid NOT NULL,
        owner_team_id uuid NOT NULL,
        owner_range_id uuid NOT NULL,
        submitted text NOT NULL,
        actor text NOT NULL,
        at timestamptz NOT NULL,
        scenario_ms bigint,
        CONSTRAINT copy_flags_submitter_range_fk FOREIGN KEY (submitter_range_id) REFERENCES ranges (id),
        CONSTRAINT copy_flags_owner_range_fk FOREIGN KEY (owner_range_id) REFERENCES ranges (id)
      )`);
    await q.query(`CREATE INDEX copy_flags_session_idx ON copy_flags (session_id, at)`);
    await q.query(`CREATE INDEX copy_flags_submitter_range_idx ON copy_flags (submitter_range_id)`);
    await q.query(`CREATE INDEX copy_flags_owner_range_idx ON copy_flags (owner_range_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE copy_flags`);
  }
}
