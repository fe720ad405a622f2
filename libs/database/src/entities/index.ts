import { AuditEventEntity } from './audit-event.entity.js';

export { AuditEventEntity };

/** Every entity of the schema; domain libs add theirs here with a migration. */
export const ENTITIES = [AuditEventEntity];
