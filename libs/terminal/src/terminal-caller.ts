import type { Role } from '@app/access';

/**
 * Who opens or watches a terminal: the fields of the access layer's Principal that terminals use
 * (a Principal is one). It travels inside a ticket, so the WebSocket itself carries no credential.
 */
export interface TerminalCaller {
  kind: 'user' | 'trainee';
  id: string;
  role: Role;
  displayName: string;
  teamId?: string;
  instructorId?: string;
  credentialId: string;
}

/** The actor string of the audit trail and the timeline: `<role>:<id>`. */
export function actorOf(caller: Pick<TerminalCaller, 'role' | 'id'>): string {
  return `${caller.role}:${caller.id}`;
}

/** Only the fields a terminal keeps (a Principal carries more: scope, trainee and session ids). */
export function terminalCaller(c: TerminalCaller): TerminalCaller {
  return {
    kind: c.kind,
    id: c.id,
    role: c.role,
    displayName: c.displayName,
    ...(c.teamId ? { teamId: c.teamId } : {}),
    ...(c.instructorId ? { instructorId: c.instructorId } : {}),
    credentialId: c.credentialId,
  };
}
