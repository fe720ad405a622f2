import { createHash } from 'node:crypto';
import { TemplateValidationError } from './errors.js';
import type { RangeTemplate, TemplateIssue } from './model.js';
import { applyDefaults } from './template-defaults.js';
import { parseTemplate } from './template-parser.js';
import { MAX_REPORTED_ISSUES, validateTemplate, type ValidateOptions } from './template-validator.js';

export interface CheckedTemplate {
  template?: RangeTemplate;
  /** At most MAX_REPORTED_ISSUES of them. */
  issues: TemplateIssue[];
  /** How many more issues there are beyond those listed. */
  omittedIssues: number;
}

/** parse -> validate -> defaults, collecting every issue of the first step that has any. */
export function checkTemplateSource(source: string, options: ValidateOptions): CheckedTemplate {
  const parsed = parseTemplate(source);
  if (parsed.issues.length) {
    return { issues: parsed.issues.slice(0, MAX_REPORTED_ISSUES), omittedIssues: Math.max(0, parsed.issues.length - MAX_REPORTED_ISSUES) };
  }
  const validated = validateTemplate(parsed.value, options);
  if (!validated.dto) return { issues: validated.issues, omittedIssues: validated.omittedIssues };
  return { template: applyDefaults(validated.dto), issues: [], omittedIssues: 0 };
}

/** Like checkTemplateSource, but throws TemplateValidationError listing every issue. */
export function loadTemplateSource(source: string, options: ValidateOptions): RangeTemplate {
  const { template, issues, omittedIssues } = checkTemplateSource(source, options);
  if (!template) throw new TemplateValidationError(issues, omittedIssues);
  return template;
}

/** sha256 of the template file as written; a range records it. */
export function templateHash(source: string): string {
  return createHash('sha256').update(source, 'utf8').digest('hex');
}
