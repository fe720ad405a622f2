import { Module } from '@nestjs/common';
import { RangesModule } from '@app/ranges';
import { ScenarioModule } from '@app/scenario';
import { SchedulingModule } from '@app/scheduling';
import { ScoringModule } from '@app/scoring';
import { TemplatesModule } from '@app/templates';
import { HostCapacity } from './host-capacity.js';
import { InstructorControls } from './instructor-controls.js';
import { SessionArchiver } from './session-archiver.js';
import { SessionLifecycle } from './session-lifecycle.js';
import { SessionLocks } from './session-locks.js';
import { TraineeStream } from './trainee-stream.js';

const PROVIDERS = [HostCapacity, InstructorControls, SessionArchiver, SessionLifecycle, SessionLocks, TraineeStream];

/**
 * The exercise day: the session life cycle (SessionLifecycle) over scheduling,
 * ranges, scenario and scoring. Needs DatabaseModule, QueueModule, DockerModule
 * (global); SessionDayJobs is registered by the worker only.
 */
@Module({ imports: [TemplatesModule, SchedulingModule, RangesModule, ScenarioModule, ScoringModule], providers: PROVIDERS, exports: PROVIDERS })
export class SessionDayModule {}
