import { UnknownVariableError } from './errors.js';

/**
 * ${name} references in template strings. `$${` is a literal `${` (for shell
 * scripts placed as files); `$name` without braces is left alone, and so is a
 * `${` that is never closed (the validator reports it).
 *
 * A hand-written scanner, not a regular expression: templates are
 * semi-trusted input, and /\$\{([^}]*)\}/g rescans to the end of the text for
 * every unclosed `${` (quadratic). This reads each character a bounded number
 * of times.
 */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Piece = { text: string } | { reference: string } | { unclosed: true };

function* pieces(text: string): Generator<Piece> {
  let literalStart = 0;
  let from = 0;
  // Once one `${` has no `}` after it, none after it has either.
  let closable = true;
  for (;;) {
    const at = text.indexOf('$', from);
    if (at < 0) break;
    if (text.startsWith('$${', at)) {
      yield { text: `${text.slice(literalStart, at)}\${` };
      literalStart = from = at + 3;
      continue;
    }
    if (text[at + 1] === '{') {
      const close = closable ? text.indexOf('}', at + 2) : -1;
      if (close >= 0) {
        if (at > literalStart) yield { text: text.slice(literalStart, at) };
        yield { reference: text.slice(at + 2, close) };
        literalStart = from = close + 1;
        continue;
      }
      closable = false;
      yield { unclosed: true };
    }
    from = at + 1;
  }
  if (literalStart < text.length) yield { text: text.slice(literalStart) };
}

/** Names referenced by `${...}` in a string (in order, with repeats), including malformed ones. */
export function referencedVariables(text: string): string[] {
  const names: string[] = [];
  for (const piece of pieces(text)) if ('reference' in piece) names.push(piece.reference);
  return names;
}

/** Whether a string holds a `${` that is never closed (a typo, or a literal that needs `$${`). */
export function hasUnclosedReference(text: string): boolean {
  for (const piece of pieces(text)) if ('unclosed' in piece) return true;
  return false;
}

export function isVariableName(name: string): boolean {
  return VARIABLE_NAME.test(name);
}

/** Replaces every ${name} with its value; throws on a name without a value. */
export function substitute(text: string, values: Record<string, string>): string {
  if (!text.includes('$')) return text;
  let out = '';
  for (const piece of pieces(text)) {
    if ('text' in piece) out += piece.text;
    else if ('reference' in piece) {
      const value = Object.hasOwn(values, piece.reference) ? values[piece.reference] : undefined;
      if (value === undefined) throw new UnknownVariableError(piece.reference);
      out += value;
    }
  }
  return out;
}

/** Replaces every ${name} with `replacement(name)` (e.g. a placeholder to check a pattern's syntax). */
export function replaceReferences(text: string, replacement: (name: string) => string): string {
  let out = '';
  for (const piece of pieces(text)) {
    if ('text' in piece) out += piece.text;
    else if ('reference' in piece) out += replacement(piece.reference);
  }
  return out;
}

/** Deep substitution over strings in plain data (arrays, objects); other values are copied. */
export function substituteDeep<T>(value: T, values: Record<string, string>): T {
  if (typeof value === 'string') return substitute(value, values) as T;
  if (Array.isArray(value)) return value.map((v) => substituteDeep(v, values)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteDeep(v, values)])) as T;
  }
  return value;
}
