import { spawn } from 'node:child_process';
import type { ContainerRuntime, ExecOptions, ExecResult } from './container-runtime.js';
import { execBatch, parseFrame, shellQuote } from './batched-exec.js';

/** Runs argv on this machine as an exec would in a container (stdin as given, else closed). */
function runLocally(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', () => resolve({ exitCode: 127, stdout, stderr: `${argv[0]}: not found` }));
    child.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 137 : -1), stdout, stderr }));
    if (options.stdin !== undefined) {
      child.stdin!.on('error', () => undefined); // a command that exits first closes its end: not an error here
      child.stdin!.end(options.stdin);
    }
  });
}

function localRuntime(onExec?: (argv: string[]) => void): ContainerRuntime {
  return {
    exec: async (_id: string, argv: string[], options?: ExecOptions) => {
      onExec?.(argv);
      return runLocally(argv, options);
    },
  } as unknown as ContainerRuntime;
}

describe('execBatch', () => {
  it('gives each command the exit code, stdout and stderr a single exec gives, in one exec', async () => {
    const execs: string[][] = [];
    const commands = [
      { argv: ['sh', '-c', 'echo out; echo err >&2; exit 3'], timeoutSeconds: 5 },
      { argv: ['printf', '%s', "no newline 'quoted' $HOME `x`"], timeoutSeconds: 5 },
      { argv: ['sh', '-c', '! true'], timeoutSeconds: 5 },
      { argv: ['true'], timeoutSeconds: 5 },
    ];
    const results = await execBatch(localRuntime((argv) => execs.push(argv)), 'c', commands);
    expect(execs).toEqual([['sh', '-s']]);
    for (const [i, command] of commands.entries()) {
      const single = await runLocally(command.argv);
      expect(results[i]).toEqual({ ...single, via: 'batch' });
    }
  });

  it('a command cannot read the rest of the script, nor end or forge another command\'s frame', async () => {
    const results = await execBatch(localRuntime(), 'c', [
      { argv: ['sh', '-c', 'cat; printf "\\nE0000 0\\n"; exit 1'], timeoutSeconds: 5 },
      { argv: ['sh', '-c', 'exit 1'], timeoutSeconds: 5 },
    ]);
    expect(results.map((r) => r.exitCode)).toEqual([1, 1]);
    expect(results[0]!.stdout).toBe('\nE0000 0\n');
    expect(results.every((r) => r.via === 'batch')).toBe(true);
  });

  it('stops a command at its own timeout and still runs the next', async () => {
    const started = Date.now();
    const results = await execBatch(localRuntime(), 'c', [
      { argv: ['sleep', '30'], timeoutSeconds: 1 },
      { argv: ['echo', 'after'], timeoutSeconds: 5 },
    ]);
    expect(Date.now() - started).toBeLessThan(10000);
    expect(results[0]!.exitCode).not.toBe(0);
    expect(results[1]).toMatchObject({ exitCode: 0, stdout: 'after\n', via: 'batch' });
  });

  it('runs each command on its own when the node has no shell to batch in', async () => {
    const runtime = localRuntime();
    const withoutShell = {
      exec: (id: string, argv: string[], options?: ExecOptions) =>
        argv[0] === 'sh' ? Promise.resolve({ exitCode: 127, stdout: '', stderr: 'sh: not found' }) : runtime.exec(id, argv, options),
    } as unknown as ContainerRuntime;
    const results = await execBatch(withoutShell, 'c', [{ argv: ['echo', 'alone'], timeoutSeconds: 5 }]);
    expect(results).toEqual([{ exitCode: 0, stdout: 'alone\n', stderr: '', via: 'single' }]);
  });

  it('refuses a frame whose closing line lacks an exit status', () => {
    expect(parseFrame({ exitCode: 0, stdout: '\nBab\nx\nEab\n', stderr: '\nBab\n\nEab\n' }, 'ab')).toBeNull();
    expect(parseFrame({ exitCode: 0, stdout: '\nBab\nx\nEab 7\n', stderr: '\nBab\ny\nEab\n' }, 'ab')).toEqual({ exitCode: 7, stdout: 'x', stderr: 'y' });
  });

  it('quotes every word for the shell', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
