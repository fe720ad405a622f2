import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { ROOT } from './processes.js';
import { waitFor } from './waiting.js';

/** A free TCP port on loopback (for a throw-away API, Redis or proxy). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * One of our built entry points (dist/apps/api or dist/apps/worker, what `npm run start:*` runs) as
 * its own process, on this e2e run's database, Redis prefix and instance plus `env`. Its output is
 * kept line by line (the JSON logs).
 */
export class BuiltProcess {
  private output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  static start(app: 'api' | 'worker', env: Record<string, string>): BuiltProcess {
    const child = spawn(process.execPath, [path.join(ROOT, `dist/apps/${app}/src/main.js`)], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'log', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new BuiltProcess(app, child);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  text(): string {
    return this.output;
  }

  /** Every output line that is a JSON object (the structured log). */
  jsonLines(): Array<Record<string, unknown>> {
    return this.output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }

  async waitForLog(what: string, timeoutMs = 60000): Promise<void> {
    await waitFor(
      `${this.name} to log "${what}"`,
      async () => {
        if (!this.running) throw new Error(`${this.name} exited:\n${this.output.slice(-3000)}`);
        return this.output.includes(what);
      },
      timeoutMs,
      100,
    );
  }

  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }
}

/** A throw-away real redis-server on its own loopback port (with AOF when `appendOnlyDir` is given). */
export function startRedisServer(port: number, appendOnlyDir?: string): Promise<ChildProcess> {
  const persistence = appendOnlyDir
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', appendOnlyDir, '--save', '']
    : ['--appendonly', 'no', '--save', ''];
  return new Promise((resolve, reject) => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', ...persistence], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', reject);
    let seen = '';
    child.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('Ready to accept connections')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${seen}`)));
  });
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill(signal);
  });
}
