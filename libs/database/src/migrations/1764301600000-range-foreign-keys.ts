import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ranges belong to a scheduled session and to one of its teams (issue 9): foreign keys from
 * ranges to sessions and to (session, team), and from a session's range set to its session.
 * Added NOT VALID and validated only when no older row breaks them: a database that once held
 * range sets of no scheduled session (the earlier fixture path) still migrates, and every new
 * row is checked either way.
 */
export class RangeForeignKeys1764301600000 implements MigrationInterface {
  name = 'RangeForeignKeys1764301600000';

  async up(q: QueryRunner): Promise<void> {
    // The target of the (session, team) key: a team is named together with its session.
    await q.query(`ALTER TABLE teams ADD CONSTRAINT teams_session_id_key UNIQUE (session_id, id)`);
    await q.query(`ALTER TABLE ranges ADD CONSTRAINT ranges_session_fk FOREIGN KEY (session_id) REFERENCES sessions (id) NOT VALID`);
    await q.query(`ALTER TABLE ranges ADD CONSTRAINT ranges_team_fk FOREIGN KEY (session_id, team_id) REFERENCES teams (session_id, id) NOT VALID`);
    await q.query(`ALTER TABLE session_range_sets ADD CONSTRAINT session_range_sets_session_fk FOREIGN KEY (session_id) REFERENCES sessions (id) NOT VALID`);
    await q.query(`CREATE INDEX ranges_team_idx ON ranges (team_id)`);
    await q.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM ranges r WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = r.session_id)) THEN
          ALTER TABLE ranges VALIDATE CONSTRAINT ranges_session_fk;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM ranges r WHERE NOT EXISTS (SELECT 1 FROM teams t WHERE t.id = r.team_id AND t.session_id = r.session_id)) THEN
          ALTER TABLE ranges VALIDATE CONSTRAINT ranges_team_fk;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM session_range_sets x WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = x.session_id)) THEN
          ALTER TABLE session_range_sets VALIDATE CONSTRAINT session_range_sets_session_fk;
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ranges_team_idx`);
    await q.query(`ALTER TABLE session_range_sets DROP CONSTRAINT session_range_sets_session_fk`);
    await q.query(`ALTER TABLE ranges DROP CONSTRAINT ranges_team_fk`);
    await q.query(`ALTER TABLE ranges DROP CONSTRAINT ranges_session_fk`);
    await q.query(`ALTER TABLE teams DROP CONSTRAINT teams_session_id_key`);
  }
}
