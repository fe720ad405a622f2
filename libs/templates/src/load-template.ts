import { createHash } from 'node:crypto';
import { TemplateValidationError, type RangeTemplate, type TemplateIssue } from './model.js';
import { applyDefaults } from './template-defaults.js';
import { parseTemplate } from './template-parser.js';
import { validateTemplate, type ValidateOptions } from './template-validator.js';

export interface CheckedTemplate {
  template?: RangeTemplate;
  issues: TemplateIssue[];
}

/** parse -> validate -> defaults, collecting every issue of the first step that has any. */
export function checkTemplateSource(source: string, options: ValidateOptions): CheckedTemplate {
  const parsed = parseTemplate(source);
  if (parsed.issues.length) return { issues: parsed.issues };
  const validated = validateTemplate(parsed.value, options);
  if (!validated.dto) return { issues: validated.issues };
  return { template: applyDefaults(validated.dto), issues: [] };
}

/** Like checkTemplateSource, but throws TemplateValidationError listing every issue. */
export function loadTemplateSource(source: string, options: ValidateOptions): RangeTemplate {
  const { template, issues } = checkTemplateSource(source, options);
  if (!template) throw new TemplateValidationError(issues);
  return template;
}

/** sha256 of the template file as written; a range records it. */
export function templateHash(source: string): string {
  return createHash('sha256').update(source, 'utf8').digest('hex');
}
