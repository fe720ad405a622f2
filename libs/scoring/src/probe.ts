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
 * argv for the range images' http-request (busybox wget's options, bounded by -T): the response
 * headers (-S) on stderr, the body on stdout, and on a failure one line saying what happened.
 * Never wget -T itself: Debian's busybox-static wget crashes on it (exit 139).
 */
export function httpProbeArgv(probe: HttpProbe): string[] {
  return ['http-request', '-T', String(probe.timeoutSeconds), '-S', '-q', '-O', '-', probe.url];
}

/** Why a request got no HTTP answer, in one line an instructor can read. */
function failureReason(result: ExecResult): string {
  const lines = result.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const explained = lines.filter((l) => l.startsWith('http-request: ')).pop();
  if (explained) return explained.slice('http-request: '.length);
  if (result.exitCode === 139) return 'the HTTP client crashed (segmentation fault, exit 139)';
  if (result.exitCode === 127 || /not found/.test(lines.join(' '))) return `no HTTP client on the node (${lines.pop() ?? `exit ${result.exitCode}`})`;
  return lines.pop()?.slice(0, 160) ?? `exit ${result.exitCode}`;
}

/** An HTTP probe holds on the expected status (any 2xx when none is given) and body patterns. */
export function judgeHttp(probe: HttpProbe, result: ExecResult): ProbeVerdict {
  const statuses = [...result.stderr.matchAll(/HTTP\/\d(?:\.\d)?\s+(\d{3})/g)].map((m) => Number(m[1]));
  const status = statuses.length ? statuses[statuses.length - 1] : null;
  const statusOk = status !== null && (probe.expectStatus !== undefined ? status === probe.expectStatus : status >= 200 && status < 300);
  const body = result.stdout;
  const holds = statusOk && matches(probe.bodyMatches, body, true) && matches(probe.bodyNotMatches, body, false);
  return { holds, detail: status === null ? `no HTTP answer: ${failureReason(result)}` : `HTTP ${status}` };
}
