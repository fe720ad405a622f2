import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { auditScope } from '@app/database';
import type { Request } from 'express';
import { CredentialStore } from './credential-store.js';
import { AccessDeniedError, NotAuthenticatedError } from './errors.js';
import { PRINCIPAL_PROPERTY, type Principal } from './principal.js';
import { RateLimiter } from './rate-limiter.js';
import { ResourceResolver } from './resource-resolver.js';
import {
  PASSWORD_CHANGE_ROUTE_METADATA,
  PUBLIC_METADATA,
  RESOURCES_METADATA,
  ROLES_METADATA,
  Role,
  TEAM_RATE_LIMIT_METADATA,
  type ResourceParams,
} from './roles.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The bearer token of a request: `Authorization: Bearer <token>`. */
export function bearerToken(request: Request): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match ? match[1]! : null;
}

export function addressOf(request: Request): string {
  return request.ip ?? request.socket?.remoteAddress ?? 'unknown';
}

/**
 * The one global guard. A @Public() route passes. Every other route: a valid credential (401
 * otherwise), a role the route declares (operators pass every route; 403 otherwise), a read-only
 * API token only on reads, a one-time password changed first, the per-credential rate limit, the
 * things the route names reachable by the caller (ResourceResolver), and the team rate limit where
 * declared. The boot check (AccessBootCheck) makes sure every route declares one or the other.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: CredentialStore,
    private readonly resolver: ResourceResolver,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_METADATA, targets);
    // The boot check refuses such a route; refusing here too keeps a wiring mistake closed.
    if (!roles) throw new AccessDeniedError('this route declares no role');

    const request = context.switchToHttp().getRequest<Request>();
    const token = bearerToken(request);
    if (!token) throw new NotAuthenticatedError('authentication required: send Authorization: Bearer <token>');
    const principal = await this.credentials.authenticate(token);
    if (!principal) throw new NotAuthenticatedError('the credential is unknown, expired or revoked');
    (request as unknown as Record<string, Principal>)[PRINCIPAL_PROPERTY] = principal;
    const scope = auditScope.getStore();
    if (scope) scope.credentialId = principal.credentialId;

    if (principal.mustChangePassword && !this.reflector.getAllAndOverride<boolean>(PASSWORD_CHANGE_ROUTE_METADATA, targets)) {
      throw new AccessDeniedError('change your one-time password first (POST /api/v1/auth/password)');
    }
    if (principal.role !== Role.Operator && !roles.includes(principal.role)) {
      throw new AccessDeniedError(`this route is for ${roles.join(', ')}`);
    }
    if (principal.scope === 'read' && !SAFE_METHODS.has(request.method)) throw new AccessDeniedError('this API token is read-only');

    const resources = this.reflector.getAllAndOverride<ResourceParams | undefined>(RESOURCES_METADATA, targets);
    const team = this.reflector.getAllAndOverride<boolean>(TEAM_RATE_LIMIT_METADATA, targets) ? (principal.teamId ?? principal.credentialId) : null;
    // Redis (limits) and PostgreSQL (the resolver's one query) at once: the guard costs one round trip of the slower.
    await Promise.all([
      this.limiter.perRequest(principal.credentialId, team),
      resources
        ? this.resolver.authorize(principal, resources, request.params as Record<string, string | undefined>, {
            route: `${request.method} ${request.route?.path ?? request.path}`,
            address: addressOf(request),
          })
        : undefined,
    ]);
    return true;
  }
}
