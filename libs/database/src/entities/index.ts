import { AttackRunEntity } from './attack-run.entity.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { IncidentReportEntity } from './incident-report.entity.js';
import { InstructorNoteEntity } from './instructor-note.entity.js';
import { ObjectiveCheckEntity } from './objective-check.entity.js';
import { ScenarioClockEntity } from './scenario-clock.entity.js';
import { SCHEDULING_ENTITIES } from './scheduling/index.js';
import { ScoreEventEntity } from './score-event.entity.js';

export { AuditEventEntity };
export * from './scheduling/index.js';
export {
  AttackRunEntity,
  IncidentReportEntity,
  InstructorNoteEntity,
  ObjectiveCheckEntity,
  ScenarioClockEntity,
  ScoreEventEntity,
};

const SCORING_ENTITIES = [
  ScenarioClockEntity,
  AttackRunEntity,
  ScoreEventEntity,
  ObjectiveCheckEntity,
  IncidentReportEntity,
  InstructorNoteEntity,
];

/** Every entity of the schema; domain libs add theirs here with a migration. */
export const ENTITIES = [AuditEventEntity, ...SCHEDULING_ENTITIES, ...SCORING_ENTITIES];
