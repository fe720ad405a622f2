import { Injectable } from '@nestjs/common';
import { JobHandler, JobName, type RunAttackStepJobData } from '@app/queue';
import { AttackStepRunner } from './attack-step.runner.js';

/** Worker side of the scenario jobs (registered by the worker only). */
@Injectable()
export class ScenarioJobs {
  constructor(private readonly runner: AttackStepRunner) {}

  @JobHandler(JobName.RunAttackStep)
  runAttackStep({ rangeId, stepId, clockId, generation }: RunAttackStepJobData) {
    return this.runner.run({ rangeId, stepId, clockId, generation });
  }
}
