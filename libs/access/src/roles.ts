import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiHeader, ApiExtension } from '@nestjs/swagger';

/** Who may call a route. The access layer enforces it; routes only declare it. */
export enum Role {
  Operator = 'operator',
  Instructor = 'instructor',
  Trainee = 'trainee',
}

export const ROLES_METADATA = 'cyder:roles';

/**
 * Marks the roles a route needs, for the guard and in the OpenAPI document
 * (x-roles). A trainee route is further limited to the trainee's own team.
 */
export const RequiresRole = (...roles: Role[]) =>
  applyDecorators(SetMetadata(ROLES_METADATA, roles), ApiExtension('x-roles', roles));

export const ACTOR_HEADER = 'x-actor';
/** Longer stated ids are cut, so a caller cannot fill the audit trail and the ledger. */
export const ACTOR_MAX_LENGTH = 128;
/** Recorded when a caller states no X-Actor. */
export const ANONYMOUS_ACTOR = 'anonymous';

/**
 * The acting user's id as the caller states it (X-Actor header), recorded on
 * every score event and audit entry. Until the access layer authenticates
 * callers this is declarative, not a proof of identity.
 */
export const Actor = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const request = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
  const header = request.headers[ACTOR_HEADER];
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  return value ? value.slice(0, ACTOR_MAX_LENGTH) : ANONYMOUS_ACTOR;
});

/** Documents the X-Actor header on a controller's routes. */
export const ApiActor = () =>
  ApiHeader({ name: 'X-Actor', required: false, description: 'Acting user id, recorded in the audit trail and the score ledger (default "anonymous")' });
