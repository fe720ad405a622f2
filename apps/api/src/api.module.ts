import { Module } from '@nestjs/common';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { DockerModule } from '@app/docker';
import { QueueModule } from '@app/queue';
import { HealthModule } from './health/health.module.js';
import { ScenarioApiModule } from './scenario/scenario-api.module.js';
import { ScoringApiModule } from './scoring/scoring.module.js';

@Module({
  imports: [ConfigModule, DatabaseModule, QueueModule, DockerModule, HealthModule, ScenarioApiModule, ScoringApiModule],
})
export class ApiModule {}
