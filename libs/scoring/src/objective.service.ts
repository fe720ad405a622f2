import { withArticle } from '@app/errors';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { IncidentReportEntity, ObjectiveCheckEntity, RangeEntity, ScoreEventEntity } from '@app/database';
import { ScoreLedger, type ScoringMoment } from '@app/ledger';
import { RangeScenarios, ScenarioClockService } from '@app/scenario';
import { answerMatches, normalizeAnswer, type Objective } from '@app/templates';
import { DataSource, type EntityManager } from 'typeorm';
import { CopyDetector } from './copy-detector.js';
import { GradeForbiddenError, GradeRefusedError, InvalidReportError, ObjectiveRefusedError, ScoringNotFoundError } from './errors.js';
import { EvaluationScheduler } from './evaluation-scheduler.js';
import { gradeRefusal, iocPoints, matchIocs, REPORT_IOC_SHARE, type ScoringCaller } from './scoring-rules.js';

export interface ObjectiveState {
  id: string;
  phase: Objective['phase'];
  kind: Objective['kind'];
  title: Objective['title'];
  description?: Objective['description'];
  points: number;
  met: boolean;
  metAtScenarioMs: number | null;
  pointsEarned: number;
  attemptsUsed: number;
  attemptsLeft: number | null;
  hintsTaken: Array<{ index: number; text: Objective['title']; cost: number }>;
  hintsLeft: number;
  nextHintCost: number | null;
  check?: { holds: boolean; holdingSince: Date | null; checkedAt: Date; holdSeconds: number };
  reportSubmitted?: boolean;
}

export interface AnswerResult {
  correct: boolean;
  pointsAwarded: number;
  attemptsLeft: number;
}

export interface ReportInput {
  timeline: Array<{ at: string; event: string }>;
  impact: string;
  iocs: string[];
  actions: string[];
  recommendations: string[];
  selfAnalysis: Array<{ item: string; cause: 'plan' | 'do'; note?: string }>;
}

export interface ReportResult {
  reportId: string;
  iocResults: Record<string, boolean>;
  /** Entries of the IOC list that matched no expected IOC; each costs what a right one earns. */
  wrongIocs: number;
  /** The IOC points, the wrong entries' cost taken off (may be below zero). */
  autoPoints: number;
}

/** The trainee side of scoring: objectives and their state, answers, hints, reports; and report grading. */
@Injectable()
export class ObjectiveService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly scenarios: RangeScenarios,
    private readonly clocks: ScenarioClockService,
    private readonly ledger: ScoreLedger,
    private readonly schedule: EvaluationScheduler,
    private readonly config: AppConfig,
    private readonly copies: CopyDetector,
  ) {}

  /** After a trainee's action the range's checks are evaluated at once; a queue failure does not undo the action. */
  private async evaluateAfterAction(rangeId: string): Promise<void> {
    await this.schedule.evaluateSoon(rangeId, 'trainee-action').catch(() => undefined);
  }

  /**
   * The range's scenario moment for a team's submission: refused while the
   * clock is paused (scoring is frozen, so a pause can stretch no window).
   */
  private async submissionMoment(manager: EntityManager, range: RangeEntity): Promise<ScoringMoment> {
    const instant = await this.clocks.instantOfRange(range, manager);
    if (instant.state === 'paused') throw new ObjectiveRefusedError('the clock is paused');
    return { scenarioMs: instant.scenarioMs, clockRunning: instant.state === 'running' };
  }

  private objective(objectives: Objective[], objectiveId: string): Objective {
    const objective = objectives.find((o) => o.id === objectiveId);
    if (!objective) throw new ScoringNotFoundError(`objective ${objectiveId} does not exist in this range`);
    return objective;
  }

  /** Serialises a team's submissions: attempt limits and "met once" hold under concurrent requests. */
  private async lockRange(manager: EntityManager, rangeId: string): Promise<RangeEntity> {
    const range = await manager.findOne(RangeEntity, { where: { id: rangeId }, lock: { mode: 'pessimistic_write' } });
    if (!range) throw new ScoringNotFoundError(`range ${rangeId} does not exist`);
    return range;
  }

  async list(rangeId: string): Promise<ObjectiveState[]> {
    const { scenario } = await this.scenarios.get(rangeId);
    const events = await this.dataSource.manager.find(ScoreEventEntity, { where: { rangeId }, order: { id: 'ASC' } });
    const checks = await this.dataSource.manager.find(ObjectiveCheckEntity, { where: { rangeId } });
    const reports = await this.dataSource.manager.find(IncidentReportEntity, { where: { rangeId } });
    return scenario.objectives.map((o) => {
      const mine = events.filter((e) => e.objectiveId === o.id);
      const met = mine.find((e) => e.type === 'objective_met');
      const attemptsUsed = mine.filter((e) => e.type === 'answer_wrong').length + (o.kind === 'answer' && met ? 1 : 0);
      const hints = mine.filter((e) => e.type === 'hint_taken').length;
      const check = checks.find((c) => c.objectiveId === o.id);
      return {
        id: o.id,
        phase: o.phase,
        kind: o.kind,
        title: o.title,
        description: o.description,
        points: o.points,
        met: Boolean(met),
        metAtScenarioMs: met?.scenarioMs ?? null,
        pointsEarned: mine.reduce((sum, e) => sum + e.points, 0),
        attemptsUsed,
        attemptsLeft: o.answer ? Math.max(0, o.answer.maxAttempts - attemptsUsed) : null,
        hintsTaken: o.hints.slice(0, hints).map((h, index) => ({ index, text: h.text, cost: h.cost })),
        hintsLeft: o.hints.length - hints,
        nextHintCost: o.hints[hints]?.cost ?? null,
        ...(o.check && check
          ? { check: { holds: check.holds, holdingSince: check.holdingSince, checkedAt: check.checkedAt, holdSeconds: o.check.holdSeconds } }
          : {}),
        ...(o.kind === 'report' ? { reportSubmitted: reports.some((r) => r.objectiveId === o.id) } : {}),
      };
    });
  }

  async submitAnswer(rangeId: string, objectiveId: string, value: string, actor: string): Promise<AnswerResult> {
    const result = await this.dataSource.transaction(async (manager) => {
      const range = await this.lockRange(manager, rangeId);
      const { scenario } = await this.scenarios.get(rangeId, manager);
      const objective = this.objective(scenario.objectives, objectiveId);
      const answer = objective.answer;
      if (objective.kind !== 'answer' || !answer) {
        throw new ObjectiveRefusedError(`objective ${objectiveId} is ${withArticle(objective.kind)} objective, not an answer`);
      }
      const mine = await manager.find(ScoreEventEntity, { where: { rangeId, objectiveId } });
      if (mine.some((e) => e.type === 'objective_met')) throw new ObjectiveRefusedError(`objective ${objectiveId} is already met`);
      const wrong = mine.filter((e) => e.type === 'answer_wrong').length;
      if (wrong >= answer.maxAttempts) {
        throw new ObjectiveRefusedError(`objective ${objectiveId}: the attempt limit (${answer.maxAttempts}) is reached`);
      }
      const moment = await this.submissionMoment(manager, range);
      const { scenarioMs } = moment;
      const expected = [answer.expected ?? '', ...answer.alternatives].filter((e) => e !== '');
      const correct = answerMatches(answer.normalize, value, expected);
      if (correct) {
        const written = await this.ledger.meetObjective(manager, range, objective, moment, actor, {
          submitted: normalizeAnswer(answer.normalize, value),
        });
        const awarded = written ? written.met.points + (written.timeBonus?.points ?? 0) : 0;
        return { range, flags: [], outcome: { correct, pointsAwarded: awarded, attemptsLeft: answer.maxAttempts - wrong - 1 } };
      }
      await this.ledger.append(manager, range, {
        type: 'answer_wrong',
        objectiveId,
        phase: objective.phase,
        points: -answer.wrongAnswerPenalty,
        scenarioMs,
        actor,
        details: { submitted: value.slice(0, 200) },
      });
      // Another team's answer (not this team's own) is evidence of copying: flagged, costs nothing more.
      const flags = await this.copies.detect(manager, range, objective, [{ source: 'answer', value }], { scenarioMs, actor });
      return { range, flags, outcome: { correct, pointsAwarded: -answer.wrongAnswerPenalty, attemptsLeft: answer.maxAttempts - wrong - 1 } };
    });
    await this.ledger.announce(result.range, 'answer', { objectiveId, correct: result.outcome.correct, points: result.outcome.pointsAwarded });
    await this.copies.announce(result.flags);
    await this.evaluateAfterAction(rangeId);
    return result.outcome;
  }

  async takeHint(rangeId: string, objectiveId: string, actor: string): Promise<{ index: number; text: Objective['title']; cost: number }> {
    const result = await this.dataSource.transaction(async (manager) => {
      const range = await this.lockRange(manager, rangeId);
      const { scenario } = await this.scenarios.get(rangeId, manager);
      const objective = this.objective(scenario.objectives, objectiveId);
      const { scenarioMs } = await this.submissionMoment(manager, range);
      const taken = await manager.count(ScoreEventEntity, { where: { rangeId, objectiveId, type: 'hint_taken' } });
      const hint = objective.hints[taken];
      if (!hint) throw new ObjectiveRefusedError(`objective ${objectiveId} has no more hints (${objective.hints.length} taken)`);
      await this.ledger.append(manager, range, {
        type: 'hint_taken',
        objectiveId,
        phase: objective.phase,
        points: -hint.cost,
        scenarioMs,
        actor,
        details: { index: taken },
      });
      return { range, hint: { index: taken, text: hint.text, cost: hint.cost } };
    });
    await this.ledger.announce(result.range, 'hint', { objectiveId, index: result.hint.index, cost: result.hint.cost });
    await this.evaluateAfterAction(rangeId);
    return result.hint;
  }

  async submitReport(rangeId: string, objectiveId: string, report: ReportInput, actor: string): Promise<ReportResult> {
    const max = this.config.REPORT_MAX_IOCS;
    if (report.iocs.length > max) {
      const fields = [{ field: 'iocs', messages: [`a report lists at most ${max} IOCs (${report.iocs.length} given)`] }];
      throw new InvalidReportError(fields[0]!.messages[0]!, fields);
    }
    const result = await this.dataSource.transaction(async (manager) => {
      const range = await this.lockRange(manager, rangeId);
      const { scenario } = await this.scenarios.get(rangeId, manager);
      const objective = this.objective(scenario.objectives, objectiveId);
      if (objective.kind !== 'report' || !objective.report) {
        throw new ObjectiveRefusedError(`objective ${objectiveId} is ${withArticle(objective.kind)} objective, not a report`);
      }
      if (await manager.exists(IncidentReportEntity, { where: { rangeId, objectiveId } })) {
        throw new ObjectiveRefusedError(`a report for objective ${objectiveId} was already submitted`);
      }
      const moment = await this.submissionMoment(manager, range);
      const match = matchIocs(objective.report.iocs, report.iocs);
      const iocResults = match.results;
      const { earned, penalty } = iocPoints(objective.points, objective.report.iocs.length, match);
      const autoPoints = earned - penalty;
      const saved = await manager.save(
        manager.create(IncidentReportEntity, {
          rangeId,
          objectiveId,
          submittedBy: actor,
          submittedAt: new Date(),
          content: report as unknown as Record<string, unknown>,
          iocResults,
          autoPoints,
          rubricPoints: null,
          rubric: null,
          gradedBy: null,
          gradedAt: null,
        }),
      );
      const { scenarioMs } = moment;
      // Submitting the report meets the objective (for time and progress); its points come from IOCs and rubric.
      await this.ledger.meetObjective(manager, range, { ...objective, points: 0 }, moment, actor, { reportId: saved.id });
      await this.ledger.append(manager, range, {
        type: 'report_submitted',
        objectiveId,
        phase: objective.phase,
        points: earned,
        scenarioMs,
        actor,
        details: { reportId: saved.id, iocResults },
      });
      if (match.wrong > 0) {
        await this.ledger.append(manager, range, {
          type: 'ioc_wrong',
          objectiveId,
          phase: objective.phase,
          points: -penalty,
          scenarioMs,
          actor,
          details: { reportId: saved.id, wrong: match.wrong },
        });
      }
      const flags = await this.copies.detect(
        manager,
        range,
        objective,
        match.wrongEntries.map((value) => ({ source: 'ioc' as const, value })),
        { scenarioMs, actor },
      );
      return { range, flags, outcome: { reportId: saved.id, iocResults, wrongIocs: match.wrong, autoPoints } };
    });
    await this.ledger.announce(result.range, 'report', { objectiveId, reportId: result.outcome.reportId });
    await this.copies.announce(result.flags);
    await this.evaluateAfterAction(rangeId);
    return result.outcome;
  }

  /** An instructor's rubric points for a report; nobody grades a report of their own team (403). */
  async gradeReport(
    reportId: string,
    points: number,
    rubric: Record<string, unknown>,
    grader: ScoringCaller,
  ): Promise<{ reportId: string; rubricPoints: number; maxRubricPoints: number }> {
    const actor = grader.id;
    const result = await this.dataSource.transaction(async (manager) => {
      const report = await manager.findOne(IncidentReportEntity, { where: { id: reportId }, lock: { mode: 'pessimistic_write' } });
      if (!report) throw new ScoringNotFoundError(`report ${reportId} does not exist`);
      const range = await this.lockRange(manager, report.rangeId);
      const refusal = gradeRefusal(grader, range.teamId);
      if (refusal) throw new GradeForbiddenError(refusal);
      if (report.gradedAt) throw new GradeRefusedError(`report ${reportId} was already graded by ${report.gradedBy}`);
      const { scenario } = await this.scenarios.get(report.rangeId, manager);
      const objective = this.objective(scenario.objectives, report.objectiveId);
      const max = objective.points - Math.round(objective.points * REPORT_IOC_SHARE);
      if (points > max) throw new GradeRefusedError(`the rubric gives at most ${max} points for this report`);
      Object.assign(report, { rubricPoints: points, rubric, gradedBy: actor, gradedAt: new Date() });
      await manager.save(report);
      await this.ledger.append(manager, range, {
        type: 'report_graded',
        objectiveId: report.objectiveId,
        phase: objective.phase,
        points,
        scenarioMs: await this.clocks.scenarioMsOfRange(range, manager),
        actor,
        details: { reportId, rubric },
      });
      return { range, outcome: { reportId, rubricPoints: points, maxRubricPoints: max } };
    });
    await this.ledger.announce(result.range, 'report-graded', { reportId, points });
    return result.outcome;
  }
}
