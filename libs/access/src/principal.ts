import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from './roles.js';

/** Who is calling, as proven by their credential. Services receive it; they never read headers. */
export interface Principal {
  kind: 'user' | 'trainee';
  /** The user's id, or the trainee's. */
  id: string;
  role: Role;
  displayName: string;
  /** Trainees: the trainee, their team and session. */
  traineeId?: string;
  teamId?: string;
  sessionId?: string;
  /** Instructors: their scheduling instructor id (session_instructors). */
  instructorId?: string;
  /** The login session, API token or trainee session used. */
  credentialId: string;
  /** API tokens may be read-only. */
  scope: 'read' | 'full';
  mustChangePassword?: boolean;
}

/** The request property the guard puts the principal on. */
export const PRINCIPAL_PROPERTY = 'principal';

export function principalOf(request: unknown): Principal | undefined {
  return (request as Record<string, Principal | undefined>)[PRINCIPAL_PROPERTY];
}

/** The acting user as recorded in the ledger and the audit trail: `<role>:<id>`. */
export function actorOf(principal: Principal): string {
  return `${principal.role}:${principal.id}`;
}

function requirePrincipal(ctx: ExecutionContext): Principal {
  const principal = principalOf(ctx.switchToHttp().getRequest());
  // The guard runs before every handler and refuses a request without one; reaching here without is a wiring bug.
  if (!principal) throw new Error('no principal on the request: is the access guard installed?');
  return principal;
}

/** The authenticated caller (from the credential). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => requirePrincipal(ctx));

/** The acting user for the ledger and the audit trail, from the credential (never from a header). */
export const Actor = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => actorOf(requirePrincipal(ctx)));
