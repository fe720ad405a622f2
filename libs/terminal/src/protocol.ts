import type { Role } from '@app/access';

/**
 * The terminal's WebSocket protocol. Terminal bytes travel as frames of their own (output as
 * binary frames; input as binary or text frames, as xterm's attach addon sends it); control
 * messages are JSON text frames. A text frame from the client is a control message only when it
 * is a JSON object starting with `{"type":` and naming a known type; anything else is input.
 */
export type ClientControl =
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'takeover' }
  | { type: 'release' };

export type CloseReason =
  | 'client-closed'
  | 'shell-exited'
  | 'idle-timeout'
  | 'closed-by-operator'
  | 'api-shutdown'
  | 'client-too-slow'
  | 'start-failed'
  | 'refused'
  | 'ticket-invalid'
  | 'terminal-closed';

export type ServerControl =
  | { type: 'ready'; terminalId: string; node: string; user: string; mode: TerminalMode }
  | { type: 'closed'; reason: CloseReason; message: string }
  | { type: 'takeover'; by: string; role: Role; until: string }
  | { type: 'released'; by: string }
  | { type: 'watcher'; watchers: number };

export type TerminalMode = 'shell' | 'watch';

/** WebSocket close codes (4000-4999 are the application's). */
export const CLOSE_CODES: Record<CloseReason, number> = {
  'client-closed': 1000,
  'shell-exited': 4000,
  'idle-timeout': 4001,
  'closed-by-operator': 4002,
  'api-shutdown': 4003,
  'client-too-slow': 4004,
  'start-failed': 4005,
  refused: 4006,
  'ticket-invalid': 4007,
  'terminal-closed': 4008,
};

/** One connected client (a WebSocket), as the terminal sees it. */
export interface TerminalClient {
  sendOutput(data: Buffer): void;
  sendControl(message: ServerControl): void;
  close(reason: CloseReason, message: string): void;
  /** Bytes queued for the client and not yet sent. */
  readonly bufferedAmount: number;
}

const MAX_COLS = 500;
const MAX_ROWS = 200;

/** A client's text frame as a control message, or null when it is terminal input. */
export function parseClientControl(text: string): ClientControl | null {
  if (!text.startsWith('{"type":') || text.length > 200) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'resize': {
      const cols = Number(message.cols);
      const rows = Number(message.rows);
      if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) return null;
      return { type: 'resize', cols: Math.min(cols, MAX_COLS), rows: Math.min(rows, MAX_ROWS) };
    }
    case 'takeover':
    case 'release':
      return { type: message.type };
    default:
      return null;
  }
}
