import { LineCounter, parseDocument } from 'yaml';
import type { TemplateIssue } from './model.js';

/** Templates are small; a bigger body is a mistake (or an attack on the validate route). */
export const MAX_TEMPLATE_BYTES = 256 * 1024;

export interface ParseResult {
  value: unknown;
  issues: TemplateIssue[];
}

/** Step 1: YAML text to plain data. Every YAML error is reported, with its line and column. */
export function parseTemplate(source: string): ParseResult {
  if (Buffer.byteLength(source, 'utf8') > MAX_TEMPLATE_BYTES) {
    return { value: undefined, issues: [{ path: '', message: `template is larger than ${MAX_TEMPLATE_BYTES} bytes` }] };
  }
  // No custom tags, unique keys, and a bound on alias expansion (billion laughs).
  const lines = new LineCounter();
  const doc = parseDocument(source, { uniqueKeys: true, prettyErrors: false, strict: true, version: '1.2', lineCounter: lines });
  const issues: TemplateIssue[] = doc.errors.map((e) => {
    const at = lines.linePos(e.pos[0]);
    return { path: `yaml (line ${at.line}, column ${at.col})`, message: e.message.split('\n')[0]! };
  });
  if (issues.length) return { value: undefined, issues };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { value: undefined, issues: [{ path: 'yaml', message: (err as Error).message }] };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { value: undefined, issues: [{ path: '', message: 'a template must be a YAML mapping (id, version, title, ...)' }] };
  }
  return { value, issues: [] };
}
