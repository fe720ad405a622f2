import { AppConfig, loadConfig } from '@app/config';
import { APP_LABEL_VALUE, compareVersions, type ContainerSpec, DockerEngine, EngineError, labelKeys, RangeImageBuilder } from '@app/docker';
import { removeLabelledObjects } from './support/docker-cleanup.js';
import { waitFor } from './support/waiting.js';

describe('DockerEngine (real engine): isolated networks, hardened containers, exec, cleanup by label', () => {
  let config: AppConfig;
  let engine: DockerEngine;
  let image: string;
  const keys = () => labelKeys(config.DOCKER_LABEL_NAMESPACE);
  const labels = () => ({ [keys().app]: APP_LABEL_VALUE, [keys().instance]: config.INSTANCE_NAME, [keys().kind]: 'e2e-probe' });
  /** A small container on the probe network that is never meant to start. */
  const unstarted = (name: string, capAdd: string[] = []): ContainerSpec => ({
    name,
    hostname: 'unstarted',
    image,
    labels: labels(),
    networks: [{ network: `${config.INSTANCE_NAME}-probe-net` }],
    memoryBytes: 16 * 1024 * 1024,
    nanoCpus: 100_000_000,
    pidsLimit: 16,
    capAdd,
    readOnlyRootfs: true,
  });

  beforeAll(async () => {
    config = loadConfig();
    engine = DockerEngine.fromConfig(config);
    await engine.connectOrFail();
    image = (await new RangeImageBuilder(engine, config).ensure('base')).image.reference;
  });

  afterAll(async () => {
    await removeLabelledObjects(config);
    engine.close();
  });

  it('creates internal networks whose bridge has no host address, with our labels', async () => {
    const network = await engine.createNetwork({
      name: `${config.INSTANCE_NAME}-probe-net`,
      bridgeName: `cy${config.INSTANCE_NAME.slice(-8)}p`.slice(0, 15),
      subnet: '10.254.250.0/29',
      labels: labels(),
    });
    expect(network.internal).toBe(true);
    expect(network.options['com.docker.network.bridge.inhibit_ipv4']).toBe('true');
    expect(network.labels[keys().instance]).toBe(config.INSTANCE_NAME);
    expect(network.subnet).toBe('10.254.250.0/29');
  });

  it('runs a container with every capability dropped, no-new-privileges and limits; exec returns exit code and output', async () => {
    const id = await engine.createContainer({
      name: `${config.INSTANCE_NAME}-probe-node`,
      hostname: 'probe',
      image,
      labels: labels(),
      networks: [{ network: `${config.INSTANCE_NAME}-probe-net`, aliases: ['probe'] }],
      memoryBytes: 32 * 1024 * 1024,
      nanoCpus: 250_000_000,
      pidsLimit: 32,
      capAdd: [],
      readOnlyRootfs: true,
      tmpfs: { '/tmp': 'rw,size=8m', '/run': 'rw,size=1m' },
    });
    await engine.startContainer(id);
    const { applied } = (await engine.inspectContainer(id))!;
    expect(applied.capDrop).toEqual(['ALL']);
    expect(applied.securityOpt).toContain('no-new-privileges');
    expect(applied.privileged).toBe(false);
    expect(applied.readOnlyRootfs).toBe(true);
    expect(applied.portBindings).toEqual({});
    expect(applied.memoryBytes).toBe(32 * 1024 * 1024);
    // Upstream DNS on the container's own loopback: unknown names never leave (see range-dns e2e).
    expect(applied.dns).toEqual(['127.0.0.1']);

    const ok = await engine.exec(id, ['sh', '-c', 'echo hello; echo oops >&2; exit 3']);
    expect(ok).toEqual({ exitCode: 3, stdout: 'hello\n', stderr: 'oops\n' });
    const readOnly = await engine.exec(id, ['sh', '-c', 'echo x > /etc/x']);
    expect(readOnly.exitCode).not.toBe(0);
    const tmp = await engine.exec(id, ['sh', '-c', 'echo x > /tmp/x && cat /tmp/x']);
    expect(tmp).toMatchObject({ exitCode: 0, stdout: 'x\n' });
  });

  it('opens an interactive shell with a TTY: input, output, resize, process id and exit code', async () => {
    const node = `${config.INSTANCE_NAME}-probe-node`;
    const shell = await engine.execInteractive(node, ['sh'], { size: { rows: 24, cols: 80 } });
    let output = '';
    shell.stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    try {
      // Written at once, before any output: the stream is attached when execInteractive returns.
      shell.stream.write('stty size\n');
      await waitFor('the first stty size', async () => /^24 80\r?$/m.test(output), 10000, 50);
      await shell.resize({ rows: 41, cols: 123 });
      shell.stream.write('stty size; hostname\n');
      await waitFor('stty size after the resize', async () => /^41 123\r?$/m.test(output) && /^probe\r?$/m.test(output), 10000, 50);
      const state = await shell.inspect();
      expect(state).toMatchObject({ running: true, exitCode: null });
      expect(state.pid).toBeGreaterThan(0);
      shell.stream.write('exit 7\n');
      const ended = await waitFor('the shell to exit', async () => {
        const now = await shell.inspect();
        return now.running ? undefined : now;
      }, 10000, 50);
      expect(ended.exitCode).toBe(7);
    } finally {
      shell.stream.destroy();
    }
  });

  it('reports engine failures as EngineError, lists the engine\'s subnets, describes the engine and its images', async () => {
    const node = `${config.INSTANCE_NAME}-probe-node`;
    expect(await engine.inspectContainer(`${config.INSTANCE_NAME}-no-such-node`)).toBeNull();
    const missing = await engine.exec(`${config.INSTANCE_NAME}-no-such-node`, ['true']).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(EngineError);
    expect((missing as EngineError).statusCode).toBe(404);
    const taken = await engine.createContainer(unstarted(node)).catch((e: unknown) => e);
    expect(EngineError.is(taken, 409)).toBe(true);
    expect((taken as Error).message).not.toMatch(/HTTP code/);

    expect(await engine.engineSubnets()).toContain('10.254.250.0/29');
    const info = await engine.info();
    expect(info.endpoint).toBe(`unix://${config.DOCKER_SOCKET}`);
    expect(compareVersions(info.apiVersion, config.DOCKER_MIN_API_VERSION)).toBeGreaterThanOrEqual(0);
    expect(info.cpus).toBeGreaterThan(0);
    expect(info.containersRunning).toBeGreaterThanOrEqual(1);

    const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
    expect((await engine.inspectImage(image))!.labels[keys.image]).toBe('base');
    expect(await engine.inspectImage('cyder-range/no-such-image:0')).toBeNull();
    expect(await engine.imageExists(image)).toBe(true);
    const tag = `cyder-range/e2e-broken:${config.INSTANCE_NAME}`;
    await expect(
      engine.buildImage({ context: [{ path: 'Dockerfile', content: 'FROM scratch\nCOPY missing /missing\n' }], tag, labels: labels() }),
    ).rejects.toThrow(new RegExp(`building ${tag} failed`));
    expect(await engine.imageExists(tag)).toBe(false);
  });

  it('refuses dangerous capabilities whatever the caller asks', async () => {
    await expect(engine.createContainer(unstarted(`${config.INSTANCE_NAME}-probe-bad`, ['SYS_ADMIN']))).rejects.toThrow(/SYS_ADMIN/);
  });

  it('removes everything of this instance by label', async () => {
    const removed = await removeLabelledObjects(config);
    expect(removed.containers).toBeGreaterThanOrEqual(1);
    expect(removed.networks).toBeGreaterThanOrEqual(1);
    const selector = { [keys().app]: APP_LABEL_VALUE, [keys().instance]: config.INSTANCE_NAME };
    expect(await engine.listContainers(selector)).toEqual([]);
    expect(await engine.listNetworks(selector)).toEqual([]);
  });
});
