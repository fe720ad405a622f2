import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { type InjectAttackStepJobData, JobHandler, JobName, JobQueue, type ReconcileScenarioJobData, type RunAttackStepJobData } from '@app/queue';
import type { AttackStep } from '@app/templates';
import { AttackStepRunner } from './attack-step.runner.js';
import { ScenarioClockService } from './scenario-clock.service.js';

/** Worker side of the scenario jobs (registered by the worker only); keeps the scenario reconciler scheduled. */
@Injectable()
export class ScenarioJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger(ScenarioJobs.name);

  constructor(
    private readonly runner: AttackStepRunner,
    private readonly clocks: ScenarioClockService,
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.SCENARIO_RECONCILE_INTERVAL_MS;
    if (every > 0) {
      await this.jobs.keepScheduled(JobName.ReconcileScenario, {}, { v: 1 }, every);
      this.logger.log(`scenario reconciler every ${every} ms`);
    } else {
      await this.jobs.unschedule(JobName.ReconcileScenario, {});
    }
  }

  @JobHandler(JobName.RunAttackStep)
  runAttackStep({ rangeId, stepId, clockId, generation }: RunAttackStepJobData) {
    return this.runner.run({ rangeId, stepId, clockId, generation });
  }

  @JobHandler(JobName.ReconcileScenario)
  async reconcile(_data: ReconcileScenarioJobData) {
    return { requeued: await this.clocks.restoreLostSteps() };
  }

  @JobHandler(JobName.InjectAttackStep)
  injectAttackStep({ rangeId, stepId, oneOff }: InjectAttackStepJobData) {
    return this.runner.inject(rangeId, stepId, oneOff as AttackStep | undefined);
  }
}
