import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { AttackRunEntity, ObjectiveCheckEntity, type RangeEntity, ScoreEventEntity } from '@app/database';
import { ScoreLedger } from '@app/ledger';
import { JobName, JobQueue, RedisClient } from '@app/queue';
import { type NodeReadiness, RangeHealth } from '@app/ranges';
import { ACTIVE_RANGE_STATUSES, type NodeCommand, RangeScenarios, ScenarioClockService, trimOutput } from '@app/scenario';
import type { RangeBlueprint } from '@app/templates';
import type { Objective } from '@app/templates';
import { DataSource } from 'typeorm';
import { httpProbeArgv, judgeExec, judgeHttp, type ProbeVerdict } from './probe.js';
import { EvaluationScheduler } from './evaluation-scheduler.js';
import { ObjectiveService, type ObjectiveState } from './objective.service.js';
import { CheckNowRateLimitedError } from './errors.js';
import { holdProgress } from './scoring-rules.js';

export interface EvaluationSummary {
  rangeId: string;
  checked: number;
  newlyMet: string[];
}

export interface CheckNowResult {
  status: 'evaluated' | 'queued';
  jobId: string;
  objectives: ObjectiveState[];
}

/**
 * Evaluates a range's check objectives by probing inside the range. Contain
 * and eradicate probes must keep holding for holdSeconds of scenario time
 * before the objective counts as met.
 */
@Injectable()
export class EvaluationService {
  private readonly logger = new Logger(EvaluationService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly scenarios: RangeScenarios,
    private readonly clocks: ScenarioClockService,
    private readonly ledger: ScoreLedger,
    private readonly objectives: ObjectiveService,
    private readonly jobs: JobQueue,
    private readonly schedule: EvaluationScheduler,
    private readonly redis: RedisClient,
    private readonly config: AppConfig,
    private readonly health: RangeHealth,
  ) {}

  /** The range's readiness commands when its live health check is due (at most once per RANGE_HEALTH_INTERVAL_MS, across workers). */
  private async dueReadiness(range: RangeEntity): Promise<NodeCommand[]> {
    const interval = this.config.RANGE_HEALTH_INTERVAL_MS;
    if (interval <= 0) return [];
    const commands = this.health.commands(range.blueprint as unknown as RangeBlueprint | null);
    if (commands.length === 0) return [];
    const granted = await this.redis.redis.set(this.redis.key('health-at', range.id), '1', 'PX', interval, 'NX');
    return granted === 'OK' ? commands : [];
  }

  /**
   * What each check objective's probe sees in the range right now, without scoring anything (no
   * hold, no clock, no ledger): the evaluation's own probing, for trying a template on a range.
   */
  async probe(rangeId: string, objectives: Objective[]): Promise<ProbeVerdict[]> {
    return (await this.probeAll(rangeId, objectives, [])).verdicts;
  }

  /**
   * Every pending objective's probe and, when due, every node's readiness check: one exec per node
   * for all of it (HTTP probes run in their `from` node, the outside view, as always).
   */
  private async probeAll(rangeId: string, objectives: Objective[], readiness: NodeCommand[]): Promise<{ verdicts: ProbeVerdict[]; seen: NodeReadiness[] }> {
    const commands: NodeCommand[] = objectives.map((o) => {
      const check = o.check!;
      if (check.exec) return { node: check.exec.node, argv: check.exec.argv, timeoutSeconds: check.exec.timeoutSeconds };
      return { node: check.http!.from, argv: httpProbeArgv(check.http!), timeoutSeconds: check.http!.timeoutSeconds + 2 };
    });
    const results = await this.scenarios.execOnNodes(rangeId, [...commands, ...readiness]);
    const verdicts = objectives.map((o, i) => (o.check!.exec ? judgeExec(o.check!.exec, results[i]!) : judgeHttp(o.check!.http!, results[i]!)));
    const seen = readiness.map((r, i) => {
      const result = results[objectives.length + i]!;
      return { node: r.node, healthy: result.exitCode === 0, detail: `exit ${result.exitCode}${trimOutput(result, 160) ? `: ${trimOutput(result, 160)}` : ''}` };
    });
    return { verdicts, seen };
  }

  async evaluate(rangeId: string): Promise<EvaluationSummary> {
    const { range, scenario } = await this.scenarios.get(rangeId);
    if (!(ACTIVE_RANGE_STATUSES as readonly string[]).includes(range.status)) {
      // The range is gone or not up: nothing to probe, and its repeatable evaluation can stop.
      await this.schedule.stop(rangeId);
      return { rangeId, checked: 0, newlyMet: [] };
    }
    // Read together (one round trip's wait): what is met, which steps ran, the last check states, the clock.
    const [metRows, runRows, previousRows, clock, readiness] = await Promise.all([
      this.dataSource.manager.find(ScoreEventEntity, { where: { rangeId, type: 'objective_met' }, select: { objectiveId: true } }),
      this.dataSource.manager.find(AttackRunEntity, { where: { rangeId }, select: { stepId: true } }),
      this.dataSource.manager.find(ObjectiveCheckEntity, { where: { rangeId } }),
      this.clocks.clockOfRange(range),
      this.dueReadiness(range),
    ]);
    const met = new Set(metRows.map((e) => e.objectiveId));
    // A check that follows an attack step counts only once that step has run (executed, blocked or failed):
    // "the implant is gone" means nothing before there was an implant.
    const ran = new Set(runRows.map((r) => r.stepId));
    const pending = scenario.objectives.filter(
      (o) => o.kind === 'check' && (o.check?.exec || o.check?.http) && !met.has(o.id) && (!o.after || ran.has(o.after)),
    );
    // The moment the probes were taken: what they saw held then (a later time would add the exec's duration).
    const now = new Date();
    const probed = await this.probeAll(rangeId, pending, readiness);
    const verdicts = probed.verdicts.map((verdict, i) => ({ objective: pending[i]!, verdict }));
    await this.health.record(range, probed.seen);
    const newlyMet: string[] = [];
    if (verdicts.length === 0) return { rangeId, checked: 0, newlyMet };
    // Holds are measured in scenario time, which stands still while the clock is paused: a pause
    // neither completes a hold nor resets it, and nothing is met unless the clock runs.
    const instant = clock ? this.clocks.view(clock, now) : null;
    const clockRunning = instant?.state === 'running';
    const scenarioNow = instant?.scenarioMs ?? 0;
    // One read and one upsert per pass; a transaction only when an objective is met.
    const previous = new Map(previousRows.map((c) => [c.objectiveId, c]));
    const states = verdicts.map(({ objective, verdict }) => {
      const before = previous.get(objective.id);
      const hold = holdProgress(before, verdict.holds, scenarioNow, objective.check!.holdSeconds, clockRunning);
      const holdingSince = verdict.holds ? (before?.holds && before.holdingSince ? before.holdingSince : now) : null;
      return {
        objective,
        due: hold.due,
        row: { rangeId, objectiveId: objective.id, holds: verdict.holds, holdingSince, holdingSinceMs: hold.holdingSinceMs, checkedAt: now, detail: verdict.detail },
      };
    });
    await this.dataSource.manager.upsert(ObjectiveCheckEntity, states.map((s) => s.row), ['rangeId', 'objectiveId']);
    const due = states.filter((s) => s.due);
    if (due.length) {
      await this.dataSource.transaction(async (manager) => {
        // Re-read under the transaction: the clock may have been paused since the probes ran.
        const moment = await this.clocks.instantOfRange(range, manager, now);
        if (moment.state !== 'running') return;
        for (const { objective, row } of due) {
          if (await this.ledger.meetObjective(manager, range, objective, { scenarioMs: moment.scenarioMs, clockRunning: true }, 'system:scoring', { probe: row.detail })) {
            newlyMet.push(objective.id);
          }
        }
      });
    }
    for (const objectiveId of newlyMet) await this.ledger.announce(range, 'objective-met', { objectiveId });
    return { rangeId, checked: pending.length, newlyMet };
  }

  /**
   * A trainee's "check now": at most one per CHECK_NOW_MIN_INTERVAL_MS per
   * range (429 with Retry-After otherwise), deduplicated by job id, and waited
   * for so the answer carries the fresh objective states.
   */
  async checkNow(rangeId: string): Promise<CheckNowResult> {
    await this.scenarios.get(rangeId);
    const interval = this.config.CHECK_NOW_MIN_INTERVAL_MS;
    if (interval > 0) {
      const key = this.redis.key('check-now', rangeId);
      const granted = await this.redis.redis.set(key, '1', 'PX', interval, 'NX');
      if (granted !== 'OK') {
        const wait = Math.max(1, Math.ceil((await this.redis.redis.pttl(key)) / 1000));
        throw new CheckNowRateLimitedError(interval, wait);
      }
    }
    const window = Math.floor(Date.now() / Math.max(interval, 1000));
    const job = await this.jobs.add(JobName.EvaluateRange, { v: 1, rangeId, trigger: 'check-now' }, { rangeId, window });
    const id = job.id!;
    let status: CheckNowResult['status'] = 'evaluated';
    try {
      await this.jobs.waitFor(job, this.config.CHECK_NOW_WAIT_MS);
    } catch (err) {
      this.logger.warn(`check now ${id}: ${(err as Error).message}`);
      status = 'queued';
    }
    return { status, jobId: id, objectives: await this.objectives.list(rangeId) };
  }
}
