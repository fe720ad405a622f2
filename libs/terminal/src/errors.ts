import { ConflictError, NotFoundError, type ErrorDetails } from '@app/errors';

/** The range, node or terminal does not exist for this caller (another team's range looks absent too). */
export class TerminalNotFoundError extends NotFoundError {}

/** Why a terminal was not opened, in the caller's words, with a machine-readable reason. */
export type TerminalRefusal =
  | 'no-shell'
  | 'range-not-active'
  | 'node-not-running'
  | 'user-limit'
  | 'node-limit'
  | 'not-watchable'
  | 'ticket-invalid';

/** A terminal may not be opened now (limits, the template, the range's state). */
export class TerminalRefusedError extends ConflictError {
  constructor(
    readonly reason: TerminalRefusal,
    message: string,
    details: ErrorDetails = {},
  ) {
    super(message, { reason, ...details });
  }
}
