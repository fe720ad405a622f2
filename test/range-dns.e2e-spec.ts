import { APP_LABEL_VALUE, labelKeys, RangeImageBuilder } from '@app/docker';
import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { type RangeBody, RangeTestApp } from './support/range-app.js';
import { SecondEngine } from './support/second-engine.js';
import { waitFor } from './support/waiting.js';

/** The name asked in a DNS query (first question), or undefined for anything else. */
function questionName(message: Buffer): string | undefined {
  const labels: string[] = [];
  for (let at = 12; at < message.length; ) {
    const length = message[at]!;
    if (length === 0) return labels.join('.').toLowerCase();
    if (length > 63) return undefined;
    labels.push(message.subarray(at + 1, at + 1 + length).toString('latin1'));
    at += 1 + length;
  }
  return undefined;
}

/**
 * No DNS query from a range node leaves the range. Docker before 26.0 forwards a name its
 * embedded resolver does not know to the upstream servers, and dials an upstream on the host's
 * loopback (systemd-resolved's 127.0.0.53, say) from the host's namespace: out of an Internal
 * network. Nothing here leaves this machine: the upstream is a listener this test runs on
 * 127.0.0.1:53, made the resolver of a second engine (its own /etc/resolv.conf), which provisions
 * course-c through the production API, worker and provisioner.
 */
describe('DNS: no lookup leaves a range, in-range names still resolve', () => {
  let listener: dgram.Socket;
  const asked: string[] = [];
  let engine: SecondEngine;
  let app: RangeTestApp;
  let range: RangeBody;
  const run = randomBytes(4).toString('hex');

  beforeAll(async () => {
    listener = dgram.createSocket('udp4');
    listener.on('message', (message) => {
      const name = questionName(message);
      if (name) asked.push(name);
    });
    await new Promise<void>((resolve, reject) => {
      listener.once('error', (err) => reject(new Error(`cannot listen on 127.0.0.1:53 for this test: ${err.message}`)));
      listener.bind(53, '127.0.0.1', () => resolve());
    });
    engine = await SecondEngine.start('nameserver 127.0.0.1\n');
    app = await RangeTestApp.start({ DOCKER_SOCKET: engine.socketPath, RANGE_SUBNET_POOL: '10.218.0.0/16' });
    range = await app.provision('course-c');
  }, 300000);

  afterAll(async () => {
    await app?.close();
    await engine?.stop();
    listener?.close();
  }, 120000);

  it('the engine does forward an unknown name to the test listener from a container without our setting (the way out)', async () => {
    const docker = new Docker({ socketPath: engine.socketPath });
    const keys = labelKeys(app.config.DOCKER_LABEL_NAMESPACE);
    const labels = { [keys.app]: APP_LABEL_VALUE, [keys.instance]: app.config.INSTANCE_NAME, [keys.kind]: 'e2e-dns-control' };
    const network = await docker.createNetwork({
      Name: `${app.config.INSTANCE_NAME}-dns-control`,
      Internal: true,
      IPAM: { Config: [{ Subnet: '10.219.254.0/29' }] },
      Options: { 'com.docker.network.bridge.inhibit_ipv4': 'true' },
      Labels: labels,
    });
    const image = (await new RangeImageBuilder(app.engine, app.config).describe('base')).reference;
    const control = await docker.createContainer({
      Image: image,
      Cmd: ['nslookup', `control-${run}.invalid`],
      Labels: labels,
      HostConfig: { NetworkMode: network.id },
    });
    await control.start();
    await control.wait();
    await waitFor('the control lookup at the listener', async () => asked.includes(`control-${run}.invalid`), 15000);
  });

  it('lookups of outside names from every node reach nothing; the range\'s own names resolve', async () => {
    const nodes = ['attacker', 'c2', 'router', 'web', 'soc', 'logserver', 'fileserver'];
    const lookups = await Promise.all(
      nodes.map((node) =>
        app.sh(
          range,
          node,
          `timeout 12 nslookup leak-${node}-${run}.invalid; timeout 12 nslookup leak-${node}-${run}.example.com; ` +
            `http-request -T 12 -q -O /dev/null http://web-${node}-${run}.example.net/; echo "exit $?"`,
          40000,
        ),
      ),
    );
    for (const [i, result] of lookups.entries()) {
      // http-request could not resolve the name: a network failure (4), never a page.
      expect({ node: nodes[i], last: result.stdout.trim().split('\n').pop() }).toEqual({ node: nodes[i], last: 'exit 4' });
    }
    // Whatever the resolver might still send, give it time to arrive.
    await new Promise((r) => setTimeout(r, 3000));
    expect(asked.filter((name) => name.includes(run) && !name.startsWith('control-'))).toEqual([]);
    expect(asked.filter((name) => !name.startsWith('control-'))).toEqual([]);

    const address = (node: string, network: string) => range.nodes.find((n) => n.name === node)!.addresses[network]!;
    const resolves = async (node: string, name: string, expected: string) => {
      const result = await app.exec(range, node, ['nslookup', name]);
      expect({ node, name, answer: result.stdout.includes(`Address: ${expected}`) }).toEqual({ node, name, answer: true });
    };
    await resolves('attacker', 'www', address('router', 'internet'));
    await resolves('attacker', 'c2', address('c2', 'internet'));
    await resolves('web', 'logserver', address('logserver', 'dmz'));
    await resolves('soc', 'logs', address('logserver', 'mgmt'));
    await resolves('soc', 'fs', address('fileserver', 'office'));
  });
});
