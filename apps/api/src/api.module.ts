import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard, AccessModule } from '@app/access';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { DockerModule } from '@app/docker';
import { QueueModule } from '@app/queue';
import { TelemetryModule } from '@app/telemetry';
import { AuditApiModule } from './audit/audit-api.module.js';
import { ConsoleModule } from './console/console.module.js';
import { AccessApiModule } from './access/access-api.module.js';
import { HealthModule } from './health/health.module.js';
import { HostsApiModule } from './hosts/hosts-api.module.js';
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
    AccessModule,
    AccessApiModule,
    HealthModule,
    SchedulingApiModule,
    TemplatesApiModule,
    RangesApiModule,
    HostsApiModule,
    ScenarioApiModule,
    ScoringApiModule,
    TelemetryApiModule,
    TerminalApiModule,
    AuditApiModule,
    SessionDayApiModule,
    ConsoleModule,
  ],
  // One guard for every route: authentication, the route's roles, the caller's reach (libs/access).
  providers: [{ provide: APP_GUARD, useExisting: AccessGuard }],
})
export class ApiModule {}
