import { Module } from '@nestjs/common';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { DockerModule } from '@app/docker';
import { QueueModule } from '@app/queue';
import { TelemetryModule } from '@app/telemetry';
import { AuditApiModule } from './audit/audit-api.module.js';
import { HealthModule } from './health/health.module.js';
import { RangesApiModule } from './ranges/ranges-api.module.js';
import { ScenarioApiModule } from './scenario/scenario-api.module.js';
import { SchedulingApiModule } from './scheduling/scheduling-api.module.js';
import { ScoringApiModule } from './scoring/scoring.module.js';
import { TelemetryApiModule } from './telemetry/telemetry-api.module.js';
import { SessionDayApiModule } from './session-day/session-day-api.module.js';
import { TemplatesApiModule } from './templates/templates.module.js';
import { TerminalApiModule } from './terminal/terminal-api.module.js';

@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    QueueModule,
    DockerModule,
    TelemetryModule.forProcess('api'),
    HealthModule,
    SchedulingApiModule,
    TemplatesApiModule,
    RangesApiModule,
    ScenarioApiModule,
    ScoringApiModule,
    TelemetryApiModule,
    TerminalApiModule,
    AuditApiModule,
    SessionDayApiModule,
  ],
})
export class ApiModule {}
