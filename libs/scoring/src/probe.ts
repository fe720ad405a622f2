import type { ExecResult } from '@app/docker';
import { compileProbePattern, type ExecProbe, type HttpProbe } from '@app/templates';

export interface ProbeVerdict {
  holds: boolean;
  detail: string;
}

/** Probe output past this is not matched: RE2 is linear, and this bounds the line. */
const MAX_MATCHED_CHARACTERS = 64 * 1024;

/** Template patterns run on RE2 (linear time whatever the pattern); one RE2 refuses never holds. */
function matches(pattern: string | undefined, text: string, wanted: boolean): boolean {
  if (pattern === undefined) return true;
  try {
    return compileProbePattern(pattern).test(text.slice(0, MAX_MATCHED_CHARACTERS)) === wanted;
  } catch {
    return false;
  }
}

/** An exec probe holds when its exit code and output are what the objective expects. */
export function judgeExec(probe: ExecProbe, result: ExecResult): ProbeVerdict {
  const out = result.stdout.trim();
  const exitOk = result.exitCode === (probe.expectExitCode ?? 0);
  const holds = exitOk && matches(probe.outputMatches, out, true) && matches(probe.outputNotMatches, out, false);
  return { holds, detail: `exit ${result.exitCode}${out ? `: ${out.slice(0, 200)}` : ''}` };
}

/**
 * argv for busybox wget that prints the response headers (-S, on stderr) and
 * the body (stdout). Bounded by `timeout`: Debian's busybox-static wget
 * crashes on -T.
 */
export function httpProbeArgv(probe: HttpProbe): string[] {
  return ['timeout', String(probe.timeoutSeconds), 'wget', '-S', '-q', '-O', '-', probe.url];
}

/** An HTTP probe holds on the expected status (any 2xx when none is given) and body patterns. */
export function judgeHttp(probe: HttpProbe, result: ExecResult): ProbeVerdict {
  const statuses = [...result.stderr.matchAll(/HTTP\/\d(?:\.\d)?\s+(\d{3})/g)].map((m) => Number(m[1]));
  const status = statuses.length ? statuses[statuses.length - 1] : null;
  const statusOk = status !== null && (probe.expectStatus !== undefined ? status === probe.expectStatus : status >= 200 && status < 300);
  const body = result.stdout;
  const holds = statusOk && matches(probe.bodyMatches, body, true) && matches(probe.bodyNotMatches, body, false);
  return { holds, detail: status === null ? `no HTTP answer (${result.stderr.trim().slice(0, 120)})` : `HTTP ${status}` };
}
