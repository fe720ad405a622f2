export { DatabaseModule } from './database.module.js';
export { AuditTrail, auditScope, type AuditRecord, type AuditScope } from './audit-trail.js';
export { AuditReader, type AuditPage, type AuditSearch } from './audit-reader.js';
export { dataSourceOptions, openDataSource, redactUrl, runMigrations } from './data-source.js';
export * from './entities/index.js';
export { SEEDERS, type Seeder } from './seeders/index.js';
