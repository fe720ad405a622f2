import { Module } from '@nestjs/common';
import { ScenarioModule } from '@app/scenario';
import { BoardService } from './board.service.js';
import { EvaluationService } from './evaluation.service.js';
import { ObjectiveService } from './objective.service.js';
import { ScoreLedger } from './score-ledger.js';

@Module({
  imports: [ScenarioModule],
  providers: [ScoreLedger, ObjectiveService, EvaluationService, BoardService],
  exports: [ObjectiveService, EvaluationService, BoardService],
})
export class ScoringModule {}
