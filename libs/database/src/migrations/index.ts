import { Initial1764300000000 } from './1764300000000-initial.js';
import { Scheduling1764300100000 } from './1764300100000-scheduling.js';
import { SchedulingReferenceData1764300100001 } from './1764300100001-scheduling-reference-data.js';
import { Ranges1764300200000 } from './1764300200000-ranges.js';
import { ScenarioScoring1764300400000 } from './1764300400000-scenario-scoring.js';
import { ScenarioTimeHolds1764300600000 } from './1764300600000-scenario-time-holds.js';
import { CopyFlags1764300600001 } from './1764300600001-copy-flags.js';
import { AuditSearch1764300600003 } from './1764300600003-audit-search.js';
import { RangeTeardownRetries1764301300000 } from './1764301300000-range-teardown-retries.js';
import { Access1764301400000 } from './1764301400000-access.js';
import { SessionDay1764301500000 } from './1764301500000-session-day.js';
import { RangeForeignKeys1764301600000 } from './1764301600000-range-foreign-keys.js';
import { AccessChangeNotify1764301700000 } from './1764301700000-access-change-notify.js';
import { SessionCalendarRules1764301800000 } from './1764301800000-session-calendar-rules.js';
import { SessionTeamExtensions1764301900000 } from './1764301900000-session-team-extensions.js';
import { RangeHosts1764302000000 } from './1764302000000-range-hosts.js';

/** Migrations in order. Listed, not globbed, so ts-jest and the compiled build see the same set. */
export const MIGRATIONS = [
  Initial1764300000000,
  Scheduling1764300100000,
  SchedulingReferenceData1764300100001,
  Ranges1764300200000,
  ScenarioScoring1764300400000,
  ScenarioTimeHolds1764300600000,
  CopyFlags1764300600001,
  AuditSearch1764300600003,
  RangeTeardownRetries1764301300000,
  Access1764301400000,
  SessionDay1764301500000,
  RangeForeignKeys1764301600000,
  AccessChangeNotify1764301700000,
  SessionCalendarRules1764301800000,
  SessionTeamExtensions1764301900000,
  RangeHosts1764302000000,
];
