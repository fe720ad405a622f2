import { APP_LABEL_VALUE, labelKeys } from '@app/docker';
import { networkName } from '@app/ranges';
import Docker from 'dockerode';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { type RangeBody, RangeTestApp } from './support/range-app.js';
import { waitFor } from './support/waiting.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'range-templates');

/**
 * Teardown through the production API, worker and provisioner (fixture teardown-two-net: two
 * networks, two nodes): what the engine still lists on a range network is detached, every network
 * goes and every subnet is released; an operator's forced cleanup finishes a range.
 */
describe('Teardown never sticks: detach, remove, release; forced cleanup', () => {
  let app: RangeTestApp;
  let docker: Docker;

  const http = () => app.http();
  const subnetsOf = async (rangeId: string): Promise<number> =>
    Number((await app.worker.get(DataSource).query('SELECT count(*)::int AS n FROM range_subnets WHERE range_id = $1', [rangeId]))[0].n);
  const rangeNetworks = async (range: RangeBody) =>
    (await docker.listNetworks()).filter((n) => n.Name.startsWith(networkName(app.config.INSTANCE_NAME, range.id, '')));
  const events = async (rangeId: string): Promise<string[]> =>
    ((await http().get(`/api/v1/ranges/${rangeId}/events`).expect(200)).body as Array<{ kind: string }>).map((e) => e.kind);
  const destroyed = (rangeId: string) =>
    waitFor(`range ${rangeId} to be destroyed`, async () => {
      const r = await app.range(rangeId);
      return r.status === 'destroyed' ? r : undefined;
    }, 90000);

  beforeAll(async () => {
    app = await RangeTestApp.start({ RANGE_TEMPLATES_DIR: FIXTURES });
    docker = new Docker({ socketPath: app.config.DOCKER_SOCKET });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('detaches a container the engine still lists on a range network (attached by hand), removes every network and releases every subnet', async () => {
    const range = await app.provision('teardown-two-net');
    expect(await subnetsOf(range.id)).toBe(2);
    expect(await rangeNetworks(range)).toHaveLength(2);
    // Not one of the range's nodes: a network with it attached "has active endpoints" to a plain removal.
    const keys = labelKeys(app.config.DOCKER_LABEL_NAMESPACE);
    const image = (await docker.getContainer(app.containerOf(range, 'host')).inspect()).Config.Image;
    const stray = await docker.createContainer({
      name: `${app.config.INSTANCE_NAME}-stray-${range.id.slice(0, 8)}`,
      Image: image,
      Labels: { [keys.app]: APP_LABEL_VALUE, [keys.instance]: app.config.INSTANCE_NAME, [keys.kind]: 'e2e-stray' },
      HostConfig: { NetworkMode: networkName(app.config.INSTANCE_NAME, range.id, 'inner'), CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'] },
    });
    await stray.start();
    const inner = (await rangeNetworks(range)).find((n) => n.Name.endsWith('-inner'))!;
    expect(Object.keys((await docker.getNetwork(inner.Id).inspect()).Containers ?? {})).toContain(stray.id);

    await http().post(`/api/v1/ranges/${range.id}/teardown`).expect(202);
    const done = await destroyed(range.id);
    expect(done.failureReason).toBeNull();
    expect(await rangeNetworks(range)).toEqual([]);
    expect(await subnetsOf(range.id)).toBe(0);
    // The stray container itself is not ours to remove: it is only detached.
    expect(Object.keys((await stray.inspect()).NetworkSettings.Networks ?? {})).toEqual([]);
    await stray.remove({ force: true });
  });

  it('an operator\'s forced cleanup finishes a ready range, and a second one is refused (already destroyed)', async () => {
    const range = await app.provision('teardown-two-net');
    const accepted = await http().post(`/api/v1/ranges/${range.id}/force-cleanup`).expect(202);
    expect(accepted.body.status).toBe('tearing_down');
    await destroyed(range.id);
    expect(await rangeNetworks(range)).toEqual([]);
    expect(await subnetsOf(range.id)).toBe(0);
    expect(await events(range.id)).toEqual(expect.arrayContaining(['teardown.force-requested', 'teardown.done']));
    await http().post(`/api/v1/ranges/${range.id}/force-cleanup`).expect(409);
  });
});
