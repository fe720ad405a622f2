import type { INestApplication } from '@nestjs/common';
import { RedisClient } from '@app/queue';
import { SharedTemplateCatalog, type RangeBlueprint } from '@app/templates';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AccessClient, authed } from './support/access.js';
import { jstDay, jstWallOf, SchedulingClient } from './support/scheduling-api.js';
import { createApiApp } from './support/test-app.js';
import { waitFor } from './support/waiting.js';

/**
 * Identity and authorisation on the real PostgreSQL and Redis: a matrix over every operation of the
 * OpenAPI document (so a new route is covered without editing this file), credentials that expire,
 * are tampered with or revoked, access codes, brute-force delays, and a sweep of everything a
 * trainee can get for the range's answers.
 */
interface Operation {
  method: string;
  path: string;
  public: boolean;
  roles: string[];
}

interface World {
  sessionId: string;
  teamId: string;
  traineeId: string;
  rangeId: string;
  reportId: string;
}

const OBJECTIVE = 'attacker-address';

describe('access: identity and authorisation (real PostgreSQL and Redis)', () => {
  let app: INestApplication;
  let url: string;
  let access: AccessClient;
  let api: SchedulingClient;
  let db: DataSource;
  let operations: Operation[];
  const team1 = {} as World;
  const team2 = {} as World;
  let trainee1: string;
  let trainee2: string;
  let codes: Array<{ traineeId: string; teamId: string; code: string }>;
  let assigned: Awaited<ReturnType<AccessClient['instructor']>>;
  let unassigned: Awaited<ReturnType<AccessClient['instructor']>>;
  const blueprints = new Map<string, RangeBlueprint>();
  /** Every body a trainee received in this suite, for the sweep. */
  const traineeSaw: Array<{ what: string; body: string }> = [];

  const asTrainee = (token: string) => {
    const agent = authed(url, token);
    return agent;
  };
  const keep = <T extends { status: number; text?: string; body?: unknown }>(what: string, res: T): T => {
    traineeSaw.push({ what: `${what} -> ${res.status}`, body: res.text ?? JSON.stringify(res.body) });
    return res;
  };

  /** A course A range of a team, rendered as provisioning would (no containers: authorisation needs none). */
  async function insertRange(world: World, n: number): Promise<void> {
    const catalog = app.get(SharedTemplateCatalog);
    const summary = await catalog.describe('course-a');
    const subnets = Object.fromEntries(summary.networks.map((name, i) => [name, `10.251.${n * 8 + i}.0/26`]));
    const blueprint = await catalog.render('course-a', subnets);
    const [{ id }] = await db.query(
      `INSERT INTO ranges (session_id, team_id, template_id, template_hash, status, blueprint, seed, ready_at)
       VALUES ($1, $2, 'course-a', $3, 'ready', $4, $5, now()) RETURNING id`,
      [world.sessionId, world.teamId, summary.hash, JSON.stringify(blueprint), blueprint.seed ?? 'seed'],
    );
    world.rangeId = id;
    blueprints.set(id, blueprint);
    for (const node of blueprint.nodes) {
      const addresses = Object.fromEntries(node.attachments.map((a) => [a.network, a.address]));
      await db.query(`INSERT INTO range_nodes (range_id, name, state, addresses, health) VALUES ($1, $2, 'ready', $3, 'healthy')`, [id, node.name, JSON.stringify(addresses)]);
    }
  }

  /** A path of the document with every parameter filled in from `world` (unknown names get a random uuid). */
  function fill(path: string, world: World): string {
    return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (name === 'sessionId') return world.sessionId;
      if (name === 'rangeId') return world.rangeId;
      if (name === 'reportId') return world.reportId;
      if (name === 'traineeId') return world.traineeId;
      if (name === 'teamId') return world.teamId;
      if (name === 'objectiveId') return OBJECTIVE;
      if (name === 'code') return 'A';
      if (name === 'id') {
        if (path.startsWith('/api/v1/sessions/')) return world.sessionId;
        if (path.startsWith('/api/v1/ranges/')) return world.rangeId;
        if (path.startsWith('/api/v1/templates/')) return 'course-a';
      }
      return randomUUID();
    });
  }

  const call = (agent: ReturnType<typeof authed> | ReturnType<typeof request>, op: Operation, world: World) => {
    const target = fill(op.path, world);
    const method = op.method as 'get' | 'post' | 'patch' | 'delete' | 'put';
    const req = agent[method](target);
    return (op.method === 'get' || op.method === 'delete' ? req : req.send({})).timeout(15000);
  };

  beforeAll(async () => {
    Object.assign(process.env, { CHECK_NOW_WAIT_MS: '200', CHECK_NOW_MIN_INTERVAL_MS: '0' });
    app = await createApiApp();
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    db = app.get(DataSource);
    access = await AccessClient.start(app, url);
    api = new SchedulingClient(url, access.operator.token);

    const doc = (await request(url).get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { 'x-roles'?: string[]; 'x-public'?: boolean }>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method, path, public: op['x-public'] === true, roles: op['x-roles'] ?? [] })),
    );

    // One Online A session: one trainee per team, formed at enrollment; instructor A assigned, B not.
    assigned = await access.instructor();
    unassigned = await access.instructor();
    const session = await api.session({ courseCode: 'ONLINE-A', teamSize: 1, seats: 10, instructorIds: [assigned.instructorId], ...jstDay('2030-12-03') }, true);
    const org = await api.organisation('other');
    for (const world of [team1, team2]) {
      const trainee = await api.trainee(org.id);
      const enrolled = (await api.http().post(`/api/v1/sessions/${session.id}/enrollments`).send({ traineeId: trainee.id }).expect(201)).body;
      Object.assign(world, { sessionId: session.id, traineeId: trainee.id, teamId: enrolled.teamId });
    }
    await insertRange(team1, 1);
    await insertRange(team2, 2);
    codes = await access.issueCodes(session.id);
    trainee1 = await access.traineeLogin(codes.find((c) => c.traineeId === team1.traineeId)!.code);
    trainee2 = await access.traineeLogin(codes.find((c) => c.traineeId === team2.traineeId)!.code);
    // Each team submits its report, so there is a report id of each team.
    for (const [world, token] of [[team1, trainee1], [team2, trainee2]] as const) {
      const res = await asTrainee(token)
        .post(`/api/v1/ranges/${world.rangeId}/objectives/incident-report/report`)
        .send({ timeline: [{ at: 'T+1m', event: 'noticed' }], impact: 'unknown', iocs: ['198.51.100.7'], actions: ['looked'], recommendations: ['look more'], selfAnalysis: [] });
      keep('own report', res);
      expect(res.status).toBe(201);
      world.reportId = res.body.reportId;
    }
  }, 120000);

  afterAll(async () => {
    // The ranges had no containers: marked destroyed, so a worker of a later suite never evaluates them.
    if (db && team1.rangeId) await db.query(`UPDATE ranges SET status = 'destroyed', destroyed_at = now() WHERE id = ANY($1::uuid[])`, [[team1.rangeId, team2.rangeId]]);
    await app?.close();
  });

  it('covers every operation of the OpenAPI document; login and health are the only public ones', () => {
    expect(operations.length).toBeGreaterThan(60);
    expect(operations.filter((o) => o.public).map((o) => `${o.method} ${o.path}`).sort()).toEqual([
      'get /api/v1/health',
      'post /api/v1/auth/login',
      'post /api/v1/auth/trainee-login',
    ]);
    for (const op of operations.filter((o) => !o.public)) expect({ op: `${op.method} ${op.path}`, roles: op.roles.length > 0 }).toEqual({ op: `${op.method} ${op.path}`, roles: true });
  });

  it('answers 401 to every operation without a credential, and with a tampered one', async () => {
    const tampered = `${trainee1.slice(0, -2)}${trainee1.endsWith('AA') ? 'BB' : 'AA'}`;
    const seen: string[] = [];
    for (const op of operations.filter((o) => !o.public)) {
      const anonymous = await call(request(url), op, team2);
      const forged = await call(authed(url, tampered), op, team2);
      seen.push(`${op.method} ${op.path} ${anonymous.status} ${forged.status}`);
    }
    expect(seen.filter((line) => !line.endsWith(' 401 401'))).toEqual([]);
  });

  it("answers 404 or 403, never 2xx, to a trainee of team 1 on every operation with team 2's ids", async () => {
    const wrong: string[] = [];
    for (const op of operations.filter((o) => !o.public && /\{\w+\}/.test(o.path))) {
      const res = keep(`${op.method} ${op.path} with team 2's ids`, await call(asTrainee(trainee1), op, team2));
      if (res.status !== 403 && res.status !== 404) wrong.push(`${op.method} ${op.path} -> ${res.status} ${res.text}`);
    }
    expect(wrong).toEqual([]);
  });

  it('answers 403 or 404 to an instructor on every operation of a session they are not assigned to', async () => {
    const wrong: string[] = [];
    // Templates are not a session's: every instructor reads them (GET /templates/{id}).
    for (const op of operations.filter((o) => !o.public && /\{\w+\}/.test(o.path) && !o.path.startsWith('/api/v1/templates/'))) {
      const res = await call(authed(url, unassigned.token), op, team2);
      if (res.status !== 403 && res.status !== 404) wrong.push(`${op.method} ${op.path} -> ${res.status} ${res.text}`);
    }
    expect(wrong).toEqual([]);
    // The assigned instructor reaches the same session's board, ranges and timeline.
    await authed(url, assigned.token).get(`/api/v1/sessions/${team2.sessionId}/board`).expect(200);
    await authed(url, assigned.token).get(`/api/v1/ranges/${team2.rangeId}/timeline`).expect(200);
    await authed(url, unassigned.token).get('/api/v1/analytics/courses').expect(200);
  });

  it('refuses an instructor taken off a session as soon as PostgreSQL announces it (within 2 s, not the 30 s the guard may keep an assignment), and admits them again', async () => {
    const board = () => authed(url, assigned.token).get(`/api/v1/sessions/${team1.sessionId}/board`);
    await board().expect(200);
    await board().expect(200); // now from memory
    await api.http().patch(`/api/v1/sessions/${team1.sessionId}`).send({ instructorIds: [] }).expect(200);
    // PostgreSQL announces the change on commit; without that the guard would trust its memory for ACCESS_CACHE_MS (30 s).
    await waitFor('the assignment forgotten', async () => (await board()).status === 403, 2000, 20);
    await api.http().patch(`/api/v1/sessions/${team1.sessionId}`).send({ instructorIds: [assigned.instructorId] }).expect(200);
    await waitFor('the assignment back', async () => (await board()).status === 200, 2000, 20);
  });

  it("answers another team's range exactly as an unknown one, and records the attempt", async () => {
    const unknown = randomUUID();
    const foreign = keep('foreign range', await asTrainee(trainee1).get(`/api/v1/ranges/${team2.rangeId}`));
    const missing = keep('unknown range', await asTrainee(trainee1).get(`/api/v1/ranges/${unknown}`));
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(JSON.stringify(foreign.body).replace(team2.rangeId, 'ID')).toBe(JSON.stringify(missing.body).replace(unknown, 'ID'));
    expect(Object.keys(foreign.headers).sort()).toEqual(Object.keys(missing.headers).sort());
    const refusals = await waitFor('the refusal in the audit trail', async () => {
      const rows: Array<{ actor: string; credential_id: string; address: string }> = await db.query(
        `SELECT actor, credential_id, address FROM audit_events WHERE action = 'access.refused' AND subject_id = $1`,
        [team2.rangeId],
      );
      return rows.length > 0 ? rows : undefined;
    }, 5000, 100);
    expect(refusals[0]).toMatchObject({ actor: `trainee:${team1.traineeId}`, address: expect.stringMatching(/127\.0\.0\.1$/) });
    expect(refusals[0]!.credential_id).toMatch(/^[0-9a-f-]{36}$/);
    // No refusal is recorded for an id that does not exist (nothing to protect).
    expect(await db.query(`SELECT 1 FROM audit_events WHERE action = 'access.refused' AND subject_id = $1`, [unknown])).toEqual([]);
  });

  it('gives a trainee their own range with only the nodes the template shows them, their enrolment, and no staff routes', async () => {
    const me = keep('me', await asTrainee(trainee1).get('/api/v1/auth/me').expect(200));
    expect(me.body.enrolment).toMatchObject({ traineeId: team1.traineeId, teamId: team1.teamId, sessionId: team1.sessionId, rangeId: team1.rangeId });
    const range = keep('own range', await asTrainee(trainee1).get(`/api/v1/ranges/${team1.rangeId}`).expect(200));
    const blueprint = blueprints.get(team1.rangeId)!;
    const hidden = blueprint.nodes.filter((n) => n.role === 'attacker' || n.role === 'c2').map((n) => n.name);
    expect(hidden.length).toBeGreaterThan(0);
    expect(range.body.nodes.map((n: { name: string }) => n.name)).not.toEqual(expect.arrayContaining([hidden[0]]));
    expect(Object.keys(range.body).sort()).toEqual(['id', 'nodes', 'readyAt', 'readyAtJst', 'status']);
    expect(range.body.readyAtJst).toBe(jstWallOf(range.body.readyAt));
    keep('objectives', await asTrainee(trainee1).get(`/api/v1/ranges/${team1.rangeId}/objectives`).expect(200));
    keep('wrong answer', await asTrainee(trainee1).post(`/api/v1/ranges/${team1.rangeId}/objectives/${OBJECTIVE}/answers`).send({ value: '192.0.2.1' }).expect(200));
    keep('hint', await asTrainee(trainee1).post(`/api/v1/ranges/${team1.rangeId}/objectives/${OBJECTIVE}/hints`).expect(200));
    keep('check now', await asTrainee(trainee1).post(`/api/v1/ranges/${team1.rangeId}/check-now`));
    keep('not an answer objective', await asTrainee(trainee1).post(`/api/v1/ranges/${team1.rangeId}/objectives/incident-report/answers`).send({ value: 'x' }));
    keep('unknown objective', await asTrainee(trainee1).post(`/api/v1/ranges/${team1.rangeId}/objectives/nope/answers`).send({ value: 'x' }));
    for (const path of ['/api/v1/templates', '/api/v1/templates/course-a', `/api/v1/ranges/${team1.rangeId}/events`, `/api/v1/ranges/${team1.rangeId}/timeline`, `/api/v1/sessions/${team1.sessionId}/board`, '/api/v1/trainees']) {
      const res = keep(path, await asTrainee(trainee1).get(path));
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
  });

  it("keeps the live stream closed to trainees", async () => {
    const body = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.get(`${url}/api/v1/sessions/${team1.sessionId}/stream`, { headers: { authorization: `Bearer ${trainee1}` } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
    });
    keep('stream', { status: body.status, text: body.body });
    expect(body.status).toBe(403);
  });

  it('refuses expired, revoked and superseded credentials', async () => {
    // Expired: a fresh session whose expiry has passed (before its first use, so no process trusts it yet).
    const login = await request(url).post('/api/v1/auth/login').send({ email: access.operator.email, password: access.operator.password }).expect(200);
    await db.query(`UPDATE credentials SET expires_at = now() - interval '1 second' WHERE id = $1`, [login.body.credentialId]);
    await authed(url, login.body.token).get('/api/v1/auth/me').expect(401);

    // Idle too long: the same for the sliding idle limit.
    const idle = await request(url).post('/api/v1/auth/login').send({ email: access.operator.email, password: access.operator.password }).expect(200);
    await db.query(`UPDATE credentials SET last_used_at = now() - interval '2 hours' WHERE id = $1`, [idle.body.credentialId]);
    await authed(url, idle.body.token).get('/api/v1/auth/me').expect(401);

    // Revoked: logout ends the session at once, although it was just validated (and cached).
    const other = await request(url).post('/api/v1/auth/login').send({ email: access.operator.email, password: access.operator.password }).expect(200);
    await authed(url, other.body.token).get('/api/v1/auth/me').expect(200);
    await authed(url, other.body.token).post('/api/v1/auth/logout').expect(204);
    await authed(url, other.body.token).get('/api/v1/auth/me').expect(401);

    // Revoked in one API process, refused at once by another that had just validated (and cached) it: Redis pub/sub.
    const otherProcess = await createApiApp();
    try {
      const shared = await request(url).post('/api/v1/auth/login').send({ email: access.operator.email, password: access.operator.password }).expect(200);
      await authed(otherProcess, shared.body.token).get('/api/v1/auth/me').expect(200);
      await authed(url, shared.body.token).post('/api/v1/auth/logout').expect(204);
      await waitFor('the other process to drop the revoked token', async () => (await authed(otherProcess, shared.body.token).get('/api/v1/auth/me')).status === 401, 2000, 20);
    } finally {
      await otherProcess.close();
    }

    // An API token: named, scoped, listed without its secret, revocable; a read token cannot change anything.
    const issued = await authed(url, assigned.token).post('/api/v1/auth/tokens').send({ name: 'board script', scope: 'read', expiresInDays: 7 }).expect(201);
    await authed(url, issued.body.token).get(`/api/v1/sessions/${team1.sessionId}/board`).expect(200);
    await authed(url, issued.body.token).post(`/api/v1/ranges/${team1.rangeId}/notes`).send({ text: 'x' }).expect(403);
    const listed = await authed(url, assigned.token).get('/api/v1/auth/tokens').expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(issued.body.token);
    await authed(url, assigned.token).delete(`/api/v1/auth/tokens/${issued.body.id}`).expect(204);
    await authed(url, issued.body.token).get(`/api/v1/sessions/${team1.sessionId}/board`).expect(401);

    // A password change ends every session of the user (the one used too); the new one works.
    const instructor = await access.instructor();
    const second = await request(url).post('/api/v1/auth/login').send({ email: instructor.email, password: instructor.password }).expect(200);
    await authed(url, second.body.token).get('/api/v1/auth/me').expect(200);
    const changed = await authed(url, instructor.token).post('/api/v1/auth/password').send({ currentPassword: instructor.password, newPassword: 'a much longer passphrase' }).expect(200);
    await authed(url, instructor.token).get('/api/v1/auth/me').expect(401);
    await authed(url, second.body.token).get('/api/v1/auth/me').expect(401);
    await authed(url, changed.body.token).get('/api/v1/auth/me').expect(200);
  });

  it('allows nothing but the password change with a one-time password', async () => {
    const created = await api.http().post('/api/v1/users').send({ email: `fresh-${api.tag}@example.org`, displayName: 'Fresh', role: 'operator' }).expect(201);
    const login = await request(url).post('/api/v1/auth/login').send({ email: `fresh-${api.tag}@example.org`, password: created.body.oneTimePassword }).expect(200);
    expect(login.body.mustChangePassword).toBe(true);
    const refused = await authed(url, login.body.token).get('/api/v1/sessions').expect(403);
    expect(refused.body.message).toMatch(/one-time password/);
    await authed(url, login.body.token).post('/api/v1/auth/password').send({ currentPassword: created.body.oneTimePassword, newPassword: 'short' }).expect(400);
  });

  it('makes a reissued access code and its sessions stop at once, and an expired code refused', async () => {
    const old = codes.find((c) => c.traineeId === team2.traineeId)!.code;
    const csv = await api.http().post(`/api/v1/sessions/${team2.sessionId}/access-codes/${team2.traineeId}/reissue?format=csv`).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    // The venue's printout opens right in Excel on a Japanese PC: a BOM, and the expiry in JST beside the instant.
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    const [header, row] = csv.text.slice(1).trim().split('\r\n');
    expect(header).toBe('team,trainee,organisation,email,code,expires,expires_jst');
    const [expires, expiresJst] = row!.split(',').slice(5);
    expect(expiresJst).toBe(jstWallOf(expires!));
    const fresh = row!.split(',')[4]!;
    expect(fresh).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    await request(url).post('/api/v1/auth/trainee-login').send({ code: old }).expect(401);
    await asTrainee(trainee2).get('/api/v1/auth/me').expect(401);
    const token = await access.traineeLogin(fresh.toLowerCase().replace(/-/g, ' '));
    trainee2 = token;
    await asTrainee(token).get(`/api/v1/ranges/${team2.rangeId}`).expect(200);

    // The e-mail text for Online A names the trainee's code (issued once; here for a new enrolment).
    const org = await api.organisation('other');
    const late = await api.trainee(org.id);
    await api.http().post(`/api/v1/sessions/${team2.sessionId}/enrollments`).send({ traineeId: late.id }).expect(201);
    const mail = await api.http().post(`/api/v1/sessions/${team2.sessionId}/access-codes?format=email`).expect(200);
    expect(mail.text).toContain(`${late.name} 様`);
    expect(mail.text).toMatch(/Access code \/ アクセスコード: [A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/);
    expect(mail.text.match(/Access code/g)).toHaveLength(1);

    // The session ends: codes expire with it (time moved on in the database), and so do trainee sessions.
    const code = /Access code \/ アクセスコード: (\S+)/.exec(mail.text)![1]!;
    await db.query(`UPDATE trainee_access_codes SET expires_at = now() - interval '1 second' WHERE trainee_id = $1`, [late.id]);
    await request(url).post('/api/v1/auth/trainee-login').send({ code }).expect(401);
    const [{ expires_at: sessionEnd }] = await db.query(`SELECT ends_at AS expires_at FROM sessions WHERE id = $1`, [team2.sessionId]);
    const [{ expires_at: tokenEnd }] = await db.query(`SELECT max(expires_at) AS expires_at FROM credentials WHERE trainee_id = $1`, [team2.traineeId]);
    expect(new Date(tokenEnd).getTime()).toBeLessThanOrEqual(new Date(sessionEnd).getTime());
  });

  it('never shows a trainee an answer, a variable or an IOC of the range', () => {
    const secrets = new Set<string>();
    for (const blueprint of blueprints.values()) {
      for (const value of Object.values(blueprint.variables)) if (value.length >= 4) secrets.add(value);
      for (const objective of blueprint.scenario?.objectives ?? []) {
        if (objective.answer?.expected) secrets.add(objective.answer.expected);
        for (const alternative of objective.answer?.alternatives ?? []) secrets.add(alternative);
        for (const ioc of objective.report?.iocs ?? []) secrets.add(ioc.expected);
      }
    }
    // The addresses of the nodes the template shows trainees are theirs to see (course A's web_ip is one).
    for (const blueprint of blueprints.values()) {
      for (const node of blueprint.nodes.filter((n) => n.visible ?? !['attacker', 'c2'].includes(n.role))) {
        for (const attachment of node.attachments) secrets.delete(attachment.address);
      }
    }
    expect(secrets.size).toBeGreaterThan(10);
    expect(traineeSaw.length).toBeGreaterThan(60);
    // A value counts where it stands alone (a 5-digit port may well occur inside a uuid).
    const patterns = [...secrets].map((s) => ({ s, re: new RegExp(`(?<![A-Za-z0-9])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`) }));
    const leaks = traineeSaw.flatMap(({ what, body }) => patterns.filter(({ re }) => re.test(body)).map(({ s }) => `${what}: ${s}`));
    expect(leaks).toEqual([]);
  });

  it('slows login brute force per account and per address with growing delays (429 with Retry-After)', async () => {
    const email = access.operator.email;
    const delays: Array<{ attempt: number; status: number; retryAfter: string | undefined }> = [];
    const attempt = async (n: number) => {
      const res = await request(url).post('/api/v1/auth/login').send({ email, password: `wrong-${n}` });
      delays.push({ attempt: n, status: res.status, retryAfter: res.headers['retry-after'] });
      return res;
    };
    for (let n = 1; n <= 4; n++) await attempt(n);
    // LOGIN_FREE_ATTEMPTS (3) failures are free; the 4th imposes 1 s, and until then even the right password waits.
    const blocked = await request(url).post('/api/v1/auth/login').send({ email, password: access.operator.password });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 1100));
    await attempt(5); // 2 s now
    await attempt(6); // refused at once
    await new Promise((r) => setTimeout(r, 2100));
    await attempt(7); // 4 s now
    await attempt(8);
    console.log(`login attempts with a wrong password:\n${delays.map((d) => `  #${d.attempt}: ${d.status}${d.retryAfter ? ` Retry-After ${d.retryAfter}s` : ''}`).join('\n')}`);
    expect(delays.map((d) => d.status)).toEqual([401, 401, 401, 401, 401, 429, 401, 429]);
    expect(delays.map((d) => d.retryAfter)).toEqual([undefined, undefined, undefined, undefined, undefined, '2', undefined, '4']);
    const audit = await db.query(`SELECT details FROM audit_events WHERE action = 'auth.login-failed' AND details->>'email' = $1 ORDER BY id`, [email]);
    expect(audit.map((a: { details: { delaySeconds: number } }) => a.details.delaySeconds)).toEqual([0, 0, 0, 1, 2, 4]);
    // Leave no delay behind for the suites that log in after this one.
    const redis = app.get(RedisClient).redis;
    const keys = await redis.keys(app.get(RedisClient).key('login', '*'));
    if (keys.length) await redis.del(...keys);
  }, 30000);
});
