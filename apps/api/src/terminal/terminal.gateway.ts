import { Logger } from '@nestjs/common';
import { type OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import { CLOSE_CODES, TerminalConnections, type CloseReason, type ServerControl, type TerminalClient } from '@app/terminal';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';

/** Where terminals connect (a gateway is not under the global prefix: the full path is given). */
export const TERMINAL_WS_PATH = '/api/v1/terminal';

/** Largest frame a client may send: a paste, not a file. */
const MAX_FRAME_BYTES = 64 * 1024;

/** A ws socket as the terminal sees it: output in binary frames, control messages as JSON text. */
class WsTerminalClient implements TerminalClient {
  constructor(private readonly socket: WebSocket) {}

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  sendOutput(data: Buffer): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(data, { binary: true });
  }

  sendControl(message: ServerControl): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message), { binary: false });
  }

  close(reason: CloseReason, message: string): void {
    if (this.socket.readyState !== WebSocket.OPEN && this.socket.readyState !== WebSocket.CONNECTING) return;
    // A close frame's reason is at most 123 bytes.
    this.socket.close(CLOSE_CODES[reason], Buffer.from(message).subarray(0, 120).toString());
  }
}

/**
 * `GET ws /api/v1/terminal?ticket=…`: the ticket (from POST …/terminal-tickets) is the only
 * credential; the connection is bridged to the terminal it grants (libs/terminal).
 */
@WebSocketGateway({ path: TERMINAL_WS_PATH, maxPayload: MAX_FRAME_BYTES })
export class TerminalGateway implements OnGatewayConnection {
  private readonly logger = new Logger(TerminalGateway.name);

  constructor(private readonly connections: TerminalConnections) {}

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const ticket = new URL(request.url ?? '/', 'http://terminal.invalid').searchParams.get('ticket');
    const connection = this.connections.accept(new WsTerminalClient(socket));
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const frame = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      connection.receive(frame, !isBinary);
    });
    socket.on('close', () => connection.disconnected());
    socket.on('error', (err: Error) => this.logger.debug(`terminal socket: ${err.message}`));
    void connection.open(ticket);
  }
}
