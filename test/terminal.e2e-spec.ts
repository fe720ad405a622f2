import { Role } from '@app/access';
import { AuditEventEntity, RANGE_EVENT_TERMINAL_COMMAND, RangeEventEntity } from '@app/database';
import {
  processCountArgv,
  TerminalConnections,
  TerminalNotFoundError,
  TerminalRefusedError,
  TerminalService,
  type CloseReason,
  type ServerControl,
  type TerminalCaller,
  type TerminalClient,
  type TerminalConnection,
} from '@app/terminal';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BoardService } from '@app/scoring';
import { DataSource } from 'typeorm';
import { WebSocket } from 'ws';
import { AccessClient, authed } from './support/access.js';
import { type RangeBody, RangeTestApp } from './support/range-app.js';
import { jstDay, SchedulingClient } from './support/scheduling-api.js';
import { waitFor } from './support/waiting.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'range-templates');
const IDLE_SECONDS = 4;

/** A client as the WebSocket gateway sees one: what it was sent, and whether it was closed. */
class RecordingClient implements TerminalClient {
  output = '';
  controls: ServerControl[] = [];
  closedWith: { reason: CloseReason; message: string } | null = null;
  bufferedAmount = 0;

  sendOutput(data: Buffer): void {
    this.output += data.toString('utf8');
  }
  sendControl(message: ServerControl): void {
    this.controls.push(message);
  }
  close(reason: CloseReason, message: string): void {
    this.closedWith ??= { reason, message };
  }
  ready(): Extract<ServerControl, { type: 'ready' }> | undefined {
    return this.controls.find((c): c is Extract<ServerControl, { type: 'ready' }> => c.type === 'ready');
  }
  async waitFor(text: string | RegExp, what = String(text)): Promise<string> {
    return waitFor(`terminal output ${what}`, async () => (typeof text === 'string' ? this.output.includes(text) : text.test(this.output)) && this.output, 20000, 50);
  }
}

describe('terminals on range nodes (libs/terminal on the real engine)', () => {
  let app: RangeTestApp;
  let range: RangeBody & { teamId: string };
  let terminals: TerminalService;
  let connections: TerminalConnections;
  let dataSource: DataSource;

  const trainee = (teamId: string): TerminalCaller => ({
    kind: 'trainee',
    id: randomUUID(),
    role: Role.Trainee,
    displayName: 'Trainee Taro',
    teamId,
    credentialId: randomUUID(),
  });
  const operator: TerminalCaller = { kind: 'user', id: randomUUID(), role: Role.Operator, displayName: 'Operator Oda', credentialId: randomUUID() };

  /** Opens through a ticket, as the WebSocket does; frames may be sent before the terminal is bound. */
  async function connect(caller: TerminalCaller, node: string, mode: 'shell' | 'watch' = 'shell', early: string[] = []) {
    const { ticket } = await terminals.issueTicket(caller, range.id, node, mode);
    const client = new RecordingClient();
    const connection: TerminalConnection = connections.accept(client);
    const opening = connection.open(ticket);
    for (const frame of early) connection.receive(Buffer.from(frame), true);
    await opening;
    return { client, connection };
  }

  async function processCount(node: string): Promise<number> {
    const result = await app.exec(range, node, processCountArgv());
    return Number(result.stdout.trim());
  }

  beforeAll(async () => {
    app = await RangeTestApp.start({ RANGE_TEMPLATES_DIR: FIXTURES, TERMINAL_IDLE_SECONDS: String(IDLE_SECONDS), TERMINAL_MAX_PER_NODE: '3' });
    range = (await app.provision('terminal')) as RangeBody & { teamId: string };
    terminals = app.api.get(TerminalService);
    connections = app.api.get(TerminalConnections);
    dataSource = app.api.get(DataSource);
  }, 240000);

  afterAll(async () => {
    await app?.close();
  });

  it("opens the node's shell as the template's user; input sent before the shell ran is not lost", async () => {
    const me = trainee(range.teamId);
    const { client, connection } = await connect(me, 'ws', 'shell', ['echo early-$((6*7))\r', 'hostname; id -un\r']);
    await client.waitFor('early-42');
    const out = await client.waitFor(/ws\r\ntrainee\r\n/);
    expect(out).toMatch(/ws\r\ntrainee\r\n/);
    expect(client.ready()).toMatchObject({ node: 'ws', user: 'trainee', mode: 'shell' });
    // The wrapper's session-id sequence never reaches the client.
    expect(client.output).not.toContain('cyder-terminal');

    connection.receive(Buffer.from('{"type":"resize","cols":123,"rows":45}'), true);
    connection.receive(Buffer.from('stty size\r'), true);
    await client.waitFor('45 123');

    const root = await connect(me, 'web');
    root.connection.receive(Buffer.from('id -u; hostname\r'), false);
    await root.client.waitFor(/0\r\nweb\r\n/);
    connection.disconnected();
    root.connection.disconnected();
  });

  it('records every command line in the team timeline with node, user and scenario time', async () => {
    const me = trainee(range.teamId);
    const { client, connection } = await connect(me, 'ws');
    connection.receive(Buffer.from('cat /etc/hostnamX\x7fe\r'), true);
    connection.receive(Buffer.from('echo done-rec\r'), true);
    await client.waitFor('done-rec\r\n');
    const id = client.ready()!.terminalId;
    connection.disconnected();
    const rows = await waitFor('commands recorded', async () => {
      const found = await dataSource.manager.find(RangeEventEntity, { where: { rangeId: range.id, kind: RANGE_EVENT_TERMINAL_COMMAND }, order: { id: 'ASC' } });
      const mine = found.filter((r) => r.details.terminalId === id);
      return mine.length >= 2 && mine;
    });
    expect(rows.map((r) => r.message)).toEqual(['cat /etc/hostname', 'echo done-rec']);
    expect(rows[0]!.details).toMatchObject({ node: 'ws', user: `trainee:${me.id}`, shellUser: 'trainee', scenarioMs: null });
    const timeline = await app.api.get(BoardService).timeline(range.id);
    expect(timeline.filter((e) => e.kind === 'command').map((e) => e.summary)).toEqual(
      expect.arrayContaining(['Trainee Taro@ws$ cat /etc/hostname', 'Trainee Taro@ws$ echo done-rec']),
    );
  });

  it("refuses another team's node as absent and audits it; refuses a node without a shell with the reason", async () => {
    const stranger = trainee(randomUUID());
    await expect(terminals.issueTicket(stranger, range.id, 'ws', 'shell')).rejects.toBeInstanceOf(TerminalNotFoundError);
    const audit = await dataSource.manager.findOne(AuditEventEntity, { where: { action: 'terminal.refused', subjectId: range.id, actor: `trainee:${stranger.id}` } });
    expect(audit?.details).toMatchObject({ node: 'ws', reason: 'another team', callerTeamId: stranger.teamId });

    const refused = await terminals.issueTicket(trainee(range.teamId), range.id, 'vault', 'shell').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TerminalRefusedError);
    expect((refused as TerminalRefusedError).reason).toBe('no-shell');
    await expect(terminals.issueTicket(trainee(range.teamId), range.id, 'attacker', 'shell')).rejects.toBeInstanceOf(TerminalNotFoundError);
  });

  it('a used ticket opens nothing', async () => {
    const { ticket } = await terminals.issueTicket(trainee(range.teamId), range.id, 'ws', 'shell');
    const first = new RecordingClient();
    const firstConnection = connections.accept(first);
    await firstConnection.open(ticket);
    const second = new RecordingClient();
    await connections.accept(second).open(ticket);
    expect(second.closedWith?.reason).toBe('ticket-invalid');
    expect(second.controls).toEqual([expect.objectContaining({ type: 'closed', reason: 'ticket-invalid' })]);
    firstConnection.disconnected();
  });

  it('limits terminals per node, saying why', async () => {
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await connect(trainee(range.teamId), 'web'));
    const refused = await terminals.issueTicket(trainee(range.teamId), range.id, 'web', 'shell').catch((e: unknown) => e);
    expect((refused as TerminalRefusedError).reason).toBe('node-limit');
    expect((refused as Error).message).toMatch(/already has 3 terminals open \(at most 3\)/);
    for (const o of open) o.connection.disconnected();
    await waitFor('terminals closed', async () => terminals.list().filter((t) => t.node === 'web').length === 0);
  });

  it("a watcher sees the scroll-back and the live output, cannot type, and a take-over is announced to the team", async () => {
    const owner = await connect(trainee(range.teamId), 'ws');
    owner.connection.receive(Buffer.from('echo before-watch\r'), true);
    await owner.client.waitFor('before-watch\r\n');
    const terminalId = owner.client.ready()!.terminalId;
    const watcher = await connect(operator, 'ws', 'watch');
    await watcher.client.waitFor('before-watch');
    owner.connection.receive(Buffer.from('echo live-$((1+1))\r'), true);
    await watcher.client.waitFor('live-2');
    watcher.connection.receive(Buffer.from('echo from-watcher\r'), true);
    owner.connection.receive(Buffer.from('echo marker-after\r'), true);
    await owner.client.waitFor('marker-after\r\n');
    expect(owner.client.output).not.toContain('from-watcher');

    watcher.connection.receive(Buffer.from('{"type":"takeover"}'), true);
    expect(owner.client.controls).toContainEqual(expect.objectContaining({ type: 'takeover', by: 'Operator Oda', role: 'operator' }));
    watcher.connection.receive(Buffer.from('echo instructor-$((2+3))\r'), true);
    await owner.client.waitFor('instructor-5');
    owner.connection.receive(Buffer.from('echo owner-blocked\r'), true);
    watcher.connection.receive(Buffer.from('{"type":"release"}'), true);
    expect(owner.client.controls).toContainEqual({ type: 'released', by: 'Operator Oda' });
    owner.connection.receive(Buffer.from('echo owner-back\r'), true);
    await owner.client.waitFor('owner-back\r\n');
    expect(owner.client.output).not.toContain('owner-blocked\r\n');

    expect(terminals.list().find((t) => t.id === terminalId)).toMatchObject({ node: 'ws', watchers: 1, state: 'ready' });
    owner.connection.disconnected();
    await waitFor('watcher told', async () => watcher.client.closedWith ?? undefined);
    expect(watcher.client.closedWith?.reason).toBe('client-closed');
  });

  it('100 open/close cycles leave the node with the processes it had (background jobs included)', async () => {
    await waitFor('no terminal open', async () => terminals.list().length === 0);
    const before = await processCount('ws');
    const cycle = async (i: number) => {
      const { client, connection } = await connect(trainee(range.teamId), 'ws');
      connection.receive(Buffer.from(`sleep 1000 & sleep 1001 & echo cycle-${i}-up\r`), true);
      await client.waitFor(`cycle-${i}-up\r\n`);
      const id = client.ready()!.terminalId;
      connection.disconnected();
      await terminals.get(id)?.close('client-closed', 'test');
    };
    // Three at a time (the node's limit in this suite): shells opened and closed side by side, as a team's are.
    for (let i = 0; i < 100; i += 3) await Promise.all([i, i + 1, i + 2].filter((n) => n < 100).map(cycle));
    const after = await processCount('ws');
    expect({ before, after }).toEqual({ before, after: before });
    const ps = await app.exec(range, 'ws', ['ps', '-o', 'pid,user,args']);
    expect(ps.stdout).not.toMatch(/sleep 100[01]/);
  }, 300000);

  it('an operator lists and closes a terminal; an idle terminal is closed after the timeout', async () => {
    const before = await processCount('ws');
    const first = await connect(trainee(range.teamId), 'ws');
    await waitFor('ready', async () => first.client.ready());
    const listed = terminals.list().find((t) => t.id === first.client.ready()!.terminalId);
    expect(listed).toMatchObject({ node: 'ws', shellUser: 'trainee', openedBy: { role: 'trainee', displayName: 'Trainee Taro' } });
    expect(listed!.sid).toBeGreaterThan(1);
    await terminals.close(listed!.id, operator);
    expect(first.client.closedWith?.reason).toBe('closed-by-operator');

    const idle = await connect(trainee(range.teamId), 'ws');
    idle.connection.receive(Buffer.from('sleep 999 &\r'), true);
    const started = Date.now();
    await waitFor('idle terminal closed', async () => idle.client.closedWith ?? undefined, (IDLE_SECONDS + 10) * 1000, 100);
    expect(idle.client.closedWith?.reason).toBe('idle-timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_SECONDS * 1000 - 300);
    await waitFor('idle terminal gone', async () => terminals.list().length === 0);
    expect(await processCount('ws')).toBe(before);
  });
});

describe('terminals over WebSocket (GET ws /api/v1/terminal?ticket=…)', () => {
  let app: RangeTestApp;
  let range: RangeBody & { teamId: string };
  let terminals: TerminalService;
  let base: string;

  const trainee = (teamId: string): TerminalCaller => ({ kind: 'trainee', id: randomUUID(), role: Role.Trainee, displayName: '研修 花子', teamId, credentialId: randomUUID() });
  const operator: TerminalCaller = { kind: 'user', id: randomUUID(), role: Role.Operator, displayName: 'Operator Oda', credentialId: randomUUID() };

  /** A real ws client: binary frames are terminal output, text frames JSON control messages. */
  class Socket {
    output = '';
    controls: ServerControl[] = [];
    closed: { code: number; reason: string } | null = null;
    constructor(readonly ws: WebSocket) {
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) this.output += data.toString('utf8');
        else this.controls.push(JSON.parse(data.toString('utf8')) as ServerControl);
      });
      ws.on('close', (code: number, reason: Buffer) => (this.closed = { code, reason: reason.toString() }));
    }
    static async open(ticket: string): Promise<Socket> {
      const ws = new WebSocket(`${base}/api/v1/terminal?ticket=${encodeURIComponent(ticket)}`);
      const socket = new Socket(ws);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      return socket;
    }
    type(text: string): void {
      this.ws.send(text);
    }
    async waitFor(text: string | RegExp): Promise<string> {
      return waitFor(`socket output ${String(text)}`, async () => (typeof text === 'string' ? this.output.includes(text) : text.test(this.output)) && this.output, 20000, 50);
    }
    async closedNow(): Promise<{ code: number; reason: string }> {
      return waitFor('socket closed', async () => this.closed ?? undefined, 20000, 50);
    }
  }

  beforeAll(async () => {
    app = await RangeTestApp.start({ RANGE_TEMPLATES_DIR: FIXTURES });
    await app.api.listen(0, '127.0.0.1');
    const address = app.api.getHttpServer().address() as { port: number };
    base = `ws://127.0.0.1:${address.port}`;
    range = (await app.provision('terminal')) as RangeBody & { teamId: string };
    terminals = app.api.get(TerminalService);
  }, 240000);

  afterAll(async () => {
    await app?.close();
  });

  it("a trainee runs hostname and gets the node's name; a resize takes effect; closing the socket ends the shell", async () => {
    const { ticket } = await terminals.issueTicket(trainee(range.teamId), range.id, 'ws', 'shell');
    const socket = await Socket.open(ticket);
    socket.type('hostname\r');
    await socket.waitFor('\r\nws\r\n');
    expect(socket.controls[0]).toMatchObject({ type: 'ready', node: 'ws', user: 'trainee', mode: 'shell' });
    socket.ws.send(JSON.stringify({ type: 'resize', cols: 132, rows: 50 }));
    socket.type('stty size\r');
    await socket.waitFor('50 132');
    const terminalId = (socket.controls[0] as { terminalId: string }).terminalId;
    socket.ws.close();
    await waitFor('terminal closed', async () => terminals.get(terminalId) === undefined);
  });

  it('an instructor watching sees the trainee output live; a used or unknown ticket is refused', async () => {
    const { ticket } = await terminals.issueTicket(trainee(range.teamId), range.id, 'ws', 'shell');
    const team = await Socket.open(ticket);
    team.type('echo first-$((3*3))\r');
    await team.waitFor('first-9');
    const watchTicket = await terminals.issueTicket(operator, range.id, 'ws', 'watch');
    const watcher = await Socket.open(watchTicket.ticket);
    await watcher.waitFor('first-9');
    team.type('echo second-$((4*4))\r');
    await watcher.waitFor('second-16');
    expect(watcher.controls[0]).toMatchObject({ type: 'ready', mode: 'watch' });

    const reused = await Socket.open(ticket);
    expect(await reused.closedNow()).toMatchObject({ code: 4007 });
    expect(reused.controls).toEqual([expect.objectContaining({ type: 'closed', reason: 'ticket-invalid' })]);
    team.ws.close();
    expect(await watcher.closedNow()).toMatchObject({ code: 1000 });
  });
});

describe('terminal tickets over the API, with real credentials (POST …/terminal-tickets, GET/DELETE /terminals)', () => {
  let app: RangeTestApp;
  let url: string;
  let wsBase: string;
  let access: AccessClient;
  let dataSource: DataSource;
  const teams: Array<{ teamId: string; traineeId: string; token: string; rangeId: string }> = [];
  let instructor: Awaited<ReturnType<AccessClient['instructor']>>;

  const open = (path: string) => {
    const ws = new WebSocket(`${wsBase}${path}`);
    let output = '';
    const controls: ServerControl[] = [];
    let closed: number | null = null;
    ws.on('message', (data: Buffer, isBinary: boolean) => (isBinary ? (output += data.toString()) : controls.push(JSON.parse(data.toString()) as ServerControl)));
    ws.on('close', (code: number) => (closed = code));
    return {
      ws,
      controls,
      output: () => output,
      closed: () => closed,
      opened: new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      }),
      seen: (text: string) => waitFor(`output ${text}`, async () => output.includes(text), 20000, 50),
    };
  };

  beforeAll(async () => {
    app = await RangeTestApp.start({ RANGE_TEMPLATES_DIR: FIXTURES });
    await app.api.listen(0, '127.0.0.1');
    const port = (app.api.getHttpServer().address() as { port: number }).port;
    url = `http://127.0.0.1:${port}`;
    wsBase = `ws://127.0.0.1:${port}`;
    dataSource = app.api.get(DataSource);
    access = await AccessClient.start(app.api, url);
    const scheduling = new SchedulingClient(url, access.operator.token);
    instructor = await access.instructor();
    const session = await scheduling.session({ courseCode: 'ONLINE-A', teamSize: 1, seats: 4, instructorIds: [instructor.instructorId], ...jstDay('2030-12-04') }, true);
    const org = await scheduling.organisation('other');
    for (let i = 0; i < 2; i++) {
      const trainee = await scheduling.trainee(org.id);
      const enrolled = (await scheduling.http().post(`/api/v1/sessions/${session.id}/enrollments`).send({ traineeId: trainee.id }).expect(201)).body;
      teams.push({ teamId: enrolled.teamId, traineeId: trainee.id, token: '', rangeId: '' });
    }
    await scheduling.transition(session.id, 'closed'); // ranges are requested for a session closed with teams
    const created = await access.asOperator().post(`/api/v1/sessions/${session.id}/ranges`).send({ templateId: 'terminal', teamIds: teams.map((t) => t.teamId) }).expect(202);
    for (const r of created.body.ranges as Array<{ id: string; teamId: string }>) teams.find((t) => t.teamId === r.teamId)!.rangeId = r.id;
    await waitFor('both ranges ready', async () => {
      const res = await access.asOperator().get(`/api/v1/sessions/${session.id}/ranges`).expect(200);
      const failed = (res.body.ranges as Array<{ status: string; failureReason: string }>).find((r) => r.status === 'failed');
      if (failed) throw new Error(`range failed: ${failed.failureReason}`);
      return (res.body.ranges as Array<{ status: string }>).every((r) => r.status === 'ready');
    }, 240000);
    const codes = await access.issueCodes(session.id);
    for (const team of teams) team.token = await access.traineeLogin(codes.find((c) => c.traineeId === team.traineeId)!.code);
  }, 300000);

  afterAll(async () => {
    await app?.close();
  });

  it("a trainee's ticket opens their node; another team's node is 404 and audited; a node without a shell says why", async () => {
    const [mine, other] = teams as [(typeof teams)[0], (typeof teams)[0]];
    const issued = await authed(url, mine.token).post(`/api/v1/ranges/${mine.rangeId}/nodes/ws/terminal-tickets`).send({}).expect(201);
    expect(issued.body).toMatchObject({ mode: 'shell', terminalId: null, path: expect.stringMatching(/^\/api\/v1\/terminal\?ticket=/) });
    const term = open(issued.body.path);
    await term.opened;
    term.ws.send('hostname\r');
    await term.seen('\r\nws\r\n');

    const refused = await authed(url, mine.token).post(`/api/v1/ranges/${other.rangeId}/nodes/ws/terminal-tickets`).send({});
    expect(refused.status).toBe(404);
    expect(refused.body.message).toBe(`range ${other.rangeId} does not exist`);
    const audited = await waitFor('refusal audited', async () => {
      const rows: Array<{ action: string }> = await dataSource.query(
        `SELECT action FROM audit_events WHERE subject_id = $1 AND actor = $2 AND action IN ('access.refused', 'terminal.refused')`,
        [other.rangeId, `trainee:${mine.traineeId}`],
      );
      return rows.length > 0 && rows;
    });
    expect(audited.length).toBeGreaterThan(0);

    const noShell = await authed(url, mine.token).post(`/api/v1/ranges/${mine.rangeId}/nodes/vault/terminal-tickets`).send({});
    expect(noShell.status).toBe(409);
    expect(noShell.body).toMatchObject({ reason: 'no-shell', message: 'the template gives no shell on node vault' });
    const watchRefused = await authed(url, mine.token).post(`/api/v1/ranges/${mine.rangeId}/nodes/ws/terminal-tickets`).send({ mode: 'watch' });
    expect(watchRefused.status).toBe(409);
    expect(watchRefused.body.reason).toBe('not-watchable');
    term.ws.close();
  });

  it('the assigned instructor watches a team terminal; the operator lists and closes it', async () => {
    const team = teams[0]!;
    const issued = await authed(url, team.token).post(`/api/v1/ranges/${team.rangeId}/nodes/ws/terminal-tickets`).send({}).expect(201);
    const term = open(issued.body.path);
    await term.opened;
    term.ws.send('echo team-$((6*7))\r');
    await term.seen('team-42');
    const watch = await authed(url, instructor.token).post(`/api/v1/ranges/${team.rangeId}/nodes/ws/terminal-tickets`).send({ mode: 'watch' }).expect(201);
    const watcher = open(watch.body.path);
    await watcher.opened;
    await watcher.seen('team-42');
    term.ws.send('echo live-$((7*7))\r');
    await watcher.seen('live-49');

    const listed = await access.asOperator().get('/api/v1/terminals').expect(200);
    const row = (listed.body as Array<{ id: string; rangeId: string; node: string; watchers: number; openedBy: { role: string } }>).find((t) => t.rangeId === team.rangeId);
    expect(row).toMatchObject({ node: 'ws', watchers: 1, openedBy: { role: 'trainee' } });
    expect(watch.body.terminalId).toBe(row!.id);
    await authed(url, team.token).get('/api/v1/terminals').expect(403);
    const closed = await access.asOperator().delete(`/api/v1/terminals/${row!.id}`).expect(200);
    expect(closed.body.id).toBe(row!.id);
    await waitFor('team socket closed', async () => term.closed() !== null);
    expect(term.closed()).toBe(4002);
    expect(term.controls).toContainEqual(expect.objectContaining({ type: 'closed', reason: 'closed-by-operator' }));
    await access.asOperator().delete(`/api/v1/terminals/${row!.id}`).expect(404);
    watcher.ws.close();
  });
});
