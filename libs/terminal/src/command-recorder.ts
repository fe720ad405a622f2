import { Injectable, Logger } from '@nestjs/common';
import { RANGE_EVENT_TERMINAL_COMMAND, RangeEntity } from '@app/database';
import { RangeEventLog } from '@app/ranges';
import { ScenarioClockService } from '@app/scenario';
import { DataSource } from 'typeorm';
import { actorOf, type TerminalCaller } from './terminal-caller.js';
import type { TerminalSession } from './terminal-session.js';

/** Lines waiting to be written per terminal; beyond it lines are counted, not kept (a flood of pasted lines). */
const MAX_QUEUED_LINES = 200;

/**
 * Writes every command line entered in a terminal to the team's timeline (the range's history,
 * through its one writer, RangeEventLog), with node, user and scenario time. Writes of one
 * terminal are in order; a failing write is logged, never fails the terminal.
 */
@Injectable()
export class CommandRecorder {
  private readonly logger = new Logger(CommandRecorder.name);
  private readonly queues = new Map<string, { lines: Array<{ by: TerminalCaller; line: string; at: Date }>; dropped: number; running: boolean }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: RangeEventLog,
    private readonly clocks: ScenarioClockService,
  ) {}

  record(session: TerminalSession, by: TerminalCaller, line: string): void {
    let queue = this.queues.get(session.id);
    if (!queue) this.queues.set(session.id, (queue = { lines: [], dropped: 0, running: false }));
    if (queue.lines.length >= MAX_QUEUED_LINES) queue.dropped += 1;
    else queue.lines.push({ by, line, at: new Date() });
    if (!queue.running) void this.drain(session, queue);
  }

  /** Resolves once every line recorded so far for the terminal is written. */
  async flush(terminalId: string): Promise<void> {
    while (this.queues.get(terminalId)?.running) await new Promise((r) => setTimeout(r, 20));
  }

  /** Drops the terminal's queue once it is closed and written. */
  async forget(terminalId: string): Promise<void> {
    await this.flush(terminalId);
    this.queues.delete(terminalId);
  }

  private async drain(session: TerminalSession, queue: { lines: Array<{ by: TerminalCaller; line: string; at: Date }>; dropped: number; running: boolean }): Promise<void> {
    queue.running = true;
    try {
      const range = await this.dataSource.manager.findOne(RangeEntity, { where: { id: session.target.rangeId } });
      while (queue.lines.length) {
        const { by, line, at } = queue.lines.shift()!;
        const scenarioMs = range ? await this.clocks.scenarioMsOfRange(range, undefined, at).catch(() => null) : null;
        await this.events.append(session.target.rangeId, RANGE_EVENT_TERMINAL_COMMAND, line, {
          node: session.target.node,
          user: actorOf(by),
          userName: by.displayName,
          shellUser: session.target.user,
          terminalId: session.id,
          scenarioMs,
          enteredAt: at.toISOString(),
        });
      }
      if (queue.dropped) {
        await this.events.append(session.target.rangeId, 'terminal.commands-dropped', `${queue.dropped} command lines not recorded (entered faster than they could be written)`, {
          node: session.target.node,
          terminalId: session.id,
        });
        queue.dropped = 0;
      }
    } catch (err) {
      this.logger.warn(`terminal ${session.id}: command not recorded: ${(err as Error).message}`);
      queue.lines = [];
    } finally {
      queue.running = false;
    }
  }
}
