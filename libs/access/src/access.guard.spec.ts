import { Controller, Get, Post, type ExecutionContext } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { auditScope } from '@app/database';
import { isDomainError } from '@app/errors';
import { undeclaredRoutes } from './access-boot-check.js';
import { AccessGuard } from './access.guard.js';
import type { CredentialStore } from './credential-store.js';
import { PRINCIPAL_PROPERTY, type Principal } from './principal.js';
import type { RateLimiter } from './rate-limiter.js';
import type { ResourceResolver } from './resource-resolver.js';
import { Public, RequiresRole, Resources, Role, TeamRateLimit, AllowedBeforePasswordChange } from './roles.js';

@RequiresRole(Role.Instructor)
@Controller('things')
class ThingsController {
  @Get('open')
  @Public()
  open() {}

  @Get(':rangeId')
  @Resources({ range: 'rangeId' })
  read() {}

  @Post(':rangeId/answers')
  @RequiresRole(Role.Trainee)
  @Resources({ range: 'rangeId' })
  @TeamRateLimit()
  answer() {}

  @Post('password')
  @AllowedBeforePasswordChange()
  password() {}
}

@Controller('forgotten')
class ForgottenController {
  @Get()
  list() {}

  @Post(':id')
  @RequiresRole(Role.Operator)
  change() {}
}

const principals: Record<string, Principal> = {
  'operator-token': { kind: 'user', id: 'u1', role: Role.Operator, displayName: 'Op', credentialId: 'c-op', scope: 'full' },
  'read-token': { kind: 'user', id: 'u1', role: Role.Operator, displayName: 'Op', credentialId: 'c-read', scope: 'read' },
  'instructor-token': { kind: 'user', id: 'u2', role: Role.Instructor, displayName: 'In', instructorId: 'i2', credentialId: 'c-in', scope: 'full' },
  'fresh-token': { kind: 'user', id: 'u3', role: Role.Instructor, displayName: 'New', credentialId: 'c-new', scope: 'full', mustChangePassword: true },
  'trainee-token': { kind: 'trainee', id: 't1', role: Role.Trainee, displayName: 'Tr', traineeId: 't1', teamId: 'team-1', sessionId: 's1', credentialId: 'c-tr', scope: 'full' },
};

describe('AccessGuard', () => {
  const resolved: Array<{ role: string; params: unknown }> = [];
  const limited: string[] = [];
  const credentials = { authenticate: async (token: string) => principals[token] ?? null } as unknown as CredentialStore;
  const resolver = {
    authorize: async (principal: Principal, declared: unknown, params: Record<string, string>) => {
      resolved.push({ role: principal.role, params: { declared, params } });
      if (principal.role === Role.Trainee && params.rangeId !== 'own-range') throw Object.assign(new Error(`range ${params.rangeId} does not exist`), { kind: 'not_found' });
    },
  } as unknown as ResourceResolver;
  const limiter = {
    perRequest: async (credential: string, team: string | null) => void limited.push(`cred:${credential}`, ...(team ? [`team:${team}`] : [])),
  } as unknown as RateLimiter;
  const guard = new AccessGuard(new Reflector(), credentials, resolver, limiter);

  const call = async (handler: keyof ThingsController, options: { token?: string; method?: string; params?: Record<string, string> } = {}) => {
    const request: Record<string, unknown> = {
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      method: options.method ?? 'GET',
      params: options.params ?? {},
      path: '/x',
      ip: '127.0.0.1',
    };
    const context = {
      getType: () => 'http',
      getHandler: () => ThingsController.prototype[handler],
      getClass: () => ThingsController,
      switchToHttp: () => ({ getRequest: () => request }),
    } as unknown as ExecutionContext;
    try {
      const allowed = await auditScope.run({}, () => guard.canActivate(context));
      return { allowed, principal: request[PRINCIPAL_PROPERTY] as Principal | undefined };
    } catch (err) {
      return { allowed: false, error: err as Error & { kind?: string } };
    }
  };

  beforeEach(() => {
    resolved.length = 0;
    limited.length = 0;
  });

  it('lets anyone call a @Public route', async () => {
    expect(await call('open')).toEqual({ allowed: true, principal: undefined });
  });

  it('answers 401 (unauthenticated) without a credential, with an unknown one, or a malformed header', async () => {
    for (const token of [undefined, 'nobody', 'operator-token extra']) {
      const { allowed, error } = await call('read', { token, params: { rangeId: 'r' } });
      expect(allowed).toBe(false);
      expect(isDomainError(error) && error.kind).toBe('unauthenticated');
    }
  });

  it('answers 403 (forbidden) to a role the route does not declare; the route declaration overrides the controller', async () => {
    const trainee = await call('read', { token: 'trainee-token', params: { rangeId: 'own-range' } });
    expect(isDomainError(trainee.error) && trainee.error.kind).toBe('forbidden');
    const instructor = await call('answer', { token: 'instructor-token', method: 'POST', params: { rangeId: 'r' } });
    expect(isDomainError(instructor.error) && instructor.error.kind).toBe('forbidden');
  });

  it('lets operators call every route, and puts the principal on the request', async () => {
    const { allowed, principal } = await call('answer', { token: 'operator-token', method: 'POST', params: { rangeId: 'any' } });
    expect(allowed).toBe(true);
    expect(principal?.credentialId).toBe('c-op');
  });

  it('refuses every change with a read-only API token, and allows reads', async () => {
    expect((await call('read', { token: 'read-token', params: { rangeId: 'r' } })).allowed).toBe(true);
    const write = await call('answer', { token: 'read-token', method: 'POST', params: { rangeId: 'r' } });
    expect(isDomainError(write.error) && write.error.kind).toBe('forbidden');
  });

  it('allows nothing but the password change while a one-time password is unchanged', async () => {
    const other = await call('read', { token: 'fresh-token', params: { rangeId: 'r' } });
    expect(isDomainError(other.error) && other.error.kind).toBe('forbidden');
    expect(other.error?.message).toMatch(/one-time password/);
    expect((await call('password', { token: 'fresh-token', method: 'POST' })).allowed).toBe(true);
  });

  it('asks the resolver about the declared resources, and counts team routes against the team', async () => {
    const own = await call('answer', { token: 'trainee-token', method: 'POST', params: { rangeId: 'own-range' } });
    expect(own.allowed).toBe(true);
    expect(resolved).toEqual([{ role: 'trainee', params: { declared: { range: 'rangeId' }, params: { rangeId: 'own-range' } } }]);
    expect(limited).toEqual(['cred:c-tr', 'team:team-1']);
    const foreign = await call('answer', { token: 'trainee-token', method: 'POST', params: { rangeId: 'other-range' } });
    expect(foreign.error?.message).toBe('range other-range does not exist');
  });

  it('records the credential in the request audit scope', async () => {
    const scope: { credentialId?: string } = {};
    const request = { headers: { authorization: 'Bearer instructor-token' }, method: 'GET', params: { rangeId: 'r' }, path: '/x' };
    const context = {
      getType: () => 'http',
      getHandler: () => ThingsController.prototype.read,
      getClass: () => ThingsController,
      switchToHttp: () => ({ getRequest: () => request }),
    } as unknown as ExecutionContext;
    await auditScope.run(scope, () => guard.canActivate(context));
    expect(scope.credentialId).toBe('c-in');
  });
});

describe('the boot check', () => {
  it('lists every route that declares neither a role nor @Public, and none that does', () => {
    const discovery = {
      getControllers: () => [
        { instance: new ThingsController(), metatype: ThingsController },
        { instance: new ForgottenController(), metatype: ForgottenController },
      ],
    } as unknown as DiscoveryService;
    expect(undeclaredRoutes(discovery, new MetadataScanner(), new Reflector())).toEqual(['ForgottenController.list (GET /forgotten)']);
  });
});
