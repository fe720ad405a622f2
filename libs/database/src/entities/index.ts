import { AuditEventEntity } from './audit-event.entity.js';
import { RangeEntity } from './range.entity.js';
import { RangeEventEntity } from './range-event.entity.js';
import { RangeNodeEntity } from './range-node.entity.js';
import { RangeSubnetEntity } from './range-subnet.entity.js';
import { SessionRangeSetEntity } from './session-range-set.entity.js';

export { AuditEventEntity };
export { RANGE_STATUSES, RangeEntity, type RangeStatus } from './range.entity.js';
export { RangeEventEntity } from './range-event.entity.js';
export { RangeNodeEntity, type RangeNodeState } from './range-node.entity.js';
export { RangeSubnetEntity } from './range-subnet.entity.js';
export { SessionRangeSetEntity, type RangeSetStatus } from './session-range-set.entity.js';

/** Every entity of the schema; domain libs add theirs here with a migration. */
export const ENTITIES = [
  AuditEventEntity,
  RangeEntity,
  RangeNodeEntity,
  RangeEventEntity,
  RangeSubnetEntity,
  SessionRangeSetEntity,
];
