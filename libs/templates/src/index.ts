export * from './blueprint.js';
export * from './model.js';
export {
  ProbePatternError,
  RenderError,
  TemplateNotFoundError,
  TemplateReloadRefusedError,
  TemplateValidationError,
  UnknownVariableError,
  type CatalogProblem,
} from './errors.js';
export { normalizeAnswer, answerMatches } from './normalize-answer.js';
export { referencedVariables, substitute, substituteDeep } from './substitution.js';
export { compileProbePattern, probePatternProblem, MAX_PROBE_PATTERN_LENGTH, type ProbePattern } from './probe-pattern.js';
export { checkFilePath } from './file-path.js';
export { parseTemplate, MAX_TEMPLATE_BYTES, type ParseResult } from './template-parser.js';
export {
  validateTemplate,
  isBuiltinImageName,
  isImageReference,
  MAX_REPORTED_ISSUES,
  type ValidateOptions,
  type ValidateResult,
} from './template-validator.js';
export { applyDefaults, DEFAULT_WORDS, PORT_VARIABLE_DEFAULTS } from './template-defaults.js';
export { renderTemplate, dependencyOrder, type RenderInput } from './template-renderer.js';
export { checkTemplateSource, loadTemplateSource, templateHash, type CheckedTemplate } from './load-template.js';
export { TemplateCatalog, TemplateCatalogError, type CatalogEntry, type CatalogReload } from './template-catalog.js';
export { maxScore } from './max-score.js';
export { checkOneOffStep, type OneOffStepCheck } from './one-off-step.js';
export { templateOverview, type TemplateOverview } from './template-overview.js';
export { SharedTemplateCatalog } from './shared-template-catalog.js';
export { TemplatesModule } from './templates.module.js';
export { TEMPLATE_NAME } from './template.dto.js';
