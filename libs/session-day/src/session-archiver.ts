import { Injectable, Logger } from '@nestjs/common';
import { RangeEntity, ScenarioClockEntity, SessionArchiveEntity, SessionEntity } from '@app/database';
import { ACTIVE_RANGE_STATUSES, ClockTransitionError, ScenarioClockService } from '@app/scenario';
import { SessionService } from '@app/scheduling';
import { BoardService, EvaluationService, ScoringNotFoundError } from '@app/scoring';
import { DataSource, In } from 'typeorm';
import { SessionDayNotFoundError } from './errors.js';

export const SYSTEM_ACTOR = 'system:session-day';

export interface SessionArchiveView {
  sessionId: string;
  finishedAt: Date;
  exportJson: Record<string, unknown>;
  exportCsv: string;
}

/**
 * End-of-session work: stop the clock, a final evaluation of every live range,
 * then in one transaction the after-action archive (JSON with every timeline,
 * and CSV) and the move to finished. Each step can run again: a worker that
 * dies half-way leaves the session running with its clock stopped, and the
 * next sync finishes it. Once archived, the score ledger refuses new events
 * of the session (frozen scores).
 */
@Injectable()
export class SessionArchiver {
  private readonly logger = new Logger(SessionArchiver.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly clocks: ScenarioClockService,
    private readonly evaluations: EvaluationService,
    private readonly board: BoardService,
    private readonly sessions: SessionService,
  ) {}

  async finish(sessionId: string, actor: string, why: string): Promise<void> {
    // The session's clock and every team clock forked from it (a team paused alone).
    const clocks = await this.dataSource.manager.find(ScenarioClockEntity, { where: { sessionId, state: In(['running', 'paused']) } });
    for (const clock of clocks) {
      await this.clocks.control({ sessionId, rangeId: clock.rangeId ?? undefined }, 'stop', { id: actor, role: 'operator' }).catch((err: unknown) => {
        if (!(err instanceof ClockTransitionError)) throw err;
      });
    }
    const ranges = await this.dataSource.manager.find(RangeEntity, { where: { sessionId, status: In([...ACTIVE_RANGE_STATUSES]) } });
    for (const range of ranges) {
      await this.evaluations.evaluate(range.id).catch((err: Error) => this.logger.warn(`final evaluation of range ${range.id}: ${err.message}`));
    }
    await this.dataSource.transaction(async (manager) => {
      // FOR UPDATE waits for score writes in flight (the ledger holds the session row FOR KEY SHARE) and keeps new ones out until the archive is there.
      const session = await manager.findOne(SessionEntity, { where: { id: sessionId }, lock: { mode: 'pessimistic_write' } });
      if (!session) throw new SessionDayNotFoundError(`session ${sessionId} does not exist`);
      if (await manager.exists(SessionArchiveEntity, { where: { sessionId } })) return;
      const finishedAt = new Date();
      const exported = await this.board.exportSession(sessionId).catch((err: unknown) => {
        if (err instanceof ScoringNotFoundError) return { sessionId, exportedAt: finishedAt.toISOString(), clock: null, teams: [] };
        throw err;
      });
      const csv = exported.teams.length ? await this.board.exportSessionCsv(sessionId) : '';
      await manager.insert(SessionArchiveEntity, {
        sessionId,
        finishedAt,
        exportJson: JSON.parse(JSON.stringify({ ...exported, finishedAt: finishedAt.toISOString(), why })) as never,
        exportCsv: csv,
      });
      if (session.status === 'running') await this.sessions.transition(sessionId, 'finished', actor, why, manager);
    });
    this.logger.log(`session ${sessionId} finished (${why}); ${ranges.length} range(s) evaluated and archived`);
  }

  async get(sessionId: string): Promise<SessionArchiveView> {
    const archive = await this.dataSource.manager.findOne(SessionArchiveEntity, { where: { sessionId } });
    if (!archive) throw new SessionDayNotFoundError(`session ${sessionId} has no after-action archive (it has not finished)`);
    return { sessionId, finishedAt: archive.finishedAt, exportJson: archive.exportJson, exportCsv: archive.exportCsv };
  }
}
