import { Module } from '@nestjs/common';
import { LedgerModule } from '@app/ledger';
import { AttackStepRunner } from './attack-step.runner.js';
import { RangeScenarios } from './range-scenarios.js';
import { ScenarioClockService } from './scenario-clock.service.js';

/** The scenario clock and attack steps. Needs DatabaseModule, QueueModule, DockerModule (global); ScenarioJobs is registered by the worker only. */
@Module({
  imports: [LedgerModule],
  providers: [RangeScenarios, ScenarioClockService, AttackStepRunner],
  exports: [RangeScenarios, ScenarioClockService, AttackStepRunner],
})
export class ScenarioModule {}
