import { InvalidInputError, NotFoundError } from '@app/errors';
import { formatIssue, omittedLine, type TemplateIssue } from './model.js';

/** No template has this id. */
export class TemplateNotFoundError extends NotFoundError {
  constructor(readonly templateId: string) {
    super(`template "${templateId}" does not exist`);
  }
}

/** A template breaks the template language; `issues` lists every problem with its path (a capped list says how many more). */
export class TemplateValidationError extends InvalidInputError {
  constructor(
    readonly issues: TemplateIssue[],
    readonly omittedIssues = 0,
  ) {
    super(`template is invalid:\n${[...issues.map(formatIssue), ...omittedLine(omittedIssues)].join('\n')}`, [], {
      errors: issues,
      ...(omittedIssues ? { omittedErrors: omittedIssues } : {}),
    });
  }
}

/** A `${name}` with no value. */
export class UnknownVariableError extends InvalidInputError {
  constructor(readonly variable: string) {
    super(`unknown variable "\${${variable}}"`);
  }
}

/** A template that cannot be rendered into the given subnets (too small, overlapping offsets, a cycle...). */
export class RenderError extends InvalidInputError {}

/** A probe pattern RE2 refuses (too long, backreferences, lookaround, bad syntax). */
export class ProbePatternError extends InvalidInputError {}
