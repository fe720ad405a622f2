import { LineCounter, isScalar, parseDocument, visit } from 'yaml';
import type { TemplateIssue } from './model.js';

/** Templates are small; a bigger body is a mistake (or an attack on the validate route). */
export const MAX_TEMPLATE_BYTES = 256 * 1024;

export interface ParseResult {
  value: unknown;
  issues: TemplateIssue[];
}

/** Deeper flow nesting than a template ever needs; refused before the parser recurses into it. */
export const MAX_FLOW_NESTING = 64;

/** The deepest [ / { nesting, counted without regard to quoting (a template has no reason for 64 open brackets). */
function flowNesting(source: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return deepest;
}

/** Step 1: YAML text to plain data. Every YAML error is reported, with its line and column. */
export function parseTemplate(source: string): ParseResult {
  if (Buffer.byteLength(source, 'utf8') > MAX_TEMPLATE_BYTES) {
    return { value: undefined, issues: [{ path: '', message: `template is larger than ${MAX_TEMPLATE_BYTES} bytes` }] };
  }
  if (flowNesting(source) > MAX_FLOW_NESTING) {
    return { value: undefined, issues: [{ path: '', message: `template nests [ ] or { } deeper than ${MAX_FLOW_NESTING} levels` }] };
  }
  // No custom tags, unique keys, and a bound on alias expansion (billion laughs).
  const lines = new LineCounter();
  const doc = parseDocument(source, { uniqueKeys: true, prettyErrors: false, strict: true, version: '1.2', lineCounter: lines });
  const issues: TemplateIssue[] = doc.errors.map((e) => {
    const at = lines.linePos(e.pos[0]);
    return { path: `yaml (line ${at.line}, column ${at.col})`, message: e.message.split('\n')[0]! };
  });
  if (issues.length) return { value: undefined, issues };
  // YAML 1.2 reads `mode: 0644` as decimal 644; a file mode written with a leading 0 means octal.
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'mode' && isScalar(pair.value) && pair.value.type === 'PLAIN' && /^0[0-7]+$/.test(pair.value.source ?? '')) {
        pair.value.value = parseInt(pair.value.source!, 8);
      }
    },
  });
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
