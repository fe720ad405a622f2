import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';

/** Who may call a route. The access guard enforces it; routes only declare it. */
export enum Role {
  Operator = 'operator',
  Instructor = 'instructor',
  Trainee = 'trainee',
}

export const ROLES_METADATA = 'cyder:roles';
export const PUBLIC_METADATA = 'cyder:public';
export const RESOURCES_METADATA = 'cyder:resources';
export const TEAM_RATE_LIMIT_METADATA = 'cyder:team-rate-limit';
export const PASSWORD_CHANGE_ROUTE_METADATA = 'cyder:password-change-route';

/**
 * Marks the roles a route needs, for the guard and in the OpenAPI document (x-roles). Operators may
 * call every route. A route's own declaration replaces its controller's.
 */
export const RequiresRole = (...roles: Role[]) =>
  applyDecorators(SetMetadata(ROLES_METADATA, roles), ApiExtension('x-roles', roles), ApiBearerAuth());

/** A route anyone may call without a credential (login, health). Every other route declares @RequiresRole. */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_METADATA, true), ApiExtension('x-public', true));

/** What a route parameter names; the resolver maps each to its session and team. */
export type ResourceKind = 'session' | 'range' | 'team' | 'report';

/** Route parameter names by the kind of thing they name, e.g. `{ range: 'rangeId' }`. */
export type ResourceParams = Partial<Record<ResourceKind, string>>;

/**
 * The things a route's parameters name. Instructors reach them only in sessions they are assigned
 * to; trainees only their own team's (another team's answers 404, exactly as an unknown id).
 */
export const Resources = (params: ResourceParams) => SetMetadata(RESOURCES_METADATA, params);

/** Counts the route against the caller's team limit (answers, hints, check now: RATE_LIMIT_TEAM_PER_MINUTE). */
export const TeamRateLimit = () => SetMetadata(TEAM_RATE_LIMIT_METADATA, true);

/** The route stays open to a user who still has to change a one-time password (the change itself, logout, who am I). */
export const AllowedBeforePasswordChange = () => SetMetadata(PASSWORD_CHANGE_ROUTE_METADATA, true);
