import { randomBytes } from 'node:crypto';
import type { ContainerRuntime, ExecResult } from './container-runtime.js';

/** One command of a batch: argv as a single exec would run it, bounded by its own timeout. */
export interface BatchedCommand {
  argv: string[];
  timeoutSeconds: number;
}

/** Each command's result, and whether it came from the batch or from a single exec (the batch lost its frame). */
export interface BatchedResult extends ExecResult {
  via: 'batch' | 'single';
}

/** Slack added to the sum of the commands' timeouts for the whole batch (shell start, framing). */
const BATCH_SLACK_MS = 3000;

/** POSIX single quotes: the only character needing care is the quote itself. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

interface Frame {
  nonce: string;
  command: BatchedCommand;
}

/**
 * The batch as a POSIX shell script. Each command runs in turn with its stdin
 * from /dev/null (so it cannot read the rest of the script) under `timeout`
 * when the node has one, framed on stdout and stderr by lines carrying a
 * random nonce of its own: its output cannot end its frame or forge another
 * command's, since it never sees a nonce (the script arrives on the shell's
 * stdin, not in an argv or a file any process of the node could read or edit),
 * and its exit status is printed by the shell after it, on the closing line.
 */
export function batchScript(frames: Frame[]): string {
  const lines = ['if command -v timeout >/dev/null 2>&1; then T="timeout -s KILL"; else T=; fi'];
  for (const { nonce, command } of frames) {
    const argv = command.argv.map(shellQuote).join(' ');
    const seconds = Math.max(1, Math.ceil(command.timeoutSeconds));
    lines.push(
      `printf '\\n%s\\n' B${nonce}; printf '\\n%s\\n' B${nonce} >&2`,
      `if [ -n "$T" ]; then $T ${seconds} ${argv} </dev/null; else ${argv} </dev/null; fi`,
      `printf '\\n%s %d\\n' E${nonce} $?; printf '\\n%s\\n' E${nonce} >&2`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The text between a frame's opening and closing lines, or null when the frame is incomplete. */
function framed(text: string, nonce: string): { body: string; rest: string } | null {
  const open = `\nB${nonce}\n`;
  const start = text.indexOf(open);
  if (start < 0) return null;
  const close = text.indexOf(`\nE${nonce}`, start + open.length);
  if (close < 0) return null;
  // The closing line starts with its own newline, so a command's output keeps its trailing newline as is.
  return { body: text.slice(start + open.length, close), rest: text.slice(close + 1 + nonce.length + 1) };
}

/** Reads one command's stdout, stderr and exit status out of the batch's output, or null when its frame is broken. */
export function parseFrame(result: ExecResult, nonce: string): ExecResult | null {
  const out = framed(result.stdout, nonce);
  const err = framed(result.stderr, nonce);
  if (!out || !err) return null;
  const status = /^ (\d{1,3})\n/.exec(out.rest);
  if (!status) return null;
  return { exitCode: Number(status[1]), stdout: out.body, stderr: err.body };
}

/**
 * Runs several commands in one container with one exec (`sh -s`, the script
 * on stdin) instead of one exec each: on a busy engine an exec costs 0.1-0.25 s
 * whatever it runs. A command whose frame did not come back whole (no shell on
 * the node, output past the runtime's bound, the batch timed out) is run again
 * on its own, exactly as before batching.
 */
export async function execBatch(runtime: ContainerRuntime, containerId: string, commands: BatchedCommand[]): Promise<BatchedResult[]> {
  if (commands.length === 0) return [];
  const frames = commands.map((command) => ({ nonce: randomBytes(16).toString('hex'), command }));
  const timeoutMs = commands.reduce((sum, c) => sum + Math.max(1, Math.ceil(c.timeoutSeconds)) * 1000, BATCH_SLACK_MS);
  let batch: ExecResult;
  try {
    batch = await runtime.exec(containerId, ['sh', '-s'], { stdin: batchScript(frames), timeoutMs });
  } catch {
    batch = { exitCode: -1, stdout: '', stderr: '' };
  }
  return Promise.all(
    frames.map(async ({ nonce, command }) => {
      const parsed = parseFrame(batch, nonce);
      if (parsed) return { ...parsed, via: 'batch' as const };
      const single = await runtime.exec(containerId, command.argv, { timeoutMs: Math.max(1, command.timeoutSeconds) * 1000 });
      return { ...single, via: 'single' as const };
    }),
  );
}
