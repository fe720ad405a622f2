import { Injectable } from '@nestjs/common';
import { RangeEntity, TeamEntity } from '@app/database';
import { JobName, JobQueue, LiveEvents } from '@app/queue';
import { RangeService, type RangeView } from '@app/ranges';
import { ACTIVE_RANGE_STATUSES, type ClockView, ScenarioClockService } from '@app/scenario';
import { BoardService } from '@app/scoring';
import type { RangeBlueprint } from '@app/templates';
import { randomUUID } from 'node:crypto';
import { DataSource, In, Not } from 'typeorm';
import { InvalidSessionDayRequestError, SessionDayNotFoundError } from './errors.js';

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
    const targets = ranges.filter((r) => ((r.blueprint as unknown as RangeBlueprint | null)?.scenario?.attack ?? []).some((s) => s.id === input.stepId));
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
