import { Module } from '@nestjs/common';
import { LedgerModule } from '@app/ledger';
import { RangesModule } from '@app/ranges';
import { ScenarioModule } from '@app/scenario';
import { BoardService } from './board.service.js';
import { CopyDetector } from './copy-detector.js';
import { EvaluationScheduler } from './evaluation-scheduler.js';
import { EvaluationService } from './evaluation.service.js';
import { ObjectiveService } from './objective.service.js';

/**
 * Objectives, evaluations and the instructors' board. Needs DatabaseModule, QueueModule,
 * DockerModule (global); ScoringJobs is registered by the worker only.
 */
@Module({
  imports: [LedgerModule, ScenarioModule, RangesModule],
  providers: [ObjectiveService, EvaluationScheduler, EvaluationService, BoardService, CopyDetector],
  exports: [ObjectiveService, EvaluationService, BoardService, CopyDetector],
})
export class ScoringModule {}
