import { loadConfig } from '@app/config';
import { AuditTrail, openDataSource, runMigrations } from '@app/database';
import type { DataSource } from 'typeorm';

describe('database (real PostgreSQL, migrations only)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openDataSource(loadConfig().DATABASE_URL);
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('has applied every migration, and running them again changes nothing', async () => {
    const rows: Array<{ name: string }> = await dataSource.query('SELECT name FROM schema_migrations ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(dataSource.migrations.map((m) => m.name));
    expect(await runMigrations(dataSource)).toEqual([]);
  });

  it('was not built by synchronize: the schema matches the entities exactly', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('records audit events inside the caller transaction, and rolls them back with it', async () => {
    const audit = new AuditTrail(dataSource);
    await expect(
      dataSource.transaction(async (manager) => {
        await audit.record({ actor: 'e2e', action: 'probe.rollback', subjectType: 'probe', subjectId: 'x' }, manager);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await audit.record({ actor: 'e2e', action: 'probe.commit', subjectType: 'probe', subjectId: 'x', details: { a: 1 } });
    const rows: Array<{ action: string; details: unknown }> = await dataSource.query(
      `SELECT action, details FROM audit_events WHERE subject_type = 'probe' ORDER BY id`,
    );
    expect(rows).toEqual([{ action: 'probe.commit', details: { a: 1 } }]);
  });
});
