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
  ) {}

  private pid = 0;

  /** Starts it with `resolvConf` as the /etc/resolv.conf it sees; resolves once it answers. */
  static async start(resolvConf: string): Promise<SecondEngine> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cyder-engine-'));
    writeFileSync(path.join(dir, 'resolv.conf'), resolvConf);
    const bridge = `cye${randomBytes(4).toString('hex')}`;
    execFileSync('ip', ['link', 'add', bridge, 'type', 'bridge']);
    // Its default network's subnet (outside the first engine's pools); dockerd takes the bridge's address.
    execFileSync('ip', ['addr', 'add', '10.219.255.249/29', 'dev', bridge]);
    const engine = new SecondEngine(dir, path.join(dir, 'docker.sock'), bridge);
    await engine.launch();
    return engine;
  }

  /** Runs dockerd on this engine's folder and bridge (kept across restarts); resolves once it answers. */
  private async launch(): Promise<void> {
    const { dir, socketPath } = this;
    const log = openSync(path.join(dir, 'dockerd.log'), 'a');
    const script = 'mount --bind "$1" /etc/resolv.conf && shift && exec dockerd "$@"';
    const args = [
      '-m', '--propagation', 'private', 'sh', '-c', script, 'sh', path.join(dir, 'resolv.conf'),
      '-H', `unix://${socketPath}`,
      '--data-root', path.join(dir, 'data'),
      '--exec-root', path.join(dir, 'exec'),
      '--pidfile', path.join(dir, 'docker.pid'),
      '--bridge', this.bridge,
      '--iptables=false', '--ip-masq=false', '--ip-forward=false',
      '--log-level', 'warn',
    ];
    const child = spawn('unshare', args, { stdio: ['ignore', log, log], detached: true });
    child.unref();
    this.pid = child.pid!;
    try {
      const docker = new Docker({ socketPath });
      await waitFor('the second engine to answer', async () => existsSync(socketPath) && (await docker.ping().then(() => true, () => false)), 30000, 200);
    } catch (err) {
      const tail = readFileSync(path.join(dir, 'dockerd.log'), 'utf8').slice(-2000);
      await this.stop();
      throw new Error(`${(err as Error).message}; dockerd said: ${tail}`);
    }
  }

  /**
   * Stops dockerd as an engine restart does (SIGTERM; its containers are stopped with it) and starts
   * it again on the same data: containers, networks and images are kept, but no container runs
   * again unless its restart policy says so (ours say 'no').
   */
  async restart(): Promise<void> {
    await this.halt();
    await this.launch();
  }

  private alive(): boolean {
    if (this.pid <= 0) return false; // never launched (kill(0) would signal our own process group)
    try {
      process.kill(this.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  private async halt(): Promise<void> {
    if (!this.alive()) return;
    process.kill(this.pid, 'SIGTERM');
    await waitFor('the second engine to stop', async () => !this.alive(), 20000, 200).catch(async () => {
      process.kill(this.pid, 'SIGKILL');
      await waitFor('the second engine to die', async () => !this.alive(), 5000, 100);
    });
  }

  /** Stops dockerd (SIGTERM, then SIGKILL after 20 s), removes its bridge and its folder. */
  async stop(): Promise<void> {
    await this.halt();
    try {
      execFileSync('ip', ['link', 'del', this.bridge], { stdio: 'ignore' });
    } catch {
      // never created, or already gone
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
