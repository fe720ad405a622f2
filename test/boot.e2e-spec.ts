import { runBuilt } from './support/processes.js';

// The built entry points (npm run build) started as real processes with one broken setting each.
const API = 'dist/apps/api/src/main.js';
const WORKER = 'dist/apps/worker/src/main.js';

describe('boot with a broken dependency or setting', () => {
  it('api exits non-zero naming PostgreSQL and DATABASE_URL when the database does not answer', async () => {
    const out = await runBuilt(API, { DATABASE_URL: 'postgres://cyder:cyder@127.0.0.1:1/cyder', API_PORT: '0' });
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/PostgreSQL is unavailable \(check DATABASE_URL=postgres:\/\/cyder:\*\*\*@127\.0\.0\.1:1\/cyder\)/);
  });

  it('api exits non-zero naming Redis and REDIS_URL when Redis does not answer', async () => {
    const out = await runBuilt(API, { REDIS_URL: 'redis://127.0.0.1:1', API_PORT: '0' });
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('Redis is unavailable (check REDIS_URL=redis://127.0.0.1:1)');
  });

  it('worker exits non-zero naming the Docker engine and DOCKER_SOCKET when there is no socket', async () => {
    const out = await runBuilt(WORKER, { DOCKER_SOCKET: '/nonexistent/docker.sock' });
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('Docker engine is unavailable (check DOCKER_SOCKET=/nonexistent/docker.sock)');
  });

  it('exits with one line per invalid variable', async () => {
    const out = await runBuilt(API, { DATABASE_URL: 'mysql://nope', API_PORT: 'eighty' });
    expect(out.code).toBe(1);
    const lines = out.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.some((l) => l.includes('DATABASE_URL="mysql://nope"'))).toBe(true);
    expect(lines.some((l) => l.includes('API_PORT="eighty"'))).toBe(true);
  });

  it('worker stops promptly and cleanly on SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const { ROOT } = await import('./support/processes.js');
    const child = spawn(process.execPath, [WORKER], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'log' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 20000);
      child.stdout.on('data', () => {
        if (output.includes('worker ready')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
    });
    try {
      expect(ready).toBe(true);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('stopped cleanly');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
