import { AuditEventEntity } from './audit-event.entity.js';
import { SCHEDULING_ENTITIES } from './scheduling/index.js';

export { AuditEventEntity };
export * from './scheduling/index.js';

/** Every entity of the schema; domain libs add theirs here with a migration. */
export const ENTITIES = [AuditEventEntity, ...SCHEDULING_ENTITIES];
