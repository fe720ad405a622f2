import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { APP_LABEL_VALUE, CONTAINER_RUNTIME, type ContainerRuntime, labelKeys } from '@app/docker';
import { JobName, JobQueue } from '@app/queue';
import { containerName, RangeReconciler } from '@app/ranges';
import { RANGE_TEMPLATE_SOURCE, type RangeTemplateSource } from '@app/templates';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { DataSource } from 'typeorm';
import { FIXTURE_TEMPLATES_DIR, RangeTestApp } from './support/range-app.js';
import { closedSessionWithTeams } from './support/scheduling-api.js';

interface RangeBody {
  id: string;
  teamId: string;
  status: string;
  failureReason: string | null;
  templateHash: string;
  subnets: Record<string, string>;
  nodes: Array<{ name: string; state: string; container: string | null; addresses: Record<string, string>; health: string }>;
}

/** A shell script that tries every "host port" with nc at once and prints "open|closed host port" for each. */
const probeScript = (targets: string[]) =>
  targets.map((t) => `(if nc -w 2 ${t} </dev/null >/dev/null 2>&1; then echo "open ${t}"; else echo "closed ${t}"; fi) &`).join('\n') + '\nwait';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ranges: provisioning isolated team ranges on the real engine', () => {
  let app: RangeTestApp;
  let api: INestApplication;
  let worker: INestApplicationContext;
  let engine: ContainerRuntime;
  let config: AppConfig;
  let dataSource: DataSource;
  let templates: RangeTemplateSource;
  // A scheduled session closed with two teams: ranges are requested only for real ones.
  let sessionId: string;
  let team1: string;
  let team2: string;
  const newSession = async (teams = 1) => closedSessionWithTeams(() => app.http(), teams);
  let range1: RangeBody;
  let range2: RangeBody;

  const http_ = () => app.http();
  const getRange = async (id: string): Promise<RangeBody> => (await http_().get(`/api/v1/ranges/${id}`).expect(200)).body as RangeBody;
  const waitRange = async (id: string, until: (r: RangeBody) => boolean, what: string, ms = 90000): Promise<RangeBody> => {
    const deadline = Date.now() + ms;
    let last: RangeBody | undefined;
    while (Date.now() < deadline) {
      last = await getRange(id);
      if (until(last)) return last;
      await sleep(250);
    }
    throw new Error(`range ${id} never became ${what}; last seen ${JSON.stringify(last)}`);
  };
  const containerOf = (range: RangeBody, node: string) => containerName(config.INSTANCE_NAME, range.id, node);
  const sh = (range: RangeBody, node: string, script: string) => engine.exec(containerOf(range, node), ['sh', '-c', script], { timeoutMs: 60000 });

  beforeAll(async () => {
    // The fixture templates (YAML) through the production catalogue.
    app = await RangeTestApp.start({ RANGE_TEMPLATES_DIR: FIXTURE_TEMPLATES_DIR });
    ({ api, worker, config } = app);
    engine = worker.get<ContainerRuntime>(CONTAINER_RUNTIME);
    dataSource = worker.get(DataSource);
    templates = worker.get<RangeTemplateSource>(RANGE_TEMPLATE_SOURCE);
    ({ sessionId, teamIds: [team1, team2] } = await newSession(2));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('refuses a bad body with every failing field, an unknown template, and unknown ids', async () => {
    const bad = await http_().post(`/api/v1/sessions/${sessionId}/ranges`).send({ teamIds: ['not-a-uuid'], leadMinutes: -1, extra: 1 }).expect(400);
    const fields = (bad.body.errors as Array<{ field: string }>).map((e) => e.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['teamIds', 'leadMinutes', 'extra']));
    // Ranges only for a scheduled session and its own teams: anything else is unknown (404), and nothing is created.
    const ghostSession = randomUUID();
    const noSuchSession = await http_().post(`/api/v1/sessions/${ghostSession}/ranges`).send({ templateId: 'fixture-two-net', teamIds: [team1] }).expect(404);
    expect(noSuchSession.body.message).toBe(`session ${ghostSession} does not exist`);
    const ghostTeam = randomUUID();
    const noSuchTeam = await http_().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId: 'fixture-two-net', teamIds: [team1, ghostTeam] }).expect(404);
    expect(noSuchTeam.body.message).toBe(`team(s) ${ghostTeam} of session ${sessionId} do not exist`);
    expect((await dataSource.query(`SELECT count(*)::int AS n FROM ranges WHERE session_id = ANY($1::uuid[])`, [[sessionId, ghostSession]]))[0].n).toBe(0);
    await http_().post(`/api/v1/sessions/not-a-uuid/ranges`).send({ templateId: 'fixture-two-net', teamIds: [team1] }).expect(400);
    const unknown = await http_().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId: 'no-such-template', teamIds: [team1] }).expect(404);
    expect(unknown.body.message).toContain('no-such-template');
    await http_().get(`/api/v1/ranges/${randomUUID()}`).expect(404);
    await http_().post(`/api/v1/ranges/${randomUUID()}/reset`).expect(404);
    await http_().get(`/api/v1/sessions/${randomUUID()}/ranges`).expect(404);
    // Without teamIds the scheduled session's teams are used: an unknown session is a 404, and nothing is created.
    const noSession = await http_().post(`/api/v1/sessions/${randomUUID()}/ranges`).send({ templateId: 'fixture-two-net' }).expect(404);
    expect(noSession.body.message).toMatch(/session .* does not exist/);
  });

  it('provisions two teams as one flow: the set is ready when both ranges are, each hardened and labelled', async () => {
    const created = await http_()
      .post(`/api/v1/sessions/${sessionId}/ranges`)
      .send({ templateId: 'fixture-two-net', teamIds: [team1, team2] })
      .expect(202);
    expect(created.body.ranges).toHaveLength(2);
    const ids = (created.body.ranges as RangeBody[]).map((r) => r.id);
    const ready = await Promise.all(ids.map((id) => waitRange(id, (r) => r.status === 'ready' || r.status === 'failed', 'ready')));
    for (const r of ready) expect({ id: r.id, status: r.status, failureReason: r.failureReason }).toEqual({ id: r.id, status: 'ready', failureReason: null });
    [range1, range2] = ready.sort((a, b) => (a.teamId === team1 ? -1 : b.teamId === team1 ? 1 : 0));
    expect(range1.teamId).toBe(team1);

    // The flow's parent marks the set ready once both are.
    let set = (await http_().get(`/api/v1/sessions/${sessionId}/ranges`).expect(200)).body;
    for (let i = 0; set.status !== 'ready' && i < 40; i++) {
      await sleep(250);
      set = (await http_().get(`/api/v1/sessions/${sessionId}/ranges`).expect(200)).body;
    }
    expect(set.status).toBe('ready');

    const summary = await templates.describe('fixture-two-net');
    const allSubnets = [...Object.values(range1.subnets), ...Object.values(range2.subnets)];
    expect(new Set(allSubnets).size).toBe(4);
    // From this run's pool (the second e2e slot has its own, 10.230.0.0/16): its /16 prefix, /26 each.
    const pool = config.RANGE_SUBNET_POOL.split('.').slice(0, 2).join('\\.');
    for (const subnet of allSubnets) expect(subnet).toMatch(new RegExp(`^${pool}\\.\\d+\\.\\d+/26$`));
    for (const r of [range1, range2]) {
      expect(r.templateHash).toBe(summary.hash);
      expect(r.nodes.map((n) => [n.name, n.state, n.container])).toEqual([
        ['attacker', 'ready', 'running'],
        ['web', 'ready', 'running'],
        ['workstation', 'ready', 'running'],
      ]);
      expect(r.nodes.find((n) => n.name === 'web')!.health).toBe('healthy');
      expect(Object.keys(r.nodes.find((n) => n.name === 'workstation')!.addresses).sort()).toEqual(['dmz', 'office']);
    }

    const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
    const ws = (await engine.inspectContainer(containerOf(range1, 'workstation')))!;
    expect(ws.labels).toMatchObject({
      [keys.app]: APP_LABEL_VALUE,
      [keys.instance]: config.INSTANCE_NAME,
      [keys.session]: sessionId,
      [keys.team]: team1,
      [keys.range]: range1.id,
      [keys.node]: 'workstation',
      [keys.templateHash]: summary.hash,
    });
    expect(ws.applied).toMatchObject({ capDrop: ['ALL'], privileged: false, readOnlyRootfs: true, memoryBytes: 32 * 1024 * 1024, pidsLimit: 64 });
    expect(ws.applied.securityOpt).toContain('no-new-privileges');
    expect(Object.keys(ws.applied.tmpfs).sort()).toEqual(['/run', '/tmp']);
    expect(ws.applied.binds).toEqual([]);
    expect(ws.applied.portBindings).toEqual({});
    expect(ws.applied.networkMode).not.toMatch(/^(host|bridge|default)$/);
    expect(ws.applied.pidMode).toBe('');
    const attacker = (await engine.inspectContainer(containerOf(range1, 'attacker')))!;
    expect(attacker.applied.capAdd).toEqual(['NET_RAW']);

    const networks = await engine.listNetworks({ [keys.app]: APP_LABEL_VALUE, [keys.instance]: config.INSTANCE_NAME, [keys.range]: range1.id });
    expect(networks.map((n) => n.labels[keys.network]).sort()).toEqual(['dmz', 'office']);
    for (const n of networks) {
      expect(n.internal).toBe(true);
      expect(n.options['com.docker.network.bridge.inhibit_ipv4']).toBe('true');
      expect(n.options['com.docker.network.bridge.name']).toMatch(/^cyr[0-9a-f]{12}$/);
      expect(n.subnet).toBe(range1.subnets[n.labels[keys.network]!]);
    }

    const events = (await http_().get(`/api/v1/ranges/${range1.id}/events`).expect(200)).body as Array<{ kind: string }>;
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['range.created', 'provision.started', 'network.created', 'node.started', 'provision.ready']));

    // A second request for the same team is refused; the same job id again adds nothing.
    // (The session's day answers first: a session that is provisioning or ready takes no new request for a team with a range.)
    const again = await http_().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId: 'fixture-two-net', teamIds: [team1] }).expect(409);
    expect(again.body.message).toMatch(/this session is ready|already has a range|already have a range/);
    expect((await dataSource.query(`SELECT count(*)::int AS n FROM ranges WHERE team_id = $1`, [team1]))[0].n).toBe(1);
    const jobs = worker.get(JobQueue);
    const key = { rangeId: range1.id, generation: 0 };
    const first = await jobs.find(JobName.ProvisionRange, key);
    const dup = await jobs.add(JobName.ProvisionRange, { v: 1, rangeId: range1.id }, key);
    expect(dup.id).toBe(`range.${range1.id}.provision.0`);
    expect(dup.id).toBe(first?.id ?? dup.id);
    expect((await getRange(range1.id)).status).toBe('ready');
  });

  it("inside a range nodes reach each other by alias; team 1 cannot reach team 2's nodes by address or by name", async () => {
    const web1 = range1.nodes.find((n) => n.name === 'web')!;
    // By alias inside the range: the attacker and the workstation get team 1's own page.
    const page = await sh(range1, 'attacker', 'timeout 2 wget -q -O- http://web:8080/');
    expect(page.exitCode).toBe(0);
    const flag1 = (await dataSource.query(`SELECT blueprint->'variables'->>'flag' AS flag FROM ranges WHERE id = $1`, [range1.id]))[0].flag as string;
    const flag2 = (await dataSource.query(`SELECT blueprint->'variables'->>'flag' AS flag FROM ranges WHERE id = $1`, [range2.id]))[0].flag as string;
    expect(flag1).not.toBe(flag2);
    expect(page.stdout).toContain(flag1);
    expect((await sh(range1, 'workstation', 'timeout 2 wget -q -O- http://www:8080/')).stdout).toContain(flag1);
    expect((await sh(range1, 'workstation', `nc -w 2 ${web1.addresses.dmz} 8080 </dev/null`)).exitCode).toBe(0);
    expect((await sh(range1, 'workstation', 'nc -w 2 attacker 1 </dev/null; nslookup attacker 127.0.0.11 >/dev/null && echo resolved')).stdout).toContain('resolved');

    // Team 2, by every address and by every name.
    const targets: string[] = [];
    for (const node of range2.nodes) {
      targets.push(...Object.values(node.addresses));
      targets.push(containerOf(range2, node.name));
    }
    const script = probeScript(targets.map((t) => `${t} 8080`));
    for (const node of ['workstation', 'attacker']) {
      const result = await sh(range1, node, script);
      expect(result.stdout.trim().split('\n').sort()).toEqual(targets.map((t) => `closed ${t} 8080`).sort());
    }
    // The shared alias "web" resolves to team 1's own web, never to team 2's.
    const resolved = await sh(range1, 'workstation', 'nslookup web 127.0.0.11');
    expect(resolved.stdout).toContain(web1.addresses.dmz);
    expect(resolved.stdout).not.toContain(range2.nodes.find((n) => n.name === 'web')!.addresses.dmz);
  });

  it('no node reaches the host: a server on 0.0.0.0, PostgreSQL and Redis answer the host but not any node', async () => {
    const server = http.createServer((_req, res) => res.end('host page\n'));
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const addresses = Object.values(os.networkInterfaces())
        .flat()
        .filter((a): a is os.NetworkInterfaceInfo => !!a && a.family === 'IPv4')
        .map((a) => a.address);
      expect(addresses.length).toBeGreaterThan(1);
      const ports = [port, 5432, 6379, config.API_PORT];
      const canConnect = (host: string, p: number) =>
        new Promise<boolean>((resolve) => {
          const socket = net.connect({ host, port: p, timeout: 2000 });
          socket.once('connect', () => (socket.destroy(), resolve(true)));
          socket.once('error', () => resolve(false));
          socket.once('timeout', () => (socket.destroy(), resolve(false)));
        });
      // The host itself reaches the test server on every address: the check below can fail.
      for (const address of addresses) expect([address, await canConnect(address, port)]).toEqual([address, true]);
      expect(await canConnect('127.0.0.1', 5432)).toBe(true);
      expect(await canConnect('127.0.0.1', 6379)).toBe(true);

      const targets = addresses.flatMap((a) => ports.map((p) => `${a} ${p}`));
      const script = probeScript(targets);
      for (const node of range1.nodes.map((n) => n.name)) {
        const result = await sh(range1, node, script);
        expect([node, result.stdout.trim().split('\n').sort()]).toEqual([node, targets.map((t) => `closed ${t}`).sort()]);
      }
      // wget as well, for the HTTP server on the host.
      const viaHttp = await sh(range1, 'workstation', addresses.map((a) => `timeout 2 wget -q -O- http://${a}:${port}/ && echo "got ${a}"`).join('; ') + '; true');
      expect(viaHttp.stdout).not.toContain('host page');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reset puts a changed file back in seconds, with the same variables and addresses', async () => {
    const before = await getRange(range1.id);
    const defaced = await sh(range1, 'web', 'echo defaced > /srv/www/index.html && cat /srv/www/index.html');
    expect(defaced.stdout).toBe('defaced\n');
    const oldId = (await engine.inspectContainer(containerOf(range1, 'web')))!.id;

    await http_().post(`/api/v1/ranges/${range1.id}/reset`).expect(202);
    await http_().post(`/api/v1/ranges/${range1.id}/reset`).expect(409);
    const after = await waitRange(range1.id, (r) => r.status === 'ready' || r.status === 'failed', 'ready after reset');
    expect(after.status).toBe('ready');
    const restored = await sh(range1, 'web', 'cat /srv/www/index.html');
    const flag1 = (await dataSource.query(`SELECT blueprint->'variables'->>'flag' AS flag FROM ranges WHERE id = $1`, [range1.id]))[0].flag as string;
    expect(restored.stdout).toContain(flag1);
    expect((await engine.inspectContainer(containerOf(range1, 'web')))!.id).not.toBe(oldId);
    expect(after.nodes.map((n) => n.addresses)).toEqual(before.nodes.map((n) => n.addresses));
    expect(after.subnets).toEqual(before.subnets);
    const events = (await http_().get(`/api/v1/ranges/${range1.id}/events`).expect(200)).body as Array<{ kind: string }>;
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['reset.requested', 'reset.started', 'reset.done']));
  });

  it('the reconciler marks a range whose container vanished degraded, removes orphans; retry completes the range', async () => {
    const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
    await engine.removeContainer(containerOf(range2, 'attacker'));
    // An orphan network of a range that does not exist, created "long ago".
    const ghost = randomUUID();
    await engine.createNetwork({
      name: `cyder-${config.INSTANCE_NAME}-${ghost}-dmz`,
      bridgeName: `cyrghost${ghost.slice(0, 7)}`,
      subnet: '10.254.251.0/29',
      labels: {
        [keys.app]: APP_LABEL_VALUE,
        [keys.instance]: config.INSTANCE_NAME,
        [keys.kind]: 'range-network',
        [keys.range]: ghost,
        [keys.network]: 'dmz',
        [keys.createdAt]: '2000-01-01T00:00:00.000Z',
      },
    });
    const report = await worker.get(RangeReconciler).reconcile();
    // Other suites' ranges may share this database: only this suite's range is asserted on.
    expect(report.degraded).toContain(range2.id);
    expect(report.networksRemoved).toBe(1);
    expect(await engine.listNetworks({ [keys.range]: ghost })).toEqual([]);
    const degraded = await getRange(range2.id);
    expect(degraded.status).toBe('degraded');
    expect(degraded.failureReason).toContain('attacker');
    expect(degraded.nodes.find((n) => n.name === 'attacker')).toMatchObject({ state: 'missing', container: 'missing' });
    // Objects of live ranges are never orphans.
    expect(await engine.listContainers({ [keys.range]: range1.id })).toHaveLength(3);

    await http_().post(`/api/v1/ranges/${range1.id}/retry`).expect(409);
    await http_().post(`/api/v1/ranges/${range2.id}/retry`).expect(202);
    const healed = await waitRange(range2.id, (r) => r.status === 'ready' || r.status === 'failed', 'ready after retry');
    expect(healed.status).toBe('ready');
    expect(healed.nodes.map((n) => n.container)).toEqual(['running', 'running', 'running']);
    expect(await engine.listContainers({ [keys.range]: range2.id })).toHaveLength(3);
  });

  it('the reconciler enqueues the provision job of a pending range whose job was lost', async () => {
    const { sessionId: lostSession, teamIds: [lostTeam] } = await newSession();
    const summary = await templates.describe('fixture-two-net');
    const [row] = await dataSource.query(
      `INSERT INTO ranges (session_id, team_id, template_id, template_hash, seed) VALUES ($1, $2, 'fixture-two-net', $3, 'lost-seed') RETURNING id`,
      [lostSession, lostTeam, summary.hash],
    );
    await dataSource.query(`INSERT INTO session_range_sets (session_id, status, generation, provision_at) VALUES ($1, 'provisioning', 1, now() - interval '10 minutes')`, [lostSession]);
    const report = await worker.get(RangeReconciler).reconcile();
    expect(report.requeued).toEqual([row.id]);
    const ready = await waitRange(row.id, (r) => r.status === 'ready' || r.status === 'failed', 'ready');
    expect(ready.status).toBe('ready');
    expect((await worker.get(RangeReconciler).reconcile()).requeued).toEqual([]);
    await http_().delete(`/api/v1/ranges/${row.id}`).expect(202);
    expect((await waitRange(row.id, (r) => r.status === 'destroyed', 'destroyed')).subnets).toEqual({});
  });

  it('a failed range says why, fails its session set, and can be retried on its own', async () => {
    const { sessionId: failSession, teamIds } = await newSession();
    const created = await http_().post(`/api/v1/sessions/${failSession}/ranges`).send({ templateId: 'fixture-never-ready', teamIds }).expect(202);
    const id = created.body.ranges[0].id as string;
    const failed = await waitRange(id, (r) => r.status === 'failed', 'failed');
    expect(failed.failureReason).toMatch(/^node web not ready after 1 s \(test -e \/never: exit 1\)/);
    expect(failed.nodes.find((n) => n.name === 'web')).toMatchObject({ state: 'failed', health: 'unhealthy' });
    // The flow's parent still runs (the failure does not block it) and marks the set failed.
    let set = (await http_().get(`/api/v1/sessions/${failSession}/ranges`).expect(200)).body;
    for (let i = 0; set.status !== 'failed' && i < 40; i++) {
      await sleep(250);
      set = (await http_().get(`/api/v1/sessions/${failSession}/ranges`).expect(200)).body;
    }
    expect(set.status).toBe('failed');

    await http_().post(`/api/v1/ranges/${id}/reset`).expect(409);
    await http_().post(`/api/v1/ranges/${id}/retry`).expect(202);
    const again = await waitRange(id, (r) => r.status === 'failed', 'failed again', 60000);
    expect(again.failureReason).toContain('node web not ready');
    const events = (await http_().get(`/api/v1/ranges/${id}/events`).expect(200)).body as Array<{ kind: string }>;
    expect(events.filter((e) => e.kind === 'provision.failed')).toHaveLength(2);
    expect(events.filter((e) => e.kind === 'retry.requested')).toHaveLength(1);
    // Its containers were kept for inspection; teardown removes them.
    await http_().delete(`/api/v1/ranges/${id}`).expect(202);
    expect((await waitRange(id, (r) => r.status === 'destroyed', 'destroyed')).subnets).toEqual({});
  });

  it('schedules pre-provisioning and teardown as delayed jobs', async () => {
    const { sessionId: laterSession, teamIds } = await newSession();
    const startsAt = new Date(Date.now() + 3 * 3600_000);
    const teardownAt = new Date(startsAt.getTime() + 3600_000);
    const created = await http_()
      .post(`/api/v1/sessions/${laterSession}/ranges`)
      .send({ templateId: 'fixture-two-net', teamIds, startsAt: startsAt.toISOString(), leadMinutes: 45, teardownAt: teardownAt.toISOString() })
      .expect(202);
    expect(created.body.status).toBe('scheduled');
    expect(created.body.provisionAt).toBe(new Date(startsAt.getTime() - 45 * 60_000).toISOString());
    const rangeId = created.body.ranges[0].id as string;
    const jobs = worker.get(JobQueue);
    const provision = await jobs.find(JobName.ProvisionRange, { rangeId, generation: 0 });
    expect(await provision!.getState()).toBe('delayed');
    expect(provision!.opts.delay).toBeGreaterThan(2 * 3600_000);
    const teardown = await jobs.find(JobName.TeardownSessionRanges, { sessionId: laterSession, generation: 1 });
    expect(await teardown!.getState()).toBe('delayed');
    expect(teardown!.opts.delay).toBeGreaterThan(3 * 3600_000);
    await http_().post(`/api/v1/sessions/${laterSession}/ranges`).send({ templateId: 'fixture-two-net', teamIds, provisionAt: startsAt.toISOString(), startsAt: startsAt.toISOString() }).expect(400);

    // Torn down before it was ever provisioned: nothing was created, the range is destroyed.
    await http_().delete(`/api/v1/ranges/${rangeId}`).expect(202);
    const gone = await waitRange(rangeId, (r) => r.status === 'destroyed', 'destroyed');
    expect(gone.nodes).toEqual([]);
  });

  it("tears a session's ranges down by itself at the scheduled end", async () => {
    const { sessionId: shortSession, teamIds } = await newSession();
    const teardownAt = new Date(Date.now() + 3000);
    const created = await http_()
      .post(`/api/v1/sessions/${shortSession}/ranges`)
      .send({ templateId: 'fixture-two-net', teamIds, teardownAt: teardownAt.toISOString() })
      .expect(202);
    expect(created.body.teardownAt).toBe(teardownAt.toISOString());
    const id = created.body.ranges[0].id as string;
    const gone = await waitRange(id, (r) => r.status === 'destroyed', 'destroyed by the scheduled teardown', 60000);
    expect(gone.subnets).toEqual({});
    const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
    expect(await engine.listContainers({ [keys.session]: shortSession })).toEqual([]);
    expect(await engine.listNetworks({ [keys.session]: shortSession })).toEqual([]);
    expect((await http_().get(`/api/v1/sessions/${shortSession}/ranges`).expect(200)).body.status).toBe('destroyed');
  });

  it('teardown leaves nothing with our labels and releases the subnets', async () => {
    await http_().delete(`/api/v1/ranges/${range1.id}`).expect(202);
    await http_().post(`/api/v1/ranges/${range2.id}/teardown`).expect(202);
    for (const r of [range1, range2]) {
      const gone = await waitRange(r.id, (x) => x.status === 'destroyed' || x.status === 'failed', 'destroyed');
      expect(gone.status).toBe('destroyed');
      expect(gone.subnets).toEqual({});
    }
    await http_().delete(`/api/v1/ranges/${range1.id}`).expect(409);
    const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
    const ours = { [keys.app]: APP_LABEL_VALUE, [keys.instance]: config.INSTANCE_NAME };
    expect(await engine.listContainers(ours)).toEqual([]);
    expect(await engine.listNetworks(ours)).toEqual([]);
    const held = await dataSource.query(`SELECT count(*)::int AS n FROM range_subnets WHERE range_id = ANY($1::uuid[])`, [[range1.id, range2.id]]);
    expect(held[0].n).toBe(0);
    const set = (await http_().get(`/api/v1/sessions/${sessionId}/ranges`).expect(200)).body;
    expect(set.status).toBe('destroyed');
    const events = (await http_().get(`/api/v1/ranges/${range1.id}/events`).expect(200)).body as Array<{ kind: string }>;
    expect(events.at(-1)!.kind).toBe('teardown.done');
  });
});
