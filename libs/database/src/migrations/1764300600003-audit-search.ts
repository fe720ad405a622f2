import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit trail read by operators: by actor and by time, newest first. */
export class AuditSearch1764300600003 implements MigrationInterface {
  name = 'AuditSearch1764300600003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor, id)`);
    await q.query(`CREATE INDEX audit_events_at_idx ON audit_events (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_events_at_idx, audit_events_actor_idx`);
  }
}
