export { AccessModule } from './access.module.js';
export { AccessGuard, addressOf, bearerToken } from './access.guard.js';
export { AccessBootCheck, UndeclaredRoutesError, undeclaredRoutes } from './access-boot-check.js';
export {
  AllowedBeforePasswordChange,
  PASSWORD_CHANGE_ROUTE_METADATA,
  Public,
  PUBLIC_METADATA,
  RequiresRole,
  Resources,
  RESOURCES_METADATA,
  ROLES_METADATA,
  Role,
  TeamRateLimit,
  type ResourceKind,
  type ResourceParams,
} from './roles.js';
export { Actor, actorOf, CurrentPrincipal, PRINCIPAL_PROPERTY, principalOf, type Principal } from './principal.js';
export { CredentialStore, type IssuedCredential } from './credential-store.js';
export { UserDirectory, normalizeEmail, type ApiTokenView, type NewUser } from './user-directory.js';
export { TraineeAccess, accessCodesCsv, accessCodesEmailText, type AccessCodeSheet, type IssuedAccessCode, type TraineeProfile } from './trainee-access.js';
export { ResourceResolver, type ResourceOwner } from './resource-resolver.js';
export { RateLimiter, type LimitVerdict } from './rate-limiter.js';
export { ACCESS_CODE_ALPHABET, newAccessCode, normalizeAccessCode } from './secrets.js';
export { MIN_PASSWORD_LENGTH } from './passwords.js';
export { AccessDeniedError, AccessNotFoundError, LoginThrottledError, NotAuthenticatedError, RequestRateLimitedError } from './errors.js';
