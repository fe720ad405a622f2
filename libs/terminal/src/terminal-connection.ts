import { Injectable, Logger } from '@nestjs/common';
import { isDomainError } from '@app/errors';
import { parseClientControl, type TerminalClient } from './protocol.js';
import type { Participant, TerminalSession } from './terminal-session.js';
import { TerminalService } from './terminal.service.js';
import { TerminalTickets } from './terminal-tickets.js';

/** Frames a client may send before its terminal is bound (while the ticket is checked). */
const MAX_EARLY_FRAMES = 256;

/**
 * One WebSocket's life, transport-free: the gateway creates it when the socket connects, passes
 * every frame to receive() and calls disconnected() when it closes. Frames that arrive while
 * the ticket is checked are kept and replayed in order.
 */
export class TerminalConnection {
  private bound: { session: TerminalSession; participant: Participant } | null = null;
  private early: Array<{ data: Buffer; text: boolean }> = [];
  private gone = false;
  private readonly logger = new Logger('TerminalConnection');

  constructor(
    private readonly client: TerminalClient,
    private readonly terminals: TerminalService,
    private readonly tickets: TerminalTickets,
  ) {}

  /** Consumes the ticket and opens (or watches) the terminal it grants; tells the client why not. */
  async open(ticket: string | null): Promise<void> {
    const grant = ticket ? await this.tickets.consume(ticket).catch(() => null) : null;
    if (!grant) {
      this.client.sendControl({ type: 'closed', reason: 'ticket-invalid', message: 'the ticket is unknown, used or expired: ask for a new one' });
      this.client.close('ticket-invalid', 'ticket unknown, used or expired');
      return;
    }
    try {
      const bound =
        grant.mode === 'watch'
          ? this.terminals.watch(grant.caller, grant.terminalId ?? '', this.client)
          : await this.terminals.open(grant.caller, grant.rangeId, grant.node, this.client);
      if (this.gone) {
        this.release(bound);
        return;
      }
      this.bound = bound;
      for (const frame of this.early) this.deliver(frame.data, frame.text);
      this.early = [];
    } catch (err) {
      const message = isDomainError(err) ? err.message : 'the terminal could not be opened';
      if (!isDomainError(err)) this.logger.warn(`terminal not opened: ${(err as Error).message}`);
      this.client.sendControl({ type: 'closed', reason: 'refused', message });
      this.client.close('refused', message.slice(0, 120));
    }
  }

  receive(data: Buffer, text: boolean): void {
    if (this.gone) return;
    if (!this.bound) {
      if (this.early.length < MAX_EARLY_FRAMES) this.early.push({ data, text });
      return;
    }
    this.deliver(data, text);
  }

  private deliver(data: Buffer, text: boolean): void {
    const { session, participant } = this.bound!;
    const control = text ? parseClientControl(data.toString('utf8')) : null;
    if (control) session.control(participant, control);
    else session.input(participant, data);
  }

  /** The socket closed: an owner's terminal ends (its processes are killed), a watcher just leaves. */
  disconnected(): void {
    if (this.gone) return;
    this.gone = true;
    if (this.bound) this.release(this.bound);
  }

  private release({ session, participant }: { session: TerminalSession; participant: Participant }): void {
    if (participant.mode === 'shell') void session.close('client-closed', 'the client closed the terminal');
    else session.detach(participant);
  }
}

/** Creates the connection of each accepted socket. */
@Injectable()
export class TerminalConnections {
  constructor(
    private readonly terminals: TerminalService,
    private readonly tickets: TerminalTickets,
  ) {}

  accept(client: TerminalClient): TerminalConnection {
    return new TerminalConnection(client, this.terminals, this.tickets);
  }
}
