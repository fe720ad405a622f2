/**
 * ${name} references in template strings. `$${` is a literal `${` (for shell
 * scripts placed as files); `$name` without braces is left alone.
 */
const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names referenced by `${...}` in a string (in order, with repeats), including malformed ones. */
export function referencedVariables(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(REFERENCE)) {
    if (match[0] !== '$${') names.push(match[1] ?? '');
  }
  return names;
}

export function isVariableName(name: string): boolean {
  return VARIABLE_NAME.test(name);
}

export class UnknownVariableError extends Error {
  constructor(readonly variable: string) {
    super(`unknown variable "\${${variable}}"`);
    this.name = 'UnknownVariableError';
  }
}

/** Replaces every ${name} with its value; throws on a name without a value. */
export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(REFERENCE, (match, name: string | undefined) => {
    if (match === '$${') return '${';
    const value = values[name ?? ''];
    if (value === undefined) throw new UnknownVariableError(name ?? '');
    return value;
  });
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
