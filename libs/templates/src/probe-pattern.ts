import { RE2JS } from 're2js';
import { ProbePatternError } from './errors.js';

/**
 * Patterns a template gives to scoring probes (`outputMatches`,
 * `bodyMatches`, ...). They are semi-trusted input run over and over on probe
 * output, so they run on RE2 (re2js, a JavaScript port): matching takes time
 * linear in the text whatever the pattern, and what only a backtracking engine
 * can do (backreferences, lookaround) is refused when the template is
 * validated. Both JavaScript and RE2 read the common syntax (classes, `\d`,
 * `\s`, `\w`, groups, alternation, counted repetition) the same way.
 */
export const MAX_PROBE_PATTERN_LENGTH = 1000;

export interface ProbePattern {
  /** Whether the pattern matches anywhere in the text (`^`/`$` match at line ends, as JavaScript's `m` flag). */
  test(text: string): boolean;
}

/** Why a pattern is refused, or undefined when it compiles. */
export function probePatternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PROBE_PATTERN_LENGTH) return `pattern is longer than ${MAX_PROBE_PATTERN_LENGTH} characters`;
  try {
    RE2JS.compile(pattern, RE2JS.MULTILINE);
    return undefined;
  } catch (err) {
    const message = (err as Error).message.replace(/^error parsing regexp: /, '');
    return `invalid regular expression (RE2 syntax, no backreferences or lookaround): ${message}`;
  }
}

// Probes run every few seconds per range with the same (rendered) patterns.
const compiled = new Map<string, ProbePattern>();
const CACHE_SIZE = 2000;

/** Compiles a probe pattern; throws ProbePatternError when RE2 refuses it. */
export function compileProbePattern(pattern: string): ProbePattern {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  const problem = probePatternProblem(pattern);
  if (problem) throw new ProbePatternError(problem);
  const re = RE2JS.compile(pattern, RE2JS.MULTILINE);
  const result: ProbePattern = { test: (text) => re.matcher(text).find() };
  if (compiled.size >= CACHE_SIZE) compiled.clear();
  compiled.set(pattern, result);
  return result;
}
