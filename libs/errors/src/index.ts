export { withArticle } from './article.js';
export { unreachableService } from './unreachable.js';
export {
  ConflictError,
  DomainError,
  ERROR_KINDS,
  ForbiddenError,
  InvalidInputError,
  isDomainError,
  isPermanentError,
  joinFieldErrors,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
  type ErrorDetails,
  type ErrorKind,
  type FieldError,
} from './domain-error.js';
