import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { DockerModule } from '@app/docker';
import { JobDispatcher, QueueModule } from '@app/queue';
import { RangeHostHeartbeat, RangeImageJobs, RangeJobs, RangesModule } from '@app/ranges';
import { ScenarioJobs, ScenarioModule } from '@app/scenario';
import { ScoringJobs, ScoringModule } from '@app/scoring';
import { SessionDayJobs, SessionDayModule } from '@app/session-day';
import { TelemetryModule } from '@app/telemetry';
import { HostQueueWorkers } from './host-queues.js';
import { PROCESSORS } from './processors.js';

@Module({
  imports: [ConfigModule, DatabaseModule, QueueModule, DockerModule, DiscoveryModule, RangesModule, ScenarioModule, ScoringModule, SessionDayModule, TelemetryModule.forProcess('worker')],
  providers: [JobDispatcher, RangeHostHeartbeat, RangeImageJobs, RangeJobs, ScenarioJobs, ScoringJobs, SessionDayJobs, ...PROCESSORS, HostQueueWorkers],
})
export class WorkerModule {}
