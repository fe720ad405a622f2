import { Injectable } from '@nestjs/common';
import { RedisClient } from '@app/queue';
import { randomBytes } from 'node:crypto';
import type { TerminalMode } from './protocol.js';
import type { TerminalCaller } from './terminal-caller.js';

/** What a ticket lets its bearer do, once. */
export interface TicketGrant {
  caller: TerminalCaller;
  rangeId: string;
  node: string;
  mode: TerminalMode;
  /** The terminal to watch (mode watch). */
  terminalId?: string;
}

export const TICKET_TTL_SECONDS = 30;

/**
 * Short-lived single-use tickets in Redis: an authenticated REST call gets one for (caller, team,
 * range, node), the WebSocket presents it in its URL. GETDEL consumes it atomically, so a ticket
 * opens at most one terminal, in whichever API process the socket reaches.
 */
@Injectable()
export class TerminalTickets {
  constructor(private readonly redis: RedisClient) {}

  private key(token: string): string {
    return this.redis.key('terminal-ticket', token);
  }

  async issue(grant: TicketGrant): Promise<{ ticket: string; expiresAt: Date }> {
    const ticket = randomBytes(32).toString('base64url');
    await this.redis.redis.set(this.key(ticket), JSON.stringify(grant), 'EX', TICKET_TTL_SECONDS, 'NX');
    return { ticket, expiresAt: new Date(Date.now() + TICKET_TTL_SECONDS * 1000) };
  }

  /** The grant, or null when the ticket is unknown, used or expired. */
  async consume(ticket: string): Promise<TicketGrant | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(ticket)) return null;
    const value = await this.redis.redis.getdel(this.key(ticket));
    return value ? (JSON.parse(value) as TicketGrant) : null;
  }
}
