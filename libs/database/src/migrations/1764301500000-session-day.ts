import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The exercise day (issue 11): per-session day state and the frozen after-action archive. */
export class SessionDay1764301500000 implements MigrationInterface {
  name = 'SessionDay1764301500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE session_days (
        session_id uuid PRIMARY KEY,
        template_id text,
        requested_at timestamptz,
        waiting_since timestamptz,
        hold_ranges boolean NOT NULL DEFAULT false,
        capacity_warning text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX session_days_waiting_idx ON session_days (waiting_since)`);
    await q.query(`
      CREATE TABLE session_archives (
        session_id uuid PRIMARY KEY,
        finished_at timestamptz NOT NULL,
        export_json jsonb NOT NULL,
        export_csv text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE session_archives, session_days`);
  }
}
