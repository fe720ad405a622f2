import { Module } from '@nestjs/common';
import { RangesModule } from '@app/ranges';
import { ScenarioModule } from '@app/scenario';
import { SchedulingModule } from '@app/scheduling';
import { ScoringModule } from '@app/scoring';
import { HostCapacity } from './host-capacity.js';
import { SessionArchiver } from './session-archiver.js';
import { SessionLifecycle } from './session-lifecycle.js';
import { SessionLocks } from './session-locks.js';

const PROVIDERS = [HostCapacity, SessionArchiver, SessionLifecycle, SessionLocks];

/**
 * The exercise day: the session life cycle (SessionLifecycle) over scheduling,
 * ranges, scenario and scoring. Needs DatabaseModule, QueueModule, DockerModule
 * (global); SessionDayJobs is registered by the worker only.
 */
@Module({ imports: [SchedulingModule, RangesModule, ScenarioModule, ScoringModule], providers: PROVIDERS, exports: PROVIDERS })
export class SessionDayModule {}
