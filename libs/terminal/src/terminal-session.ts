import { Logger } from '@nestjs/common';
import { Role } from '@app/access';
import type { ContainerRuntime, InteractiveExec } from '@app/docker';
import { randomUUID } from 'node:crypto';
import { CommandLineSplitter } from './command-lines.js';
import type { CloseReason, ClientControl, ServerControl, TerminalClient, TerminalMode } from './protocol.js';
import { ScrollBack } from './scroll-back.js';
import { killArgv, parseSessionId, shellArgv, TERMINAL_MARKER_ENV } from './shell-process.js';
import type { TerminalCaller } from './terminal-caller.js';

export interface TerminalTarget {
  rangeId: string;
  sessionId: string;
  teamId: string;
  node: string;
  containerId: string;
  /** The account the shell runs as (the template's shellUser). */
  user: string;
}

export interface TerminalSettings {
  idleMs: number;
  scrollBackBytes: number;
  takeoverMs: number;
  /** Output queued for one client beyond which it is dropped (a watcher) or the terminal closed (its owner). */
  maxClientBufferBytes: number;
  /** Input kept while the shell starts. */
  maxPendingInputBytes: number;
  /** How long the shell may take to print its session id. */
  startTimeoutMs: number;
}

export interface TerminalHooks {
  /** A command line was entered (by the owner, or by an instructor holding the terminal). */
  command(session: TerminalSession, by: TerminalCaller, line: string): void;
  /** The terminal is gone: its processes are killed (or the kill failed and was logged). */
  closed(session: TerminalSession, reason: CloseReason, killed: number[] | null): void;
}

export interface Participant {
  readonly caller: TerminalCaller;
  readonly mode: TerminalMode;
  readonly client: TerminalClient;
}

export type TerminalState = 'starting' | 'ready' | 'closing' | 'closed';

const KILL_TIMEOUT_MS = 15000;
const START_ENV_TERM = 'xterm-256color';

/**
 * One interactive shell on a range node and the clients attached to it: its owner (who typed
 * into it) and watchers (read-only, unless an instructor takes over for a while). Output goes to
 * every client and into a bounded scroll-back; input is held until the shell has printed its
 * session id (so nothing typed early is lost); closing kills the shell's whole session.
 */
export class TerminalSession {
  readonly id = randomUUID();
  readonly openedAt = new Date();
  lastInputAt = new Date();
  sid: number | null = null;
  private stateValue: TerminalState = 'starting';
  private exec: InteractiveExec | null = null;
  private head: Buffer = Buffer.alloc(0);
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly scroll: ScrollBack;
  private readonly lines = new CommandLineSplitter();
  private readonly watchers = new Set<Participant>();
  private holder: { participant: Participant; until: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private startTimer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  private readonly logger = new Logger('Terminal');

  constructor(
    readonly target: TerminalTarget,
    readonly owner: Participant,
    private readonly runtime: ContainerRuntime,
    private readonly settings: TerminalSettings,
    private readonly hooks: TerminalHooks,
  ) {
    this.scroll = new ScrollBack(settings.scrollBackBytes);
  }

  get state(): TerminalState {
    return this.stateValue;
  }

  get marker(): string {
    return `${TERMINAL_MARKER_ENV}=${this.id}`;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  get heldBy(): TerminalCaller | null {
    return this.holder && this.holder.until > Date.now() ? this.holder.participant.caller : null;
  }

  /** Starts the shell; resolves once the exec is attached (the client hears "ready" once it runs). */
  async start(): Promise<void> {
    try {
      this.exec = await this.runtime.execInteractive(this.target.containerId, shellArgv(), {
        user: this.target.user,
        env: { [TERMINAL_MARKER_ENV]: this.id, TERM: START_ENV_TERM },
        size: { cols: 80, rows: 24 },
      });
    } catch (err) {
      this.logger.warn(`terminal ${this.id} on ${this.target.rangeId}/${this.target.node} did not start: ${(err as Error).message}`);
      await this.close('start-failed', 'the shell could not be started');
      throw err;
    }
    if (this.stateValue !== 'starting') {
      // Closed while the exec was being created: end it now.
      this.exec.stream.destroy();
      await this.killProcesses();
      return;
    }
    const stream = this.exec.stream;
    stream.on('data', (chunk: Buffer) => this.onOutput(chunk));
    stream.on('end', () => void this.close('shell-exited', 'the shell has exited'));
    stream.on('close', () => void this.close('shell-exited', 'the shell has exited'));
    stream.on('error', (err: Error) => {
      this.logger.warn(`terminal ${this.id} stream: ${err.message}`);
      void this.close('shell-exited', 'the terminal stream failed');
    });
    this.startTimer = setTimeout(() => void this.close('start-failed', 'the shell did not start in time'), this.settings.startTimeoutMs);
    const tick = Math.max(200, Math.min(this.settings.idleMs / 4, 5000));
    this.timer = setInterval(() => this.onTick(), tick);
  }

  private onOutput(chunk: Buffer): void {
    if (this.stateValue === 'starting') {
      this.head = Buffer.concat([this.head, chunk]);
      let parsed;
      try {
        parsed = parseSessionId(this.head);
      } catch (err) {
        this.logger.warn(`terminal ${this.id}: ${(err as Error).message}`);
        void this.close('start-failed', 'the shell could not be started');
        return;
      }
      if (parsed.sid === null || parsed.rest === null) return;
      this.sid = parsed.sid;
      this.head = Buffer.alloc(0);
      this.stateValue = 'ready';
      if (this.startTimer) clearTimeout(this.startTimer);
      const ready: ServerControl = { type: 'ready', terminalId: this.id, node: this.target.node, user: this.target.user, mode: 'shell' };
      this.owner.client.sendControl(ready);
      for (const w of this.watchers) w.client.sendControl({ ...ready, mode: 'watch' });
      for (const input of this.pending) this.exec!.stream.write(input);
      this.pending = [];
      this.pendingBytes = 0;
      if (parsed.rest.length) this.broadcast(parsed.rest);
      return;
    }
    if (this.stateValue === 'ready') this.broadcast(chunk);
  }

  private broadcast(chunk: Buffer): void {
    this.scroll.push(chunk);
    if (this.owner.client.bufferedAmount > this.settings.maxClientBufferBytes) {
      void this.close('client-too-slow', 'the terminal produced output faster than the client read it');
      return;
    }
    this.owner.client.sendOutput(chunk);
    for (const w of this.watchers) {
      if (w.client.bufferedAmount > this.settings.maxClientBufferBytes) {
        this.detach(w);
        w.client.close('client-too-slow', 'the watcher read the output too slowly');
      } else {
        w.client.sendOutput(chunk);
      }
    }
  }

  /** A frame of terminal input from a client. */
  input(from: Participant, data: Buffer): void {
    if (this.stateValue === 'closing' || this.stateValue === 'closed') return;
    const held = this.heldBy;
    const allowed = held ? from === this.holder!.participant : from === this.owner;
    if (!allowed) return;
    this.lastInputAt = new Date();
    for (const line of this.lines.feed(data)) this.hooks.command(this, from.caller, line);
    if (this.stateValue === 'starting') {
      if (this.pendingBytes + data.length > this.settings.maxPendingInputBytes) return;
      this.pending.push(data);
      this.pendingBytes += data.length;
      return;
    }
    this.exec!.stream.write(data);
  }

  /** A control message from a client. */
  control(from: Participant, message: ClientControl): void {
    if (this.stateValue === 'closing' || this.stateValue === 'closed') return;
    switch (message.type) {
      case 'resize': {
        const held = this.heldBy;
        if ((held ? from !== this.holder!.participant : from !== this.owner) || !this.exec) return;
        this.exec.resize({ cols: message.cols, rows: message.rows }).catch((err: Error) => this.logger.debug(`resize: ${err.message}`));
        return;
      }
      case 'takeover': {
        if (from.mode !== 'watch' || (from.caller.role !== Role.Instructor && from.caller.role !== Role.Operator)) return;
        const until = Date.now() + this.settings.takeoverMs;
        this.holder = { participant: from, until };
        this.lastInputAt = new Date();
        this.announce({ type: 'takeover', by: from.caller.displayName, role: from.caller.role, until: new Date(until).toISOString() });
        return;
      }
      case 'release':
        if (this.holder?.participant === from) this.release();
        return;
    }
  }

  private release(): void {
    if (!this.holder) return;
    const by = this.holder.participant.caller.displayName;
    this.holder = null;
    this.announce({ type: 'released', by });
  }

  private announce(message: ServerControl): void {
    this.owner.client.sendControl(message);
    for (const w of this.watchers) w.client.sendControl(message);
  }

  /** Adds a read-only client: it gets the scroll-back, then the live output. */
  watch(participant: Participant): void {
    if (this.stateValue === 'closing' || this.stateValue === 'closed') {
      participant.client.close('terminal-closed', 'the terminal is closed');
      return;
    }
    this.watchers.add(participant);
    if (this.stateValue === 'ready') {
      participant.client.sendControl({ type: 'ready', terminalId: this.id, node: this.target.node, user: this.target.user, mode: 'watch' });
    }
    const kept = this.scroll.snapshot();
    if (kept.length) participant.client.sendOutput(kept);
    this.owner.client.sendControl({ type: 'watcher', watchers: this.watchers.size });
  }

  /** A watcher left. */
  detach(participant: Participant): void {
    if (!this.watchers.delete(participant)) return;
    if (this.holder?.participant === participant) this.release();
    if (this.stateValue === 'ready') this.owner.client.sendControl({ type: 'watcher', watchers: this.watchers.size });
  }

  private onTick(): void {
    if (this.holder && this.holder.until <= Date.now()) this.release();
    if (Date.now() - this.lastInputAt.getTime() >= this.settings.idleMs) {
      void this.close('idle-timeout', `no input for ${Math.round(this.settings.idleMs / 1000)} s`);
    }
  }

  /**
   * Ends the terminal: every client hears why, the stream is detached and the shell's session
   * killed. Idempotent; resolves when the kill has run.
   */
  close(reason: CloseReason, message: string): Promise<void> {
    if (this.closing) return this.closing;
    this.stateValue = 'closing';
    if (this.timer) clearInterval(this.timer);
    if (this.startTimer) clearTimeout(this.startTimer);
    this.closing = (async () => {
      for (const p of [this.owner, ...this.watchers]) {
        try {
          p.client.sendControl({ type: 'closed', reason, message });
          p.client.close(reason, message);
        } catch {
          // The client is already gone.
        }
      }
      this.watchers.clear();
      this.holder = null;
      this.exec?.stream.removeAllListeners('data');
      this.exec?.stream.on('error', () => undefined);
      this.exec?.stream.destroy();
      const killed = this.exec ? await this.killProcesses() : [];
      this.stateValue = 'closed';
      this.hooks.closed(this, reason, killed);
    })();
    return this.closing;
  }

  /** Kills the shell's session and every marked process; the PIDs killed, or null when the kill failed. */
  private async killProcesses(): Promise<number[] | null> {
    try {
      const result = await this.runtime.exec(this.target.containerId, killArgv(this.sid, this.marker), {
        user: this.target.user,
        timeoutMs: KILL_TIMEOUT_MS,
      });
      const line = result.stdout.split('\n').find((l) => l.startsWith('killed:'));
      if (result.exitCode !== 0 || line === undefined) {
        this.logger.warn(`terminal ${this.id}: killing its processes failed (exit ${result.exitCode}): ${result.stderr.slice(0, 200)}`);
        return null;
      }
      return line.slice('killed:'.length).split(' ').filter(Boolean).map(Number);
    } catch (err) {
      // The node may be gone (range torn down): nothing is left to kill then.
      this.logger.warn(`terminal ${this.id}: killing its processes failed: ${(err as Error).message}`);
      return null;
    }
  }
}
