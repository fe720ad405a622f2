import Docker from 'dockerode';
import { FIXTURE_TEMPLATES_DIR, type RangeBody, RangeTestApp } from './support/range-app.js';
import { waitFor } from './support/waiting.js';

/**
 * The router is the only way between a range's segments. Fixture router-load: a client outside,
 * an echo service inside (both with room for 100 connections of their own), the router relaying
 * tcp/7000 between them, provisioned by the production API, worker and provisioner.
 */
describe('The router: 100 concurrent connections, a supervised listener, every source in the log', () => {
  let app: RangeTestApp;
  let range: RangeBody;
  let clientIp: string;

  const relays = async () => (await app.exec(range, 'router', ['relays'])).stdout;
  const listenerPid = async (): Promise<number | undefined> => {
    const match = /^tcp\/7000 -> echo:7000 +listening \(pid (\d+)\)$/m.exec(await relays());
    return match ? Number(match[1]) : undefined;
  };
  /** One connection through the router: what the echo service sent back (trimmed). */
  const roundTrip = async (text: string) => (await app.sh(range, 'client', `echo ${text} | nc -w 5 gateway 7000`)).stdout.trim();
  const relayLines = async () =>
    (await app.exec(range, 'router', ['cat', '/var/log/messages'])).stdout.split('\n').filter((l) => l.includes('router: relay from '));

  beforeAll(async () => {
    app = await RangeTestApp.start({ RANGE_TEMPLATES_DIR: FIXTURE_TEMPLATES_DIR });
    range = await app.provision('router-load');
    clientIp = range.nodes.find((n) => n.name === 'client')!.addresses.outside!;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('gives the router role its higher process limit (256)', async () => {
    const docker = new Docker({ socketPath: app.config.DOCKER_SOCKET });
    const router = await docker.getContainer(app.containerOf(range, 'router')).inspect();
    expect(router.HostConfig.PidsLimit).toBe(256);
  });

  it('relays 100 connections open at once; the same listener is still there afterwards and takes a new one', async () => {
    const before = await listenerPid();
    expect(before).toBeDefined();
    // 100 clients, one every 20 ms, each sending a line at once and another after 25 s, so all 100 are
    // relayed at the same time. (busybox nc listens with a backlog of 1: SYNs within the same
    // millisecond are left to the kernel's SYN cookies and retries; a cookie connection exists on
    // the router only once the client has sent something, hence the first line.)
    const load = app.sh(
      range,
      'client',
      'mkdir -p /tmp/load; for i in $(seq 1 100); do ((echo "hi-$i"; sleep 25; echo "bye-$i") | nc -w 40 gateway 7000 > /tmp/load/$i 2>&1) & usleep 20000; done; wait; ' +
        'for i in $(seq 1 100); do [ "$(cat /tmp/load/$i)" = "$(printf "hi-$i\\nbye-$i")" ] && echo ok; done | wc -l',
      90000,
    );
    // While the clients wait: established connections on the router from clients to tcp/7000 and
    // from the router to echo:7000 (state 01; 1B58 is 7000), at most at once.
    const count = "awk '$4 == \"01\" && $2 ~ /:1B58$/ { c++ } $4 == \"01\" && $3 ~ /:1B58$/ { e++ } END { print c + 0, e + 0 }' /proc/net/tcp6 /proc/net/tcp";
    const most = { clients: 0, relayed: 0 };
    // (the router's relays start at its CPU share's pace: on a host busy with other suites, 100 take
    // more than 15 s, so the clients hold for 25 s and the sampling stops once all 100 are seen)
    for (const until = Date.now() + 24000; Date.now() < until && (most.clients < 100 || most.relayed < 100); ) {
      const [clients, relayed] = (await app.sh(range, 'router', count)).stdout.trim().split(' ').map(Number);
      most.clients = Math.max(most.clients, clients!);
      most.relayed = Math.max(most.relayed, relayed!);
      await new Promise((r) => setTimeout(r, 250));
    }
    const result = await load;
    expect({ exitCode: result.exitCode, echoed: Number(result.stdout.trim()) }).toEqual({ exitCode: 0, echoed: 100 });
    expect(most).toEqual({ clients: 100, relayed: 100 });

    expect(await listenerPid()).toBe(before);
    expect((await app.sh(range, 'router', "netstat -ltn | grep -c ':7000 '")).stdout.trim()).toBe('1');
    expect(await roundTrip('after-load')).toBe('after-load');
  });

  it('logs every relayed connection with its source address, also one closed at once (a port scan)', async () => {
    const before = (await relayLines()).length;
    // A scan: connect and close without a byte. netstat no longer showed such a client as ESTABLISHED.
    await app.sh(range, 'client', 'for i in 1 2 3 4 5; do nc -w 1 gateway 7000 </dev/null; done; true');
    const lines = await waitFor('the scan in the router log', async () => {
      const now = await relayLines();
      return now.length >= before + 5 ? now : undefined;
    }, 15000);
    const escaped = clientIp.replace(/\./g, '\\.');
    const unexplained = lines.filter((l) => !new RegExp(`router: relay from ${escaped}:\\d+ tcp/7000 -> echo:7000$`).test(l));
    // Every line of the run so far: the 100 of the load test, its checks and the scan.
    expect({ lines: lines.length >= 105, unexplained }).toEqual({ lines: true, unexplained: [] });
    // Shipped to the log server, where the defenders read them.
    const shipped = await waitFor('relay lines on the log server', async () => {
      const log = (await app.exec(range, 'logserver', ['cat', '/var/log/remote/all.log'])).stdout;
      const count = log.split('\n').filter((l) => l.includes(`router: relay from ${clientIp}:`)).length;
      return count >= lines.length ? count : undefined;
    }, 15000);
    expect(shipped).toBe(lines.length);
  });

  it('starts a killed listener again within a few seconds; connections already relayed go on', async () => {
    const before = (await listenerPid())!;
    const held = app.sh(range, 'client', 'for i in 1 2 3; do ((sleep 5; echo "held-$i") | nc -w 10 gateway 7000) & done; wait', 30000);
    await new Promise((r) => setTimeout(r, 1000));
    const killedAt = Date.now();
    expect((await app.exec(range, 'router', ['kill', '-9', String(before)])).exitCode).toBe(0);
    const after = await waitFor('the listener to be back', async () => {
      const pid = await listenerPid();
      return pid !== undefined && pid !== before ? pid : undefined;
    }, 10000, 100);
    const backWithinMs = Date.now() - killedAt;
    expect(after).not.toBe(before);
    expect(backWithinMs).toBeLessThan(5000);
    expect(await roundTrip('after-kill')).toBe('after-kill');
    expect((await held).stdout.trim().split('\n').sort()).toEqual(['held-1', 'held-2', 'held-3']);
    expect((await app.exec(range, 'router', ['cat', '/var/log/messages'])).stdout).toContain('router: relaying tcp/7000 to echo:7000 again (its listener was gone)');
  });

  it('keeps a relay the defenders stopped down until they start it again', async () => {
    expect((await app.exec(range, 'router', ['relays', 'stop', '7000'])).exitCode).toBe(0);
    await new Promise((r) => setTimeout(r, 2500));
    expect(await relays()).toContain('tcp/7000 -> echo:7000  stopped');
    const refused = await app.sh(range, 'client', 'echo x | nc -w 2 gateway 7000');
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('Connection refused');
    expect((await app.exec(range, 'router', ['relays', 'stop', '9999'])).exitCode).toBe(1);

    expect((await app.exec(range, 'router', ['relays', 'start', '7000'])).exitCode).toBe(0);
    await waitFor('the relay to listen again', listenerPid, 10000, 100);
    expect(await roundTrip('restarted')).toBe('restarted');
  });

  it("exits at once on SIGTERM (PID 1 is the listeners' supervisor)", async () => {
    const docker = new Docker({ socketPath: app.config.DOCKER_SOCKET });
    const router = docker.getContainer(app.containerOf(range, 'router'));
    await router.stop({ t: 20 });
    expect((await router.inspect()).State.ExitCode).toBe(0);
  });
});
