import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { waitFor } from './waiting.js';

/**
 * A second Docker engine beside the machine's own, for a test that needs the engine configured
 * differently: it runs in a private mount namespace, so its /etc/resolv.conf is the test's.
 * It shares the host's network namespace but not its settings:
 *  - its default bridge is one of its own (a dockerd started with `--bridge none` deletes the
 *    host's docker0, which the first engine needs);
 *  - it never touches iptables (no --iptables, --ip-masq, --ip-forward), so the first engine's
 *    rules stay as they are. Containers on its bridges therefore cannot talk to each other
 *    (br_netfilter and the first engine's FORWARD policy drop it); Docker's embedded DNS works.
 * Needs root, util-linux's unshare and dockerd. Started and stopped by its own pid.
 */
export class SecondEngine {
  private constructor(
    readonly dir: string,
    readonly socketPath: string,
    private readonly bridge: string,
    private readonly pid: number,
  ) {}

  /** Starts it with `resolvConf` as the /etc/resolv.conf it sees; resolves once it answers. */
  static async start(resolvConf: string): Promise<SecondEngine> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cyder-engine-'));
    const resolvPath = path.join(dir, 'resolv.conf');
    writeFileSync(resolvPath, resolvConf);
    const socketPath = path.join(dir, 'docker.sock');
    const bridge = `cye${randomBytes(4).toString('hex')}`;
    execFileSync('ip', ['link', 'add', bridge, 'type', 'bridge']);
    // Its default network's subnet (outside the first engine's pools); dockerd takes the bridge's address.
    execFileSync('ip', ['addr', 'add', '10.219.255.249/29', 'dev', bridge]);
    const log = openSync(path.join(dir, 'dockerd.log'), 'a');
    const script = 'mount --bind "$1" /etc/resolv.conf && shift && exec dockerd "$@"';
    const args = [
      '-m', '--propagation', 'private', 'sh', '-c', script, 'sh', resolvPath,
      '-H', `unix://${socketPath}`,
      '--data-root', path.join(dir, 'data'),
      '--exec-root', path.join(dir, 'exec'),
      '--pidfile', path.join(dir, 'docker.pid'),
      '--bridge', bridge,
      '--iptables=false', '--ip-masq=false', '--ip-forward=false',
      '--log-level', 'warn',
    ];
    const child = spawn('unshare', args, { stdio: ['ignore', log, log], detached: true });
    child.unref();
    const engine = new SecondEngine(dir, socketPath, bridge, child.pid!);
    try {
      const docker = new Docker({ socketPath });
      await waitFor('the second engine to answer', async () => existsSync(socketPath) && (await docker.ping().then(() => true, () => false)), 30000, 200);
    } catch (err) {
      const tail = readFileSync(path.join(dir, 'dockerd.log'), 'utf8').slice(-2000);
      await engine.stop();
      throw new Error(`${(err as Error).message}; dockerd said: ${tail}`);
    }
    return engine;
  }

  /** Stops dockerd (SIGTERM, then SIGKILL after 20 s), removes its bridge and its folder. */
  async stop(): Promise<void> {
    const alive = () => {
      try {
        process.kill(this.pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    if (alive()) {
      process.kill(this.pid, 'SIGTERM');
      await waitFor('the second engine to stop', async () => !alive(), 20000, 200).catch(() => process.kill(this.pid, 'SIGKILL'));
    }
    try {
      execFileSync('ip', ['link', 'del', this.bridge], { stdio: 'ignore' });
    } catch {
      // never created, or already gone
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
