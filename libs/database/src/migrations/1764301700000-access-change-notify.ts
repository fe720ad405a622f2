import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access guard keeps instructors' assignments and sessions' existence in memory between
 * requests; PostgreSQL announces every change of them on commit (NOTIFY cyder_access_changed), so
 * each API process forgets what it kept at once (libs/access ResourceResolver).
 */
export class AccessChangeNotify1764301700000 implements MigrationInterface {
  name = 'AccessChangeNotify1764301700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION access_changed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('cyder_access_changed', TG_TABLE_NAME);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER session_instructors_access_changed AFTER INSERT OR UPDATE OR DELETE ON session_instructors
        FOR EACH STATEMENT EXECUTE FUNCTION access_changed_notify()`);
    await q.query(`CREATE TRIGGER session_instructors_access_truncated AFTER TRUNCATE ON session_instructors FOR EACH STATEMENT EXECUTE FUNCTION access_changed_notify()`);
    await q.query(`CREATE TRIGGER sessions_access_changed AFTER DELETE ON sessions FOR EACH STATEMENT EXECUTE FUNCTION access_changed_notify()`);
    await q.query(`CREATE TRIGGER sessions_access_truncated AFTER TRUNCATE ON sessions FOR EACH STATEMENT EXECUTE FUNCTION access_changed_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER sessions_access_truncated ON sessions`);
    await q.query(`DROP TRIGGER sessions_access_changed ON sessions`);
    await q.query(`DROP TRIGGER session_instructors_access_truncated ON session_instructors`);
    await q.query(`DROP TRIGGER session_instructors_access_changed ON session_instructors`);
    await q.query(`DROP FUNCTION access_changed_notify()`);
  }
}
