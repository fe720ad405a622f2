import { ACCESS_ENTITIES } from './access/index.js';
import { AttackRunEntity } from './attack-run.entity.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { CopyFlagEntity } from './copy-flag.entity.js';
import { IncidentReportEntity } from './incident-report.entity.js';
import { InstructorNoteEntity } from './instructor-note.entity.js';
import { ObjectiveCheckEntity } from './objective-check.entity.js';
import { RangeEntity } from './range.entity.js';
import { RangeHostEntity } from './range-host.entity.js';
import { RangeEventEntity } from './range-event.entity.js';
import { RangeNodeEntity } from './range-node.entity.js';
import { RangeSubnetEntity } from './range-subnet.entity.js';
import { ScenarioClockEntity } from './scenario-clock.entity.js';
import { SCHEDULING_ENTITIES } from './scheduling/index.js';
import { ScoreEventEntity } from './score-event.entity.js';
import { SessionRangeSetEntity } from './session-range-set.entity.js';
import { SessionArchiveEntity } from './session-archive.entity.js';
import { SessionDayEntity } from './session-day.entity.js';
import { SessionTeamExtensionEntity } from './session-team-extension.entity.js';

export { AuditEventEntity };
export { CredentialEntity, TraineeAccessCodeEntity, UserEntity } from './access/index.js';
export * from './scheduling/index.js';
export { RANGE_STATUSES, RangeEntity, type RangeStatus } from './range.entity.js';
export { RANGE_HOST_STATES, RangeHostEntity, type RangeHostState } from './range-host.entity.js';
export { RANGE_EVENT_TERMINAL_COMMAND, RangeEventEntity } from './range-event.entity.js';
export { RangeNodeEntity, type RangeNodeState } from './range-node.entity.js';
export { RangeSubnetEntity } from './range-subnet.entity.js';
export { SessionRangeSetEntity, type RangeSetStatus } from './session-range-set.entity.js';
export { SessionArchiveEntity, SessionDayEntity, SessionTeamExtensionEntity };
export {
  AttackRunEntity,
  CopyFlagEntity,
  IncidentReportEntity,
  InstructorNoteEntity,
  ObjectiveCheckEntity,
  ScenarioClockEntity,
  ScoreEventEntity,
};

const RANGE_ENTITIES = [RangeEntity, RangeHostEntity, RangeNodeEntity, RangeEventEntity, RangeSubnetEntity, SessionRangeSetEntity];

const SCORING_ENTITIES = [
  ScenarioClockEntity,
  AttackRunEntity,
  ScoreEventEntity,
  ObjectiveCheckEntity,
  IncidentReportEntity,
  InstructorNoteEntity,
  CopyFlagEntity,
];

/** Every entity of the schema; domain libs add theirs here with a migration. */
const SESSION_DAY_ENTITIES = [SessionDayEntity, SessionArchiveEntity, SessionTeamExtensionEntity];

export const ENTITIES = [AuditEventEntity, ...SCHEDULING_ENTITIES, ...RANGE_ENTITIES, ...SCORING_ENTITIES, ...SESSION_DAY_ENTITIES, ...ACCESS_ENTITIES];
