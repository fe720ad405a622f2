import { throwawayNames } from './throwaway-environment.js';

describe('throwawayNames', () => {
  it('derives the database, Redis prefix and Docker instance of one run from the admin URL', () => {
    expect(throwawayNames('e2e', 'postgres://cyder:secret@db.example:5433/cyder?sslmode=disable', '3fa2b1')).toEqual({
      name: 'e2e-3fa2b1',
      databaseName: 'cyder_e2e_3fa2b1',
      adminDatabaseUrl: 'postgres://cyder:secret@db.example:5433/cyder?sslmode=disable',
      settings: {
        DATABASE_URL: 'postgres://cyder:secret@db.example:5433/cyder_e2e_3fa2b1?sslmode=disable',
        REDIS_PREFIX: 'cyder-e2e-3fa2b1',
        INSTANCE_NAME: 'e2e-3fa2b1',
      },
    });
  });

  it('gives each run its own random id', () => {
    const a = throwawayNames('bench', 'postgres://127.0.0.1/cyder');
    const b = throwawayNames('bench', 'postgres://127.0.0.1/cyder');
    expect(a.databaseName).toMatch(/^cyder_bench_[0-9a-f]{6}$/);
    expect(a.databaseName).not.toBe(b.databaseName);
  });

  it('refuses names that would not be a plain SQL identifier', () => {
    expect(() => throwawayNames('e2e; DROP DATABASE cyder', 'postgres://127.0.0.1/cyder', 'x')).toThrow(/purpose/);
    expect(() => throwawayNames('e2e', 'postgres://127.0.0.1/cyder', 'a"b')).toThrow(/run id/);
    expect(() => throwawayNames('E2E', 'postgres://127.0.0.1/cyder', 'ab')).toThrow(/purpose/);
  });
});
