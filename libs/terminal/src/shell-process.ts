/**
 * How a terminal's shell is started and stopped inside a node. Docker cannot kill an exec, and
 * ending its stream leaves the shell running (a node's process count only grows), so:
 * - the shell is started through a one-line wrapper that prints its own PID in an OSC sequence
 *   before anything else and then execs the login shell. With a TTY the exec's first process is a
 *   session leader, so that PID is the shell's session id; the API strips the sequence from the
 *   output and learns that the shell is running and reading its input (the "ready" moment);
 * - every process of the terminal also carries a marker in its environment;
 * - closing runs a second exec, as the shell's own user (root in a range node has no CAP_KILL),
 *   that kills every process of that session and every process carrying the marker.
 */

/** Environment variable naming the terminal in every process it starts. */
export const TERMINAL_MARKER_ENV = 'CYDER_TERMINAL';

const SID_PREFIX = '\x1b]cyder-terminal;';
const SID_SUFFIX = '\x07';

/** argv of the exec: print the session id, go home (made on first use, as /etc/shrc does), become the login shell. */
export function shellArgv(): string[] {
  return [
    '/bin/sh',
    '-c',
    `printf '\\033]cyder-terminal;%s\\007' "$$"; [ -d "$HOME" ] || mkdir -p "$HOME" 2>/dev/null; cd "$HOME" 2>/dev/null || cd /; exec /bin/sh -l`,
  ];
}

export interface SessionIdParse {
  /** The shell's session id, once seen. */
  sid: number | null;
  /** Output after the sequence (to pass on), or null while still waiting for it. */
  rest: Buffer | null;
}

/** Most bytes read while waiting for the session id before giving up on it (the wrapper prints it first). */
export const SID_SEARCH_LIMIT = 4096;

/**
 * Looks for the wrapper's sequence at the start of the output gathered so far. Returns the
 * session id and what follows it; `rest` is null while more bytes are needed. Throws when the
 * output cannot start with it (not our wrapper: no /bin/sh, or the exec failed).
 */
export function parseSessionId(head: Buffer): SessionIdParse {
  const text = head.toString('latin1');
  const start = text.indexOf(SID_PREFIX);
  if (start === -1) {
    if (head.length > SID_SEARCH_LIMIT || (text.length >= SID_PREFIX.length && !text.includes('\x1b'))) {
      throw new Error(`the shell did not start: ${JSON.stringify(text.slice(0, 200))}`);
    }
    return { sid: null, rest: null };
  }
  const end = text.indexOf(SID_SUFFIX, start + SID_PREFIX.length);
  if (end === -1) return { sid: null, rest: null };
  const value = text.slice(start + SID_PREFIX.length, end);
  if (!/^[1-9][0-9]{0,9}$/.test(value)) throw new Error(`the shell printed no session id: ${JSON.stringify(value.slice(0, 40))}`);
  // Anything before the sequence (a message of the runtime) is kept in front of the rest.
  return { sid: Number(value), rest: Buffer.concat([head.subarray(0, start), head.subarray(end + SID_SUFFIX.length)]) };
}

/**
 * argv of the exec that ends a terminal: kills (SIGKILL) every process whose session is `sid`,
 * and every process whose environment carries `marker` (one that left the session with setsid),
 * then prints what it killed. $1 session id (0 when unknown), $2 the marker line.
 */
export function killArgv(sid: number | null, marker: string): string[] {
  const script = [
    'sid="$1"; marker="$2"; me=$$; found=""',
    'for d in /proc/[0-9]*; do',
    '  p=${d#/proc/}',
    '  [ "$p" = "$me" ] && continue',
    '  { read -r st < "$d/stat"; } 2>/dev/null || continue',
    '  rest=${st##*) }',
    '  set -- $rest',
    '  if [ "$4" = "$sid" ]; then found="$found $p"; continue; fi',
    '  if tr "\\000" "\\n" < "$d/environ" 2>/dev/null | grep -qxF "$marker"; then found="$found $p"; fi',
    'done',
    '[ -n "$found" ] && kill -KILL $found 2>/dev/null',
    'echo "killed:$found"',
  ].join('\n');
  return ['/bin/sh', '-c', script, 'terminal-kill', String(sid ?? 0), marker];
}

/** argv that prints the number of processes in the node (tests and the operator's view). */
export function processCountArgv(): string[] {
  return ['/bin/sh', '-c', 'n=0; for d in /proc/[0-9]*; do [ -d "$d" ] && n=$((n+1)); done; echo $n'];
}
