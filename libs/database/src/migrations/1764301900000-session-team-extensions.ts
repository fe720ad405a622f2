import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The exercise day (issue 11): one team's extra scenario time beyond its session's end. */
export class SessionTeamExtensions1764301900000 implements MigrationInterface {
  name = 'SessionTeamExtensions1764301900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE session_team_extensions (
        session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
        extra_seconds integer NOT NULL CONSTRAINT session_team_extensions_positive CHECK (extra_seconds > 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (session_id, team_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE session_team_extensions`);
  }
}
