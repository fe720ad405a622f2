import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { Role } from '@app/access';
import { AppConfig } from '@app/config';
import { type ContainerRuntime, InjectRuntime } from '@app/docker';
import { RangeEventLog } from '@app/ranges';
import { CommandRecorder } from './command-recorder.js';
import { TerminalNotFoundError, TerminalRefusedError } from './errors.js';
import type { CloseReason, TerminalClient, TerminalMode } from './protocol.js';
import { actorOf, terminalCaller, type TerminalCaller } from './terminal-caller.js';
import { TerminalSession, type Participant, type TerminalSettings, type TerminalState } from './terminal-session.js';
import { TerminalTargets } from './terminal-targets.js';
import { TerminalTickets } from './terminal-tickets.js';

export interface TerminalView {
  id: string;
  rangeId: string;
  sessionId: string;
  teamId: string;
  node: string;
  shellUser: string;
  openedBy: { id: string; role: Role; displayName: string };
  openedAt: Date;
  lastInputAt: Date;
  state: TerminalState;
  /** The shell's session id inside the node (its process group leader). */
  sid: number | null;
  watchers: number;
  heldBy: string | null;
}

export interface TicketView {
  ticket: string;
  expiresAt: Date;
  mode: TerminalMode;
  terminalId: string | null;
}

/**
 * Interactive terminals on range nodes: tickets, opening (limits per user and per node), watching
 * and taking over, the operators' list and close, and closing everything before the API stops.
 * Terminals live in the API process that holds their WebSocket.
 */
@Injectable()
export class TerminalService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Terminals');
  private readonly sessions = new Map<string, TerminalSession>();
  /** History writes not yet done, so shutdown waits for them before the database closes. */
  private readonly writes = new Set<Promise<void>>();
  private readonly settings: TerminalSettings;

  constructor(
    config: AppConfig,
    @InjectRuntime() private readonly runtime: ContainerRuntime,
    private readonly targets: TerminalTargets,
    private readonly tickets: TerminalTickets,
    private readonly recorder: CommandRecorder,
    private readonly events: RangeEventLog,
  ) {
    this.settings = {
      idleMs: config.TERMINAL_IDLE_SECONDS * 1000,
      scrollBackBytes: config.TERMINAL_SCROLLBACK_BYTES,
      takeoverMs: config.TERMINAL_TAKEOVER_SECONDS * 1000,
      maxClientBufferBytes: 8 * 1024 * 1024,
      maxPendingInputBytes: 64 * 1024,
      startTimeoutMs: 15000,
    };
    this.maxPerUser = config.TERMINAL_MAX_PER_USER;
    this.maxPerNode = config.TERMINAL_MAX_PER_NODE;
  }

  private readonly maxPerUser: number;
  private readonly maxPerNode: number;

  /** A single-use ticket to open a shell on the node (mode shell) or watch one of its terminals (mode watch). */
  async issueTicket(principal: TerminalCaller, rangeId: string, node: string, mode: TerminalMode, terminalId?: string): Promise<TicketView> {
    const caller = terminalCaller(principal);
    if (mode === 'watch') {
      if (caller.role === Role.Trainee) throw new TerminalRefusedError('not-watchable', 'only instructors and operators watch terminals');
      await this.targets.rangeFor(caller, rangeId, node);
      const session = this.watchable(rangeId, node, terminalId);
      const issued = await this.tickets.issue({ caller, rangeId, node, mode, terminalId: session.id });
      return { ...issued, mode, terminalId: session.id };
    }
    await this.targets.resolve(caller, rangeId, node);
    this.checkLimits(caller, rangeId, node);
    const issued = await this.tickets.issue({ caller, rangeId, node, mode });
    return { ...issued, mode, terminalId: null };
  }

  /** The open terminal to watch: the one named, or the node's most recently opened. */
  private watchable(rangeId: string, node: string, terminalId?: string): TerminalSession {
    const open = [...this.sessions.values()].filter(
      (s) => s.target.rangeId === rangeId && s.target.node === node && (s.state === 'ready' || s.state === 'starting') && (!terminalId || s.id === terminalId),
    );
    const session = open.sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime())[0];
    if (!session) throw new TerminalNotFoundError(terminalId ? `terminal ${terminalId} is not open on ${node}` : `no terminal is open on ${node}`);
    return session;
  }

  private checkLimits(caller: TerminalCaller, rangeId: string, node: string): void {
    const live = [...this.sessions.values()].filter((s) => s.state === 'starting' || s.state === 'ready');
    const mine = live.filter((s) => s.owner.caller.id === caller.id && s.owner.caller.kind === caller.kind).length;
    if (mine >= this.maxPerUser) {
      throw new TerminalRefusedError('user-limit', `you already have ${mine} terminals open (at most ${this.maxPerUser}): close one first`, { limit: this.maxPerUser });
    }
    const onNode = live.filter((s) => s.target.rangeId === rangeId && s.target.node === node).length;
    if (onNode >= this.maxPerNode) {
      throw new TerminalRefusedError('node-limit', `node ${node} already has ${onNode} terminals open (at most ${this.maxPerNode})`, { limit: this.maxPerNode });
    }
  }

  /**
   * Opens a shell for the client on the node, as its template's shell user. Resolves once the exec
   * is attached; the client hears "ready" when the shell runs (input before that is kept).
   */
  async open(caller: TerminalCaller, rangeId: string, node: string, client: TerminalClient): Promise<{ session: TerminalSession; participant: Participant }> {
    const { target } = await this.targets.resolve(caller, rangeId, node);
    // Checked and registered in one turn of the event loop: concurrent opens cannot both pass.
    this.checkLimits(caller, rangeId, node);
    const participant: Participant = { caller, mode: 'shell', client };
    const session = new TerminalSession(target, participant, this.runtime, this.settings, {
      command: (s, by, line) => this.recorder.record(s, by, line),
      closed: (s, reason, killed) => this.onClosed(s, reason, killed),
    });
    this.sessions.set(session.id, session);
    await session.start();
    this.track(this.events
      .append(rangeId, 'terminal.opened', `${caller.displayName} opened a terminal on ${node} as ${target.user}`, {
        node,
        user: actorOf(caller),
        shellUser: target.user,
        terminalId: session.id,
      })
      .catch((err: Error) => this.logger.warn(`terminal.opened not recorded: ${err.message}`)));
    return { session, participant };
  }

  /** Adds the client to an open terminal as a watcher (read-only until it takes over). */
  watch(caller: TerminalCaller, terminalId: string, client: TerminalClient): { session: TerminalSession; participant: Participant } {
    const session = this.sessions.get(terminalId);
    if (!session || session.state === 'closing' || session.state === 'closed') throw new TerminalNotFoundError(`terminal ${terminalId} is not open`);
    const participant: Participant = { caller, mode: 'watch', client };
    session.watch(participant);
    return { session, participant };
  }

  get(terminalId: string): TerminalSession | undefined {
    return this.sessions.get(terminalId);
  }

  list(): TerminalView[] {
    return [...this.sessions.values()].map((s) => view(s));
  }

  /** An operator closes a terminal: its clients are told why and its processes killed. */
  async close(terminalId: string, by: TerminalCaller): Promise<TerminalView> {
    const session = this.sessions.get(terminalId);
    if (!session) throw new TerminalNotFoundError(`terminal ${terminalId} is not open`);
    const closedView = view(session);
    await session.close('closed-by-operator', `closed by ${by.displayName}`);
    return { ...closedView, state: session.state };
  }

  private onClosed(session: TerminalSession, reason: CloseReason, killed: number[] | null): void {
    this.sessions.delete(session.id);
    this.track(this.recorder.forget(session.id));
    this.track(this.events
      .append(session.target.rangeId, 'terminal.closed', `terminal on ${session.target.node} closed: ${reason}`, {
        node: session.target.node,
        user: actorOf(session.owner.caller),
        terminalId: session.id,
        reason,
        sid: session.sid,
        killedProcesses: killed?.length ?? null,
      })
      .catch((err: Error) => this.logger.warn(`terminal.closed not recorded: ${err.message}`)));
  }

  private track(write: Promise<void>): void {
    this.writes.add(write);
    void write.catch(() => undefined).finally(() => this.writes.delete(write));
  }

  /** Before the runtime's connections close: every terminal's shell session is killed. */
  async beforeApplicationShutdown(): Promise<void> {
    const open = [...this.sessions.values()];
    if (open.length) this.logger.log(`closing ${open.length} terminals`);
    await Promise.all(open.map((s) => s.close('api-shutdown', 'the API is stopping')));
    await Promise.all([...this.writes]);
  }
}

function view(s: TerminalSession): TerminalView {
  const holder = s.heldBy;
  return {
    id: s.id,
    rangeId: s.target.rangeId,
    sessionId: s.target.sessionId,
    teamId: s.target.teamId,
    node: s.target.node,
    shellUser: s.target.user,
    openedBy: { id: s.owner.caller.id, role: s.owner.caller.role, displayName: s.owner.caller.displayName },
    openedAt: s.openedAt,
    lastInputAt: s.lastInputAt,
    state: s.state,
    sid: s.sid,
    watchers: s.watcherCount,
    heldBy: holder ? holder.displayName : null,
  };
}
