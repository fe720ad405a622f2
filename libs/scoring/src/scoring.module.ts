import { Module } from '@nestjs/common';
import { LedgerModule } from '@app/ledger';
import { ScenarioModule } from '@app/scenario';
import { BoardService } from './board.service.js';
import { EvaluationService } from './evaluation.service.js';
import { ObjectiveService } from './objective.service.js';

@Module({
  imports: [LedgerModule, ScenarioModule],
  providers: [ObjectiveService, EvaluationService, BoardService],
  exports: [ObjectiveService, EvaluationService, BoardService],
})
export class ScoringModule {}
