import { AttachAddon } from '@xterm/addon-attach';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { api } from './api.js';

/** What the server says on the terminal socket besides output (libs/terminal protocol). */
export type TerminalControl =
  | { type: 'ready'; terminalId: string; node: string; user: string; mode: 'shell' | 'watch' }
  | { type: 'closed'; reason: string; message: string }
  | { type: 'takeover'; by: string; role: string; until: string }
  | { type: 'released'; by: string }
  | { type: 'watcher'; watchers: number };

/**
 * The socket as xterm's attach addon sees it: only binary frames (terminal output) reach the
 * screen; text frames are the server's JSON control messages, handled by the console.
 */
class OutputOnlySocket {
  private readonly wrapped = new Map<EventListenerOrEventListenerObject, EventListener>();
  constructor(private readonly socket: WebSocket) {}
  set binaryType(value: BinaryType) {
    this.socket.binaryType = value;
  }
  get readyState(): number {
    return this.socket.readyState;
  }
  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    this.socket.send(data);
  }
  addEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    const call = (event: Event) => (typeof listener === 'function' ? listener(event) : listener.handleEvent(event));
    const filtered: EventListener = type === 'message' ? (event) => typeof (event as MessageEvent).data !== 'string' && call(event) : call;
    this.wrapped.set(listener, filtered);
    this.socket.addEventListener(type, filtered);
  }
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    const filtered = this.wrapped.get(listener);
    if (filtered) this.socket.removeEventListener(type, filtered);
  }
}

export interface OpenTerminal {
  terminal: Terminal;
  socket: WebSocket;
  fit: () => void;
  close: () => void;
  send: (control: Record<string, unknown>) => void;
}

/**
 * Opens a terminal on a node into `host`: a single-use ticket from the API, then the WebSocket of
 * this origin, xterm.js with the fit addon (resize messages follow the element) and the attach addon.
 */
export async function openTerminal(
  host: HTMLElement,
  rangeId: string,
  node: string,
  mode: 'shell' | 'watch',
  onControl: (control: TerminalControl) => void,
): Promise<OpenTerminal> {
  const ticket = await api<{ path: string }>('POST', `/ranges/${rangeId}/nodes/${encodeURIComponent(node)}/terminal-tickets`, { mode });
  const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${ticket.path}`);
  socket.binaryType = 'arraybuffer';
  const terminal = new Terminal({ cursorBlink: mode === 'shell', fontSize: 14, scrollback: 2000, convertEol: false, disableStdin: false });
  const fitAddon = new FitAddon();
  terminal.loadAddon(fitAddon);
  terminal.open(host);
  const send = (control: Record<string, unknown>) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(control));
  const fit = () => {
    try {
      fitAddon.fit();
    } catch {
      // Hidden element: nothing to measure yet.
    }
  };
  terminal.onResize(({ cols, rows }) => send({ type: 'resize', cols, rows }));
  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    try {
      onControl(JSON.parse(event.data) as TerminalControl);
    } catch {
      // Not a control message.
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('the terminal connection failed')), { once: true });
  });
  // Both modes are bidirectional: a watcher's keys are ignored by the server unless they took over.
  terminal.loadAddon(new AttachAddon(new OutputOnlySocket(socket) as unknown as WebSocket));
  fit();
  send({ type: 'resize', cols: terminal.cols, rows: terminal.rows });
  terminal.focus();
  return {
    terminal,
    socket,
    fit,
    send,
    close: () => {
      socket.close();
      terminal.dispose();
    },
  };
}
