import { Injectable } from '@nestjs/common';
import { csvTable } from '@app/csv';
import { jstWallTime } from '@app/time';
import {
  AttackRunEntity,
  CopyFlagEntity,
  IncidentReportEntity,
  InstructorNoteEntity,
  RANGE_EVENT_TERMINAL_COMMAND,
  RangeEntity,
  RangeEventEntity,
  ScoreEventEntity,
} from '@app/database';
import { teamMetrics, type LedgerEvent, type TeamMetrics } from '@app/ledger';
import { ScenarioClockService, type ClockView } from '@app/scenario';
import { maxScore, PHASES, type Phase, type RangeBlueprint } from '@app/templates';
import { DataSource, In, Not } from 'typeorm';
import { ScoringNotFoundError } from './errors.js';

export interface PhaseProgress {
  phase: Phase;
  met: number;
  total: number;
  points: number;
}

export interface TeamBoardRow {
  rangeId: string;
  teamId: string;
  teamName: string | null;
  rangeStatus: string;
  /** Why the range is degraded or failed (e.g. a node failing its live readiness check); null when it is fine. */
  rangeProblem: string | null;
  score: number;
  /** The most this team can score on its range's objectives (points and time bonuses; blocked-step credits not counted). */
  maxScore: number;
  progress: PhaseProgress[];
  metrics: TeamMetrics;
  lastEvent: { at: Date; kind: string; summary: string } | null;
}

export interface SessionBoard {
  sessionId: string;
  clock: ClockView | null;
  teams: TeamBoardRow[];
}

/** What a team sees of its own standing: its score and the clock that drives its range. */
export interface TeamStanding {
  rangeId: string;
  score: number;
  pointsByPhase: Record<Phase, number>;
  clock: { state: string; speed: number; scenarioMs: number } | null;
}

/** One incident report as its graders read it: the team's text, the IOC results and the grade. */
export interface ReportView {
  id: string;
  rangeId: string;
  objectiveId: string;
  submittedBy: string;
  submittedAt: Date;
  content: Record<string, unknown>;
  iocResults: Record<string, boolean>;
  autoPoints: number;
  rubricPoints: number | null;
  rubric: Record<string, unknown> | null;
  gradedBy: string | null;
  gradedAt: Date | null;
}

export type TimelineKind = 'attack-step' | 'score' | 'note' | 'report' | 'command' | 'copy-flag';

export interface TimelineEntry {
  at: Date;
  scenarioMs: number | null;
  kind: TimelineKind;
  type: string;
  ref: string | null;
  phase: string | null;
  points: number;
  summary: string;
}

export interface CourseObjectiveRate {
  course: string;
  objectiveId: string;
  phase: string;
  ranges: number;
  met: number;
  achievementRate: number;
}

export interface CourseAggregate {
  course: string;
  sessions: number;
  teams: number;
  objectives: CourseObjectiveRate[];
  /** Causes the teams gave for missed items in their reports (Delta Wall's Plan vs Do). */
  selfAnalysis: { plan: number; do: number; planShare: number | null; doShare: number | null };
}

function toLedger(e: ScoreEventEntity): LedgerEvent {
  return { type: e.type as LedgerEvent['type'], objectiveId: e.objectiveId, phase: e.phase as Phase | null, points: e.points, at: e.at, scenarioMs: e.scenarioMs };
}

/** The instructors' view: session board, team timelines, notes, exports and the cross-session aggregate. */
@Injectable()
export class BoardService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clocks: ScenarioClockService,
  ) {}

  private async teamNames(sessionId: string): Promise<Map<string, string>> {
    const rows: Array<{ id: string; name: string }> = await this.dataSource
      .query(`SELECT id, name FROM teams WHERE session_id = $1`, [sessionId])
      .catch(() => []);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  private async sessionRanges(sessionId: string): Promise<RangeEntity[]> {
    const ranges = await this.dataSource.manager.find(RangeEntity, {
      where: { sessionId, status: Not('destroyed') },
      order: { createdAt: 'ASC' },
    });
    if (ranges.length === 0) throw new ScoringNotFoundError(`session ${sessionId} has no ranges`);
    return ranges;
  }

  async board(sessionId: string): Promise<SessionBoard> {
    const ranges = await this.sessionRanges(sessionId);
    const ids = ranges.map((r) => r.id);
    const [events, runs, names, clock] = await Promise.all([
      this.dataSource.manager.find(ScoreEventEntity, { where: { rangeId: In(ids) }, order: { id: 'ASC' } }),
      this.dataSource.manager.find(AttackRunEntity, { where: { rangeId: In(ids) }, order: { ranAt: 'ASC' } }),
      this.teamNames(sessionId),
      this.clocks.get({ sessionId }),
    ]);
    const teams = ranges.map((range) => {
      const mine = events.filter((e) => e.rangeId === range.id);
      const myRuns = runs.filter((r) => r.rangeId === range.id);
      const metrics = teamMetrics(mine.map(toLedger), myRuns);
      const objectives = (range.blueprint as unknown as RangeBlueprint | null)?.scenario?.objectives ?? [];
      const progress = PHASES.map((phase) => {
        const inPhase = objectives.filter((o) => o.phase === phase);
        return {
          phase,
          met: inPhase.filter((o) => metrics.firstMetMs[o.id] !== undefined).length,
          total: inPhase.length,
          points: metrics.pointsByPhase[phase],
        };
      });
      const lastScore = mine[mine.length - 1];
      const lastRun = myRuns[myRuns.length - 1];
      let lastEvent: TeamBoardRow['lastEvent'] = null;
      if (lastScore && (!lastRun || lastScore.at >= lastRun.ranAt)) {
        lastEvent = { at: lastScore.at, kind: 'score', summary: `${lastScore.type}${lastScore.objectiveId ? ` ${lastScore.objectiveId}` : ''} (${lastScore.points})` };
      } else if (lastRun) {
        lastEvent = { at: lastRun.ranAt, kind: 'attack-step', summary: `${lastRun.stepId} ${lastRun.status}` };
      }
      return {
        rangeId: range.id,
        teamId: range.teamId,
        teamName: names.get(range.teamId) ?? null,
        rangeStatus: range.status,
        rangeProblem: range.status === 'degraded' || range.status === 'failed' ? range.failureReason : null,
        score: metrics.score,
        maxScore: maxScore(objectives),
        progress,
        metrics,
        lastEvent,
      };
    });
    return { sessionId, clock: clock ? this.clocks.view(clock) : null, teams };
  }

  /** One range's score and clock (the trainee console's header): rebuilt from the ledger like the board's. */
  async teamStanding(rangeId: string): Promise<TeamStanding> {
    const range = await this.dataSource.manager.findOne(RangeEntity, { where: { id: rangeId } });
    if (!range) throw new ScoringNotFoundError(`range ${rangeId} does not exist`);
    const [events, runs, clock] = await Promise.all([
      this.dataSource.manager.find(ScoreEventEntity, { where: { rangeId }, order: { id: 'ASC' } }),
      this.dataSource.manager.find(AttackRunEntity, { where: { rangeId }, order: { ranAt: 'ASC' } }),
      this.clocks.clockOfRange(range),
    ]);
    const metrics = teamMetrics(events.map(toLedger), runs);
    const view = clock ? this.clocks.view(clock) : null;
    return {
      rangeId,
      score: metrics.score,
      pointsByPhase: metrics.pointsByPhase,
      clock: view ? { state: view.state, speed: view.speed, scenarioMs: view.scenarioMs } : null,
    };
  }

  /** A submitted incident report with its IOC results and grade. */
  async report(reportId: string): Promise<ReportView> {
    const r = await this.dataSource.manager.findOne(IncidentReportEntity, { where: { id: reportId } });
    if (!r) throw new ScoringNotFoundError(`report ${reportId} does not exist`);
    return {
      id: r.id,
      rangeId: r.rangeId,
      objectiveId: r.objectiveId,
      submittedBy: r.submittedBy,
      submittedAt: r.submittedAt,
      content: r.content,
      iocResults: r.iocResults,
      autoPoints: r.autoPoints,
      rubricPoints: r.rubricPoints,
      rubric: r.rubric,
      gradedBy: r.gradedBy,
      gradedAt: r.gradedAt,
    };
  }

  async timeline(rangeId: string): Promise<TimelineEntry[]> {
    if (!(await this.dataSource.manager.exists(RangeEntity, { where: { id: rangeId } }))) {
      throw new ScoringNotFoundError(`range ${rangeId} does not exist`);
    }
    const [runs, events, notes, reports, commands, flags] = await Promise.all([
      this.dataSource.manager.find(AttackRunEntity, { where: { rangeId } }),
      this.dataSource.manager.find(ScoreEventEntity, { where: { rangeId } }),
      this.dataSource.manager.find(InstructorNoteEntity, { where: { rangeId } }),
      this.dataSource.manager.find(IncidentReportEntity, { where: { rangeId } }),
      this.dataSource.manager.find(RangeEventEntity, { where: { rangeId, kind: RANGE_EVENT_TERMINAL_COMMAND } }),
      this.dataSource.manager.find(CopyFlagEntity, { where: [{ submitterRangeId: rangeId }, { ownerRangeId: rangeId }] }),
    ]);
    const entries: TimelineEntry[] = [
      ...runs.map((r) => ({
        at: r.ranAt,
        scenarioMs: r.scenarioMs,
        kind: 'attack-step' as const,
        type: r.status,
        ref: r.stepId,
        phase: null,
        points: 0,
        summary: `exit ${r.exitCode}${r.output ? `: ${r.output.slice(0, 160)}` : ''}`,
      })),
      ...events.map((e) => ({
        at: e.at,
        scenarioMs: e.scenarioMs,
        kind: 'score' as const,
        type: e.type,
        ref: e.objectiveId,
        phase: e.phase,
        points: e.points,
        summary: `${e.type}${e.objectiveId ? ` ${e.objectiveId}` : ''} by ${e.actor}`,
      })),
      // Command lines entered in the team's terminals (libs/terminal writes them to the range's history).
      ...commands.map((c) => {
        const d = c.details as { node?: string; userName?: string; user?: string; scenarioMs?: number | null; enteredAt?: string };
        return {
          at: d.enteredAt ? new Date(d.enteredAt) : c.at,
          scenarioMs: typeof d.scenarioMs === 'number' ? d.scenarioMs : null,
          kind: 'command' as const,
          type: 'command',
          ref: d.node ?? null,
          phase: null,
          points: 0,
          summary: `${d.userName ?? d.user ?? '?'}@${d.node ?? '?'}$ ${c.message}`,
        };
      }),
      ...notes.map((n) => ({ at: n.at, scenarioMs: null, kind: 'note' as const, type: 'note', ref: n.id, phase: null, points: 0, summary: `${n.author}: ${n.text}` })),
      ...reports.map((r) => ({
        at: r.submittedAt,
        scenarioMs: null,
        kind: 'report' as const,
        type: r.gradedAt ? 'report-graded' : 'report-submitted',
        ref: r.id,
        phase: 'report',
        points: 0,
        summary: `report for ${r.objectiveId}: IOC points ${r.autoPoints}${r.rubricPoints !== null ? `, rubric ${r.rubricPoints}` : ', awaiting grading'}`,
      })),
      // A copy flag is on both teams' timelines: the one that submitted the value and the one it belongs to.
      ...flags.map((f) => ({
        at: f.at,
        scenarioMs: f.scenarioMs,
        kind: 'copy-flag' as const,
        type: 'copy-suspected',
        ref: f.id,
        phase: null,
        points: 0,
        summary:
          f.submitterRangeId === rangeId
            ? `copy suspected: the ${f.source} submitted for ${f.objectiveId} is team ${f.ownerTeamId}'s`
            : `copy suspected: team ${f.submitterTeamId} submitted this team's ${f.source} for ${f.objectiveId}`,
      })),
    ];
    return entries.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.scenarioMs ?? 0) - (b.scenarioMs ?? 0));
  }

  async addNote(rangeId: string, author: string, text: string): Promise<InstructorNoteEntity> {
    if (!(await this.dataSource.manager.exists(RangeEntity, { where: { id: rangeId } }))) {
      throw new ScoringNotFoundError(`range ${rangeId} does not exist`);
    }
    return this.dataSource.manager.save(this.dataSource.manager.create(InstructorNoteEntity, { rangeId, author, text, at: new Date() }));
  }

  async exportSession(sessionId: string) {
    const board = await this.board(sessionId);
    const teams = [];
    for (const team of board.teams) teams.push({ ...team, timeline: await this.timeline(team.rangeId) });
    return { sessionId, exportedAt: new Date().toISOString(), clock: board.clock, teams };
  }

  async exportSessionCsv(sessionId: string): Promise<string> {
    const data = await this.exportSession(sessionId);
    const header = ['session_id', 'team_id', 'team_name', 'range_id', 'team_score', 'at', 'at_jst', 'scenario_ms', 'kind', 'type', 'ref', 'phase', 'points', 'summary'];
    const rows = data.teams.flatMap((t) =>
      t.timeline.map((e) => [sessionId, t.teamId, t.teamName, t.rangeId, t.score, e.at, jstWallTime(e.at), e.scenarioMs, e.kind, e.type, e.ref, e.phase, e.points, e.summary]),
    );
    return csvTable(header, rows);
  }

  /**
   * Achievement per objective and Plan/Do shares by course, across finished sessions only (those with an
   * after-action archive: scores frozen, nothing still moving); no personal data.
   */
  async aggregateByCourse(): Promise<CourseAggregate[]> {
    const ranges: Array<{ id: string; session_id: string; course: string; blueprint: RangeBlueprint | null }> = await this.dataSource.query(`
      SELECT r.id, r.session_id, COALESCE(s.course_code, 'template:' || r.template_id) AS course, r.blueprint
      FROM ranges r JOIN session_archives a ON a.session_id = r.session_id LEFT JOIN sessions s ON s.id = r.session_id`);
    const met: Array<{ range_id: string; objective_id: string }> = await this.dataSource.query(
      `SELECT range_id, objective_id FROM score_events WHERE type = 'objective_met'`,
    );
    const reports: Array<{ range_id: string; content: { selfAnalysis?: Array<{ cause?: string }> } }> = await this.dataSource.query(
      `SELECT range_id, content FROM incident_reports`,
    );
    const metSet = new Set(met.map((m) => `${m.range_id}/${m.objective_id}`));
    const byCourse = new Map<string, typeof ranges>();
    for (const r of ranges) byCourse.set(r.course, [...(byCourse.get(r.course) ?? []), r]);
    return [...byCourse.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([course, list]) => {
      const rates = new Map<string, CourseObjectiveRate>();
      for (const r of list) {
        for (const o of r.blueprint?.scenario?.objectives ?? []) {
          const rate = rates.get(o.id) ?? { course, objectiveId: o.id, phase: o.phase, ranges: 0, met: 0, achievementRate: 0 };
          rate.ranges += 1;
          if (metSet.has(`${r.id}/${o.id}`)) rate.met += 1;
          rates.set(o.id, rate);
        }
      }
      const ids = new Set(list.map((r) => r.id));
      const causes = reports.filter((rep) => ids.has(rep.range_id)).flatMap((rep) => rep.content.selfAnalysis ?? []);
      const plan = causes.filter((c) => c.cause === 'plan').length;
      const doCount = causes.filter((c) => c.cause === 'do').length;
      const total = plan + doCount;
      return {
        course,
        sessions: new Set(list.map((r) => r.session_id)).size,
        teams: list.length,
        objectives: [...rates.values()].map((r) => ({ ...r, achievementRate: r.ranges ? r.met / r.ranges : 0 })),
        selfAnalysis: { plan, do: doCount, planShare: total ? plan / total : null, doShare: total ? doCount / total : null },
      };
    });
  }
}
