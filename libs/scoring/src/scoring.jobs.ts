import { Injectable } from '@nestjs/common';
import { type EvaluateRangeJobData, JobHandler, JobName } from '@app/queue';
import { EvaluationService } from './evaluation.service.js';

/** Worker side of the scoring jobs (registered by the worker only). */
@Injectable()
export class ScoringJobs {
  constructor(private readonly evaluation: EvaluationService) {}

  @JobHandler(JobName.EvaluateRange)
  evaluateRange({ rangeId }: EvaluateRangeJobData) {
    return this.evaluation.evaluate(rangeId);
  }
}
