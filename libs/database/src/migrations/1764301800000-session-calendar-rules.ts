import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13: a hand-made session keeps the calendar override an operator gave it (the rules, the
 * reason, who and when); a per-region (B-1) session says whether trainees of another region are
 * only warned about or refused; ONLINE-A's catalogue says 0 instructors per session, as its
 * sessions (self-paced windows) and the planner have always had.
 */
export class SessionCalendarRules1764301800000 implements MigrationInterface {
  name = 'SessionCalendarRules1764301800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sessions ADD COLUMN calendar_override jsonb`);
    await q.query(`ALTER TABLE sessions ADD COLUMN other_region text NOT NULL DEFAULT 'warn'`);
    await q.query(`ALTER TABLE sessions ADD CONSTRAINT sessions_other_region_check CHECK (other_region IN ('warn', 'refuse'))`);
    await q.query(`UPDATE courses SET instructors_per_session = 0 WHERE placement = 'online'`);
    await q.query(`ALTER TABLE courses ADD CONSTRAINT courses_online_instructors_check CHECK (placement <> 'online' OR instructors_per_session = 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE courses DROP CONSTRAINT courses_online_instructors_check`);
    await q.query(`UPDATE courses SET instructors_per_session = 1 WHERE placement = 'online'`);
    await q.query(`ALTER TABLE sessions DROP CONSTRAINT sessions_other_region_check`);
    await q.query(`ALTER TABLE sessions DROP COLUMN other_region`);
    await q.query(`ALTER TABLE sessions DROP COLUMN calendar_override`);
  }
}
