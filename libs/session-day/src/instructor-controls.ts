import { Injectable } from '@nestjs/common';
import { RangeEntity, SessionEntity, SessionTeamExtensionEntity, TeamEntity } from '@app/database';
import type { FieldError } from '@app/errors';
import { JobName, JobQueue, LiveEvents } from '@app/queue';
import { RangeService, type RangeView } from '@app/ranges';
import { ACTIVE_RANGE_STATUSES, type ClockView, ScenarioClockService } from '@app/scenario';
import { BoardService } from '@app/scoring';
import { type AttackStep, type RangeBlueprint, substituteDeep, TemplateCatalog } from '@app/templates';
import { randomUUID } from 'node:crypto';
import { DataSource, In, Not } from 'typeorm';
import { InvalidSessionDayRequestError, SessionDayConflictError, SessionDayNotFoundError } from './errors.js';
import { SessionLocks } from './session-locks.js';

/** The most extra time one team may be given in all. */
export const MAX_TEAM_EXTENSION_MINUTES = 240;

export interface MessageInput {
  text: string;
  /** One team; every team of the session when absent. */
  teamId?: string;
}

export interface InjectInput {
  stepId: string;
  teamId?: string;
  /** The caller's idempotency key: the same inject sent twice runs once. */
  injectId?: string;
}

export interface OneOffInjectInput {
  /** One attack step as a template writes it (id, node, argv, title, precondition, stage, timeoutSeconds); no offset. */
  step: unknown;
  teamId?: string;
  /** The caller's idempotency key: the same inject sent twice runs once. */
  injectId?: string;
}

export interface TeamExtension {
  sessionId: string;
  teamId: string;
  rangeId: string;
  /** Given by this request. */
  minutes: number;
  /** Given to the team in all. */
  extraMinutes: number;
  /** When the team's clock stops: the session's end plus its extra time. */
  endsAt: Date;
  sessionEndsAt: Date;
}

export interface SentMessage {
  at: Date;
  teamIds: string[];
}

export interface SentInject {
  injectId: string;
  stepId: string;
  rangeIds: string[];
}

/**
 * What instructors do live during a session: a message to every team or one
 * (the trainee stream shows it; each team's timeline keeps it), a manual
 * inject of a template's attack step (for one team or all, run once), pausing
 * and resuming one team's clock, and resetting one team's range (confirmed by
 * the team's name; recorded in its timeline).
 */
@Injectable()
export class InstructorControls {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly live: LiveEvents,
    private readonly board: BoardService,
    private readonly ranges: RangeService,
    private readonly clocks: ScenarioClockService,
    private readonly catalog: TemplateCatalog,
    private readonly locks: SessionLocks,
  ) {}

  /** The session's ranges (of one team when given) in the given statuses; 404 when there are none. */
  private async rangesOf(sessionId: string, teamId: string | undefined, statuses?: readonly string[]): Promise<RangeEntity[]> {
    const ranges = await this.dataSource.manager.find(RangeEntity, {
      where: { sessionId, ...(teamId ? { teamId } : {}), status: statuses ? In([...statuses]) : Not('destroyed') },
      order: { createdAt: 'ASC' },
    });
    if (ranges.length === 0) {
      throw new SessionDayNotFoundError(teamId ? `team ${teamId} has no live range in session ${sessionId}` : `session ${sessionId} has no live ranges`);
    }
    return ranges;
  }

  async message(sessionId: string, input: MessageInput, actor: string): Promise<SentMessage> {
    const ranges = await this.rangesOf(sessionId, input.teamId);
    const at = new Date();
    for (const range of ranges) await this.board.addNote(range.id, actor, `message to ${input.teamId ? 'the team' : 'all teams'}: ${input.text}`);
    await this.live.publish({
      sessionId,
      ...(input.teamId ? { teamId: input.teamId } : {}),
      type: 'message',
      at: at.toISOString(),
      data: { text: input.text, from: actor },
    });
    return { at, teamIds: [...new Set(ranges.map((r) => r.teamId))] };
  }

  async inject(sessionId: string, input: InjectInput, actor: string): Promise<SentInject> {
    const ranges = await this.rangesOf(sessionId, input.teamId, ACTIVE_RANGE_STATUSES);
    const targets = ranges.filter((r) => (blueprintOf(r)?.scenario?.attack ?? []).some((s) => s.id === input.stepId));
    if (targets.length === 0) {
      throw new InvalidSessionDayRequestError(`no live range of this session has an attack step "${input.stepId}"`, [
        { field: 'stepId', messages: [`unknown attack step "${input.stepId}"`] },
      ]);
    }
    const injectId = input.injectId ?? randomUUID();
    for (const range of targets) {
      await this.jobs.add(JobName.InjectAttackStep, { v: 1, injectId, rangeId: range.id, stepId: input.stepId, actor }, { injectId, rangeId: range.id });
      await this.board.addNote(range.id, actor, `inject of attack step ${input.stepId} (${injectId})`);
    }
    return { injectId, stepId: input.stepId, rangeIds: targets.map((r) => r.id) };
  }

  /**
   * A one-off attack step, not among the template's steps, for one team or all: checked against each
   * target range's template exactly as the template's own steps are (libs/templates checkOneOffStep:
   * shape, node, ${variables}, no clash with the template's step ids, a node and command of the
   * template's steps), rendered with each range's variables, then run once per range like an inject
   * (job id from injectId and the range; attack_runs unique by range and step id). Trainees see it
   * as they see every step: by title.
   */
  async oneOffInject(sessionId: string, input: OneOffInjectInput, actor: string): Promise<SentInject> {
    const targets = await this.rangesOf(sessionId, input.teamId, ACTIVE_RANGE_STATUSES);
    const checked = new Map<string, AttackStep>();
    for (const templateId of new Set(targets.map((r) => blueprintOf(r)?.templateId ?? ''))) {
      const result = this.catalog.checkStep(templateId, input.step);
      if (!result.step) {
        const byField = new Map<string, string[]>();
        for (const issue of result.issues) {
          const field = issue.path ? `step.${issue.path}` : 'step';
          byField.set(field, [...(byField.get(field) ?? []), issue.message]);
        }
        const fields: FieldError[] = [...byField].map(([field, messages]) => ({ field, messages }));
        throw new InvalidSessionDayRequestError(`the one-off step is not a valid attack step of template ${templateId}`, fields);
      }
      checked.set(templateId, result.step);
    }
    const injectId = input.injectId ?? randomUUID();
    let stepId = '';
    for (const range of targets) {
      const blueprint = blueprintOf(range);
      const step = substituteDeep(checked.get(blueprint?.templateId ?? '')!, blueprint?.variables ?? {});
      stepId = step.id;
      // Sent again with the same injectId: the job exists (or ran) and the timeline already has its note.
      if (await this.jobs.find(JobName.InjectAttackStep, { injectId, rangeId: range.id })) continue;
      await this.jobs.add(JobName.InjectAttackStep, { v: 1, injectId, rangeId: range.id, stepId: step.id, actor, oneOff: step }, { injectId, rangeId: range.id });
      await this.board.addNote(range.id, actor, `one-off inject of attack step ${step.id} "${step.title.en}" on ${step.node}: ${step.argv.join(' ')} (${injectId})`);
    }
    return { injectId, stepId, rangeIds: targets.map((r) => r.id) };
  }

  /**
   * Gives one team extra time: its clock ends `minutes` later than the session's (extensions add up,
   * at most MAX_TEAM_EXTENSION_MINUTES). At the session's end the other teams' clocks stop and the
   * session finishes when the last extended team's time ends (nextDayStep). Scenario time itself is
   * not touched, so time bonus windows (scenario seconds from the start, or from the step an
   * objective follows) are not stretched: the extra minutes can earn an objective's points, never a
   * bonus the team had not earned in time. Recorded in the team's timeline and on its stream.
   */
  async extendTeam(sessionId: string, teamId: string, minutes: number, actor: string): Promise<TeamExtension> {
    return this.locks.withSession(sessionId, async () => {
      const session = await this.dataSource.manager.findOne(SessionEntity, { where: { id: sessionId } });
      if (!session) throw new SessionDayNotFoundError(`session ${sessionId} does not exist`);
      const team = await this.dataSource.manager.findOne(TeamEntity, { where: { id: teamId, sessionId } });
      if (!team) throw new SessionDayNotFoundError(`team ${teamId} does not exist in session ${sessionId}`);
      if (session.status !== 'ready' && session.status !== 'running') {
        throw new SessionDayConflictError(`a team can be given extra time only while its session is ready or running; this session is ${session.status}`, {
          status: session.status,
        });
      }
      const [range] = await this.rangesOf(sessionId, teamId, ACTIVE_RANGE_STATUSES);
      const now = new Date();
      const before = await this.dataSource.manager.findOne(SessionTeamExtensionEntity, { where: { sessionId, teamId } });
      const endedAt = new Date(session.endsAt.getTime() + (before?.extraSeconds ?? 0) * 1000);
      if (now >= endedAt) {
        throw new SessionDayConflictError(`team ${team.name}'s time ended at ${endedAt.toISOString()}: its clock is stopped`, { endsAt: endedAt.toISOString() });
      }
      const rows: Array<{ extra_seconds: number }> = await this.dataSource.query(
        `INSERT INTO session_team_extensions (session_id, team_id, extra_seconds) VALUES ($1, $2, $3)
         ON CONFLICT (session_id, team_id) DO UPDATE SET extra_seconds = session_team_extensions.extra_seconds + EXCLUDED.extra_seconds, updated_at = now()
           WHERE session_team_extensions.extra_seconds + EXCLUDED.extra_seconds <= $4
         RETURNING extra_seconds`,
        [sessionId, teamId, Math.round(minutes * 60), MAX_TEAM_EXTENSION_MINUTES * 60],
      );
      if (rows.length === 0 || rows[0]!.extra_seconds > MAX_TEAM_EXTENSION_MINUTES * 60) {
        throw new SessionDayConflictError(
          `team ${team.name} already has ${(before?.extraSeconds ?? 0) / 60} extra minute(s); at most ${MAX_TEAM_EXTENSION_MINUTES} in all`,
          { extraMinutes: (before?.extraSeconds ?? 0) / 60, maxMinutes: MAX_TEAM_EXTENSION_MINUTES },
        );
      }
      const extraSeconds = rows[0]!.extra_seconds;
      const endsAt = new Date(session.endsAt.getTime() + extraSeconds * 1000);
      await this.board.addNote(range!.id, actor, `extra time: ${minutes} min (${extraSeconds / 60} in all); the team's clock ends at ${endsAt.toISOString()}; time bonus windows unchanged`);
      await this.live.publish({
        sessionId,
        teamId,
        rangeId: range!.id,
        type: 'extension',
        at: now.toISOString(),
        data: { minutes, extraMinutes: extraSeconds / 60, endsAt: endsAt.toISOString() },
      });
      return { sessionId, teamId, rangeId: range!.id, minutes, extraMinutes: extraSeconds / 60, endsAt, sessionEndsAt: session.endsAt };
    });
  }

  /** Pauses or resumes one team: its range gets its own clock, forked from the session's at this instant. */
  async teamClock(sessionId: string, teamId: string, action: 'pause' | 'resume', actor: string): Promise<ClockView> {
    const [range] = await this.rangesOf(sessionId, teamId, ACTIVE_RANGE_STATUSES);
    await this.clocks.forkRangeClock(sessionId, range!.id);
    const clock = await this.clocks.control({ sessionId, rangeId: range!.id }, action, { id: actor, role: 'instructor' });
    await this.board.addNote(range!.id, actor, `team clock ${action === 'pause' ? 'paused' : 'resumed'}`);
    return clock;
  }

  /** Resets one team's range to T0; `confirm` must be the team's name. */
  async resetTeam(sessionId: string, teamId: string, confirm: string, actor: string): Promise<RangeView> {
    const team = await this.dataSource.manager.findOne(TeamEntity, { where: { id: teamId, sessionId } });
    if (!team) throw new SessionDayNotFoundError(`team ${teamId} does not exist in session ${sessionId}`);
    if (confirm.trim() !== team.name) {
      throw new InvalidSessionDayRequestError(`confirm with the team's name ("${team.name}") to reset its range`, [
        { field: 'confirm', messages: [`must be the team's name ("${team.name}")`] },
      ]);
    }
    const [range] = await this.rangesOf(sessionId, teamId, ['ready', 'degraded']);
    const view = await this.ranges.reset(range!.id);
    await this.board.addNote(range!.id, actor, `range reset to T0 (confirmed)`);
    return view;
  }
}

function blueprintOf(range: RangeEntity): RangeBlueprint | null {
  return range.blueprint as unknown as RangeBlueprint | null;
}
