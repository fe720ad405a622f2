import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Several range hosts (issue 12): the hosts registry, and the host each range is placed on. A range
 * of an earlier version has no host: the first worker to register while it is the only host adopts it.
 */
export class RangeHosts1764302000000 implements MigrationInterface {
  name = 'RangeHosts1764302000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE range_hosts (
        name text PRIMARY KEY,
        capacity_containers integer NOT NULL,
        capacity_memory_mb integer NOT NULL,
        engine_version text,
        state text NOT NULL DEFAULT 'up' CONSTRAINT range_hosts_state_check CHECK (state IN ('up','down')),
        state_reason text,
        heartbeat_ms integer NOT NULL,
        missed_heartbeats integer NOT NULL,
        last_heartbeat_at timestamptz NOT NULL,
        registered_at timestamptz NOT NULL,
        state_changed_at timestamptz NOT NULL
      )`);
    await q.query(`ALTER TABLE ranges ADD COLUMN host_name text`);
    await q.query(`CREATE INDEX ranges_host_idx ON ranges (host_name)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ranges_host_idx`);
    await q.query(`ALTER TABLE ranges DROP COLUMN host_name`);
    await q.query(`DROP TABLE range_hosts`);
  }
}
