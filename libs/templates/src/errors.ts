import { InvalidInputError, NotFoundError } from '@app/errors';
import { formatIssue, omittedLine, type TemplateIssue } from './model.js';
import type { TemplateOverview } from './template-overview.js';

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

/** One problem of the templates folder: the file, and where in it (empty for the file as a whole). */
export interface CatalogProblem {
  file: string;
  path: string;
  message: string;
}

/** An operator's reload refused because a file is broken: every problem, and the catalogue that stays in use. */
export class TemplateReloadRefusedError extends InvalidInputError {
  constructor(
    readonly problems: CatalogProblem[],
    templates: TemplateOverview[],
  ) {
    super('The template catalogue was not reloaded: the last good catalogue stays', [], { errors: problems, templates });
  }
}
