import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@app/config';
import {
  RangeEntity,
  ScenarioClockEntity,
  SessionArchiveEntity,
  SessionDayEntity,
  SessionEntity,
  SessionRangeSetEntity,
  type SessionStatus,
  SessionTeamExtensionEntity,
  TeamEntity,
} from '@app/database';
import { JobName, JobQueue } from '@app/queue';
import { RangeService, RangeStatusError, type SessionRangesView } from '@app/ranges';
import { ClockTransitionError, ScenarioClockService } from '@app/scenario';
import { SESSION_TRANSITIONS, SessionService, SessionTransitionError, transitionRefusal, type SessionView } from '@app/scheduling';
import { DataSource, In, IsNull, Not } from 'typeorm';
import { nextDayStep, type DayStep, type SessionFacts, type TeamEnd } from './day-rules.js';
import { InvalidSessionDayRequestError, SessionDayNotFoundError } from './errors.js';
import { HostCapacity } from './host-capacity.js';
import { SessionArchiver, SYSTEM_ACTOR } from './session-archiver.js';
import { SessionLocks } from './session-locks.js';

export interface RangeRequest {
  /** The template; the session's override or its course's configured one when absent. */
  templateId?: string;
  /** Teams of the session to give a range (404 for one that is not); every team without a live range when absent. */
  teamIds?: string[];
  teardownAt?: Date;
  provisionAt?: Date;
  startsAt?: Date;
  leadMinutes?: number;
}

/** What a range request did: ranges asked for (the set), or waiting for host capacity (position, 1 = next). */
export interface RangeRequestOutcome {
  ranges: SessionRangesView | null;
  waitingPosition: number | null;
}

export interface SessionDayView {
  sessionId: string;
  status: SessionStatus;
  statusReason: string | null;
  templateId: string | null;
  /** When the ranges are provisioned automatically (the lead time before the start). */
  provisionAt: Date;
  ranges: { status: string; ready: number; total: number } | null;
  /** Place in the line of sessions waiting for host capacity (1 = next); null when not waiting. */
  waitingPosition: number | null;
  capacityWarning: string | null;
  holdRanges: boolean;
  archivedAt: Date | null;
  /** When the ranges go (the grace after the end), unless held. */
  teardownAt: Date | null;
  /** Teams given extra time: their clock ends this much after the session's end. */
  extendedTeams: Array<{ teamId: string; extraMinutes: number; endsAt: Date }>;
}

export interface TransitionOutcome {
  session: SessionView;
  warnings: string[];
}

const MAX_STEPS_PER_SYNC = 8;

/**
 * The one owner of a session's life cycle: closed (teams formed) ->
 * provisioning when its ranges are requested (automatically a lead time
 * before the start, or by hand) -> ready when every team's range is ready ->
 * running when the scenario clock starts -> finished when it ends (final
 * evaluation, frozen scores, archive). The rule of each next step is
 * nextDayStep (day-rules.ts); this class gathers the facts and applies it.
 *
 * It sits above scheduling, ranges, scenario and scoring and imports them;
 * none of them imports it. Ranges tell it of a change through a
 * `sessions.sync` job, the clock through its change listener, and the
 * repeatable `sessions.tick` catches up on anything due or missed.
 */
@Injectable()
export class SessionLifecycle implements OnModuleInit {
  private readonly logger = new Logger(SessionLifecycle.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly sessions: SessionService,
    private readonly ranges: RangeService,
    private readonly clocks: ScenarioClockService,
    private readonly jobs: JobQueue,
    private readonly capacity: HostCapacity,
    private readonly archiver: SessionArchiver,
    private readonly locks: SessionLocks,
  ) {}

  onModuleInit(): void {
    this.clocks.onClockChange(async ({ clock }) => {
      if (clock.rangeId) return;
      await this.jobs
        .add(JobName.SyncSession, { v: 1, sessionId: clock.sessionId }, { sessionId: clock.sessionId, reason: `clock.g${clock.generation}` })
        .catch((err: Error) => this.logger.warn(`session ${clock.sessionId}: sync after a clock change not sent: ${err.message}`));
    });
  }

  private get timing() {
    return { leadMs: this.config.SESSION_LEAD_SECONDS * 1000, graceMs: this.config.SESSION_TEARDOWN_GRACE_SECONDS * 1000 };
  }

  /**
   * A status change asked for by hand. provisioning requests the ranges, running
   * starts the scenario clock, finished ends the session, cancelled (and closed
   * from provisioning) tear the ranges down; ready is never set by hand.
   */
  async transition(sessionId: string, to: SessionStatus, actor: string, reason?: string): Promise<TransitionOutcome> {
    const from = (await this.sessions.get(sessionId)).status;
    const refusal = transitionRefusal(from, to);
    if (refusal) throw new SessionTransitionError(refusal, from, to, SESSION_TRANSITIONS[from]);
    const warnings: string[] = [];
    switch (to) {
      case 'provisioning': {
        const outcome = await this.requestRanges(sessionId, {}, actor);
        if (outcome.waitingPosition) warnings.push(`the range host is full: the ranges wait for capacity (position ${outcome.waitingPosition})`);
        break;
      }
      case 'ready':
        throw new SessionTransitionError(
          `a session becomes ready by itself once every team's range is ready; it is ${from}`,
          from,
          to,
          SESSION_TRANSITIONS[from],
        );
      case 'running':
        await this.clocks.control({ sessionId }, 'start', { id: actor, role: 'instructor' }).catch((err: unknown) => {
          if (!(err instanceof ClockTransitionError)) throw err;
        });
        await this.sync(sessionId);
        break;
      case 'finished':
        await this.locks.withSession(sessionId, () => this.archiver.finish(sessionId, actor, reason ?? 'ended by hand'));
        break;
      case 'cancelled':
      case 'closed': {
        await this.sessions.transition(sessionId, to, actor, reason);
        if (to === 'cancelled' || from === 'provisioning') await this.teardownRanges(sessionId);
        if (to === 'closed') {
          const warning = await this.capacity.overlapWarning(sessionId);
          await this.saveDay(sessionId, { capacityWarning: warning });
          if (warning) warnings.push(warning);
        }
        break;
      }
      default:
        await this.sessions.transition(sessionId, to, actor, reason);
    }
    // A session leaving closed by hand (reopened, cancelled) no longer waits for capacity.
    if (to === 'open' || to === 'cancelled') await this.saveDay(sessionId, { waitingSince: null });
    return { session: await this.sessions.get(sessionId), warnings };
  }

  /**
   * Asks for a session's ranges: only a closed session with teams (or one
   * whose provisioning is to resume); failed ranges are retried, teams without
   * a live range get one. When the host's capacity is taken, the session waits
   * in line (sessions waiting longer go first) and the tick asks again.
   */
  async requestRanges(sessionId: string, input: RangeRequest, actor: string, now = new Date()): Promise<RangeRequestOutcome> {
    // A request that contradicts itself is refused (400, every field) before anything is looked up.
    this.ranges.checkRequest(input, now);
    const scheduled = await this.dataSource.manager.exists(SessionEntity, { where: { id: sessionId } });
    // Ranges belong to a scheduled session (foreign keys); an unknown one is 404 like any unknown id.
    if (!scheduled) throw new SessionDayNotFoundError(`session ${sessionId} does not exist`);
    return this.locks.withCapacity(() => this.admit(sessionId, input, actor, now));
  }

  private async admit(sessionId: string, input: RangeRequest, actor: string, now: Date): Promise<RangeRequestOutcome> {
    const session = await this.dataSource.manager.findOneOrFail(SessionEntity, { where: { id: sessionId } });
    const from = session.status;
    if (from !== 'closed' && from !== 'provisioning') {
      throw new SessionTransitionError(
        `ranges can be requested only for a closed session with teams; this session is ${from}`,
        from,
        'provisioning',
        SESSION_TRANSITIONS[from],
      );
    }
    const teams = await this.dataSource.manager.find(TeamEntity, { where: { sessionId }, select: { id: true } });
    if (teams.length === 0) {
      throw new SessionTransitionError('the session has no teams to give ranges to: close its enrollment to form them', from, 'provisioning', SESSION_TRANSITIONS[from]);
    }
    const unknownTeams = input.teamIds?.filter((id) => !teams.some((t) => t.id === id)) ?? [];
    // A team of no session, or of another one, is unknown here (404, as for any unknown id).
    if (unknownTeams.length) throw new SessionDayNotFoundError(`team(s) ${unknownTeams.join(', ')} of session ${sessionId} do not exist`);
    const templateId = input.templateId ?? (await this.capacity.templateOf(sessionId, session.courseCode));
    if (!templateId) {
      throw new InvalidSessionDayRequestError(`no range template is configured for course ${session.courseCode} (COURSE_TEMPLATES); give templateId`, [
        { field: 'templateId', messages: [`no template configured for course ${session.courseCode}`] },
      ]);
    }
    const live = await this.dataSource.manager.find(RangeEntity, { where: { sessionId, status: Not('destroyed') } });
    const wanted = input.teamIds ?? teams.map((t) => t.id);
    const missing = wanted.filter((teamId) => !live.some((r) => r.teamId === teamId));
    const failed = live.filter((r) => wanted.includes(r.teamId) && (r.status === 'failed' || r.status === 'degraded'));
    if (missing.length === 0 && failed.length === 0) {
      throw new SessionTransitionError(`every team of the session already has a range (${from})`, from, 'provisioning', SESSION_TRANSITIONS[from]);
    }

    const footprint = await this.capacity.footprint(templateId);
    const demand = { containers: footprint.containers * missing.length, memoryMb: footprint.memoryMb * missing.length };
    const day = await this.dataSource.manager.findOne(SessionDayEntity, { where: { sessionId } });
    // Strict order: nobody overtakes a session that has waited longer.
    const earlier = await this.waitingBefore(sessionId, day?.waitingSince ?? now);
    if (earlier > 0 || !this.capacity.fits(await this.capacity.inUse(), demand)) {
      if (!day?.waitingSince) await this.saveDay(sessionId, { waitingSince: now });
      return { ranges: null, waitingPosition: earlier + 1 };
    }

    await this.dataSource.transaction(async (manager) => {
      if (from === 'closed') await this.sessions.transition(sessionId, 'provisioning', actor, 'ranges requested', manager);
      await this.saveDay(sessionId, { requestedAt: now, waitingSince: null }, manager);
    });
    try {
      for (const range of failed) await this.ranges.retry(range.id);
      let view: SessionRangesView | null = null;
      if (missing.length) {
        view = await this.ranges.provisionSession(
          sessionId,
          { templateId, teamIds: missing, teardownAt: input.teardownAt, provisionAt: input.provisionAt, startsAt: input.startsAt, leadMinutes: input.leadMinutes },
          now,
        );
      }
      return { ranges: view ?? (await this.ranges.listForSession(sessionId)), waitingPosition: null };
    } catch (err) {
      // Nothing was created (a bad template, a refused request): back to closed, with the reason.
      const stillNone = (await this.dataSource.manager.count(RangeEntity, { where: { sessionId, status: Not('destroyed') } })) === 0;
      if (stillNone) {
        await this.sessions.transition(sessionId, 'closed', actor, `ranges not requested: ${(err as Error).message}`).catch(() => undefined);
      }
      throw err;
    }
  }

  /** Tears down every live range of the session (each teardown is idempotent). */
  async teardownRanges(sessionId: string): Promise<number> {
    const live = await this.dataSource.manager.find(RangeEntity, { where: { sessionId, status: Not('destroyed') }, select: { id: true } });
    for (const range of live) {
      await this.ranges.teardown(range.id).catch((err: unknown) => {
        if (!(err instanceof RangeStatusError)) throw err;
      });
    }
    return live.length;
  }

  async facts(sessionId: string): Promise<SessionFacts | null> {
    const m = this.dataSource.manager;
    const session = await m.findOne(SessionEntity, { where: { id: sessionId } });
    if (!session) return null;
    const [teams, set, live, clock, archive, day] = await Promise.all([
      m.count(TeamEntity, { where: { sessionId } }),
      m.findOne(SessionRangeSetEntity, { where: { sessionId } }),
      m.find(RangeEntity, { where: { sessionId, status: Not('destroyed') }, select: { id: true, status: true, failureReason: true, teamId: true } }),
      m.findOne(ScenarioClockEntity, { where: { sessionId, rangeId: IsNull() } }),
      m.findOne(SessionArchiveEntity, { where: { sessionId }, select: { sessionId: true, finishedAt: true } }),
      m.findOne(SessionDayEntity, { where: { sessionId } }),
    ]);
    const failed = live.filter((r) => r.status === 'failed' || r.status === 'degraded');
    return {
      teamEnds: await this.teamEnds(sessionId, session.endsAt, live),
      status: session.status,
      startsAt: session.startsAt,
      endsAt: session.endsAt,
      teams,
      ranges: set
        ? {
            setStatus: set.status,
            live: live.length,
            active: live.filter((r) => r.status === 'pending' || r.status === 'provisioning' || r.status === 'resetting').length,
            failed: failed.length,
            failureReasons: failed.map((r) => `team ${r.teamId}: ${r.failureReason ?? r.status}`),
          }
        : null,
      clock: clock?.state ?? null,
      archivedAt: archive?.finishedAt ?? null,
      waiting: !!day?.waitingSince,
      hold: day?.holdRanges ?? false,
    };
  }

  /**
   * Each live range's end and own clock, when any team of the session was given extra time
   * (InstructorControls.extendTeam); undefined otherwise, so an ordinary day costs one query.
   */
  private async teamEnds(sessionId: string, endsAt: Date, live: Array<Pick<RangeEntity, 'id' | 'teamId'>>): Promise<TeamEnd[] | undefined> {
    const m = this.dataSource.manager;
    const extensions = await m.find(SessionTeamExtensionEntity, { where: { sessionId } });
    if (extensions.length === 0 || live.length === 0) return undefined;
    const own = await m.find(ScenarioClockEntity, { where: { sessionId, rangeId: In(live.map((r) => r.id)) }, select: { id: true, rangeId: true, state: true } });
    return live.map((r) => ({
      rangeId: r.id,
      endsAt: new Date(endsAt.getTime() + (extensions.find((e) => e.teamId === r.teamId)?.extraSeconds ?? 0) * 1000),
      clock: own.find((c) => c.rangeId === r.id)?.state ?? null,
    }));
  }

  /** Moves one session along its day as far as it can go now; safe to run again at any time. */
  async sync(sessionId: string, now = () => new Date()): Promise<DayStep[]> {
    return this.locks.withSession(sessionId, async () => {
      const done: DayStep[] = [];
      for (let i = 0; i < MAX_STEPS_PER_SYNC; i++) {
        const facts = await this.facts(sessionId);
        if (!facts) break;
        const step = nextDayStep(facts, now(), this.timing);
        if (step.kind === 'none') break;
        const progressed = await this.apply(sessionId, step);
        done.push(step);
        if (!progressed) break;
      }
      return done;
    });
  }

  /** Applies one step; false when it could not progress (waiting, or refused), so the sync stops. */
  private async apply(sessionId: string, step: DayStep): Promise<boolean> {
    this.logger.log(`session ${sessionId}: ${step.kind}${'to' in step ? ` -> ${step.to}` : ''}${'why' in step ? ` (${step.why})` : ''}`);
    try {
      switch (step.kind) {
        case 'request-ranges':
          return (await this.requestRanges(sessionId, {}, SYSTEM_ACTOR)).waitingPosition === null;
        case 'move':
          await this.sessions.transition(sessionId, step.to, SYSTEM_ACTOR, step.reason);
          return true;
        case 'start-clock':
          await this.clocks.control({ sessionId }, 'start', { id: SYSTEM_ACTOR, role: 'operator' }).catch((err: unknown) => {
            if (!(err instanceof ClockTransitionError)) throw err;
          });
          return true;
        case 'finish':
          await this.archiver.finish(sessionId, SYSTEM_ACTOR, step.why);
          return true;
        case 'end-team-clocks':
          // Each range gets its own clock (a copy of the session's) and it stops: that team's scores freeze.
          for (const rangeId of step.rangeIds) {
            await this.clocks.forkRangeClock(sessionId, rangeId);
            await this.clocks.control({ sessionId, rangeId }, 'stop', { id: SYSTEM_ACTOR, role: 'operator' }).catch((err: unknown) => {
              if (!(err instanceof ClockTransitionError)) throw err;
            });
          }
          return true;
        case 'teardown':
          await this.teardownRanges(sessionId);
          return false;
        default:
          return false;
      }
    } catch (err) {
      this.logger.warn(`session ${sessionId}: ${step.kind} failed: ${(err as Error).message}`);
      throw err;
    }
  }

  /** Sessions with something that may be due; those waiting for capacity first, in their order. */
  async dueSessions(now = new Date()): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT s.id FROM sessions s
         LEFT JOIN session_range_sets rs ON rs.session_id = s.id
         LEFT JOIN session_archives a ON a.session_id = s.id
         LEFT JOIN session_days d ON d.session_id = s.id
        WHERE s.status IN ('provisioning', 'ready', 'running')
           OR (s.status = 'closed' AND s.ends_at > $1 AND (s.starts_at - make_interval(secs => $2) <= $1 OR d.waiting_since IS NOT NULL OR rs.status = 'provisioning'))
           OR (s.status = 'finished' AND a.session_id IS NULL)
           OR (s.status IN ('finished', 'cancelled') AND rs.status IS NOT NULL AND rs.status <> 'destroyed')
        ORDER BY d.waiting_since ASC NULLS LAST, s.starts_at ASC`,
      [now, this.config.SESSION_LEAD_SECONDS],
    );
    return rows.map((r) => r.id);
  }

  /** One pass over every session with something due (the repeatable sessions.tick). */
  async tick(): Promise<{ sessions: number; steps: number; failed: number }> {
    let steps = 0;
    let failed = 0;
    const due = await this.dueSessions();
    for (const id of due) {
      try {
        steps += (await this.sync(id)).length;
      } catch {
        failed += 1;
      }
    }
    return { sessions: due.length, steps, failed };
  }

  async view(sessionId: string): Promise<SessionDayView> {
    const session = await this.sessions.get(sessionId);
    const [day, set, ranges, archive, extensions] = await Promise.all([
      this.dataSource.manager.findOne(SessionDayEntity, { where: { sessionId } }),
      this.dataSource.manager.findOne(SessionRangeSetEntity, { where: { sessionId } }),
      this.dataSource.manager.find(RangeEntity, { where: { sessionId, status: Not('destroyed') }, select: { id: true, status: true } }),
      this.dataSource.manager.findOne(SessionArchiveEntity, { where: { sessionId }, select: { sessionId: true, finishedAt: true } }),
      this.dataSource.manager.find(SessionTeamExtensionEntity, { where: { sessionId }, order: { teamId: 'ASC' } }),
    ]);
    const waitingPosition = day?.waitingSince ? 1 + (await this.waitingBefore(sessionId, day.waitingSince)) : null;
    const hold = day?.holdRanges ?? false;
    return {
      sessionId,
      status: session.status,
      statusReason: session.statusReason,
      templateId: day?.templateId ?? this.capacity.courseTemplate(session.courseCode),
      provisionAt: new Date(session.startsAt.getTime() - this.timing.leadMs),
      ranges: set ? { status: set.status, ready: ranges.filter((r) => r.status === 'ready').length, total: ranges.length } : null,
      waitingPosition,
      capacityWarning: day?.capacityWarning ?? null,
      holdRanges: hold,
      archivedAt: archive?.finishedAt ?? null,
      teardownAt: archive && !hold ? new Date(archive.finishedAt.getTime() + this.timing.graceMs) : null,
      extendedTeams: extensions.map((e) => ({
        teamId: e.teamId,
        extraMinutes: e.extraSeconds / 60,
        endsAt: new Date(session.endsAt.getTime() + e.extraSeconds * 1000),
      })),
    };
  }

  /** The operator's settings of a session's day: its template (override of the course's) and holding its ranges after the end. */
  async configure(sessionId: string, input: { templateId?: string | null; holdRanges?: boolean }, actor: string): Promise<SessionDayView> {
    await this.sessions.get(sessionId);
    // An unknown template is a TemplateNotFoundError (404).
    if (input.templateId) await this.capacity.requireTemplate(input.templateId);
    await this.saveDay(sessionId, {
      ...(input.templateId !== undefined ? { templateId: input.templateId } : {}),
      ...(input.holdRanges !== undefined ? { holdRanges: input.holdRanges } : {}),
    });
    this.logger.log(`session ${sessionId}: day settings changed by ${actor}: ${JSON.stringify(input)}`);
    await this.jobs.add(JobName.SyncSession, { v: 1, sessionId }, { sessionId, reason: `settings.${Date.now()}` });
    return this.view(sessionId);
  }

  /** Sessions (other than this one) waiting for capacity since before `since`. */
  private async waitingBefore(sessionId: string, since: Date): Promise<number> {
    return this.dataSource.manager
      .createQueryBuilder(SessionDayEntity, 'd')
      .where('d.waiting_since IS NOT NULL AND d.session_id <> :id AND (d.waiting_since, d.session_id) < (:since, :id)', { since, id: sessionId })
      .getCount();
  }

  private async saveDay(sessionId: string, patch: Partial<Omit<SessionDayEntity, 'sessionId'>>, manager = this.dataSource.manager): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(SessionDayEntity)
      .values({ sessionId, ...patch })
      .orUpdate([...Object.keys(patch).map((k) => COLUMN[k as keyof typeof COLUMN]), 'updated_at'], ['session_id'])
      .execute();
  }
}

const COLUMN = {
  templateId: 'template_id',
  requestedAt: 'requested_at',
  waitingSince: 'waiting_since',
  holdRanges: 'hold_ranges',
  capacityWarning: 'capacity_warning',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const;

