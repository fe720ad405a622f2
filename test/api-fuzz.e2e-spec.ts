import type { INestApplication } from '@nestjs/common';
import { SharedTemplateCatalog } from '@app/templates';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AccessClient, authed } from './support/access.js';
import { DATABASE_TEXT } from './support/error-bodies.js';
import { jstDay, SchedulingClient } from './support/scheduling-api.js';
import { createApiApp } from './support/test-app.js';

/**
 * Hostile input over every operation of the OpenAPI document (a new route is fuzzed without editing
 * this file), on the real PostgreSQL and Redis: wrong types, unknown fields, JSON deeper than the
 * limit, control characters and unpaired surrogates, numbers beyond 2^53 and 1e20, in bodies, query
 * strings and path parameters; as the operator, and as a trainee on the trainee's routes. Every
 * answer is below 500 and documented for its operation, every error has the one error body, and
 * none carries database text. No Docker:
 * every mutation is refused by validation, and an unknown query parameter reaches a route only on
 * reads behind the guard (no worker runs either), so it needs no engine lock. About 1,000 requests.
 */
type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  enum?: unknown[];
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}
interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  roles: string[];
  parameters: Parameter[];
  body?: { schema: Schema; example: Record<string, unknown> };
  stream: boolean;
  /** The statuses the document says the operation answers. */
  statuses: string[];
}
interface Mutation {
  what: string;
  /** One of many per-field or per-parameter mutations (a bounded share of them is sent). */
  rotating?: boolean;
  path?: string;
  query?: string;
  /** Raw JSON text (so 2^53+1 and unpaired surrogates reach the server as written). */
  body?: string;
}

const DEEP = (n: number) => '['.repeat(n) + ']'.repeat(n);
const HUGE_INTEGER = '9007199254740993';
const OBJECTIVE = 'attacker-address';
/** Per-field and per-parameter mutations sent per operation (beside the whole-body ones). */
const PER_OPERATION = 8;

describe('fuzz: every operation of the OpenAPI document (real PostgreSQL and Redis)', () => {
  let app: INestApplication;
  let url: string;
  let db: DataSource;
  let access: AccessClient;
  let operations: Operation[];
  let schemas: Record<string, Schema>;
  let traineeToken: string;
  const world: Record<string, string> = {};

  const resolve = (schema: Schema | undefined): Schema => {
    if (!schema) return {};
    if (schema.$ref) return resolve(schemas[schema.$ref.split('/').pop()!]);
    if (schema.allOf) return schema.allOf.map(resolve).reduce((a, b) => ({ ...a, ...b, properties: { ...a.properties, ...b.properties } }), {});
    return schema;
  };

  /** A path of the document with every parameter filled in with this suite's things (unknown names get a random uuid). */
  const fill = (path: string, override: Record<string, string> = {}): string =>
    path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (name in override) return override[name]!;
      if (name === 'id') {
        const collection = path.split('/')[3];
        if (collection === 'sessions') return world.sessionId!;
        if (collection === 'ranges') return world.rangeId!;
        if (collection === 'templates') return 'course-a';
        if (collection === 'organisations') return world.organisationId!;
        if (collection === 'trainees') return world.traineeId!;
        return randomUUID();
      }
      const known: Record<string, string | undefined> = { objectiveId: OBJECTIVE, code: 'A', node: 'web', ...world };
      return known[name] ?? randomUUID();
    });

  /** A value of the wrong JSON type for a schema. */
  const wrongType = (schema: Schema): unknown => {
    const s = resolve(schema);
    if (s.type === 'string') return { not: 'a string' };
    if (s.type === 'integer' || s.type === 'number') return 'twelve';
    if (s.type === 'boolean') return 'yes';
    if (s.type === 'array') return 'not a list';
    return 7;
  };

  /**
   * A bounded set of mutations for one operation, each refused by validation (or by the JSON parser):
   * the whole-body ones always, and PER_OPERATION of the per-field ones, rotated by the operation's
   * place so every kind still meets every sort of field across the document.
   */
  function mutations(op: Operation, place: number): Mutation[] {
    const all = everyMutation(op);
    const fixed = all.filter((m) => !m.rotating);
    const rotating = all.filter((m) => m.rotating);
    const start = rotating.length ? (place * 5) % rotating.length : 0;
    return [...fixed, ...[...rotating.slice(start), ...rotating.slice(0, start)].slice(0, PER_OPERATION)];
  }

  function everyMutation(op: Operation): Mutation[] {
    const out: Mutation[] = [];
    const path = fill(op.path);
    // Path parameters: each at a time, the others valid.
    for (const p of op.parameters.filter((x) => x.in === 'path')) {
      const isUuid = resolve(p.schema).format === 'uuid';
      for (const [what, value] of [
        ['NUL', 'a%00b'],
        ['line break', 'a%0Ab'],
        ['malformed percent-encoding', '%E0%A4%A'],
        ['unpaired surrogate', '%ED%A0%80'],
        ...(isUuid ? [['not a uuid', 'not-a-uuid'], ['huge number', HUGE_INTEGER]] : [['2 KB', 'x'.repeat(2048)]]),
      ] as const) {
        out.push({ what: `path ${p.name}: ${what}`, path: fill(op.path, { [p.name]: value }), rotating: true });
      }
    }
    // Query parameters: each at a time.
    for (const p of op.parameters.filter((x) => x.in === 'query')) {
      const type = resolve(p.schema).type;
      const values: Array<[string, string]> = [
        ['NUL', 'a%00b'],
        ['unpaired surrogate', '%ED%A0%80'],
        ['twice', `1&${p.name}=2`],
      ];
      if (type === 'integer' || type === 'number') values.push(['1e20', '1e20'], ['2^53+1', HUGE_INTEGER], ['-1e20', '-1e20'], ['not a number', 'abc']);
      else values.push(['1e20', '1e20'], ['10 KB', 'y'.repeat(10240)]);
      for (const [what, value] of values) out.push({ what: `query ${p.name}: ${what}`, path, query: `${p.name}=${value}`, rotating: true });
    }
    // An unknown query parameter reaches the route only on reads behind the guard (never on a stream,
    // which would not end, nor on health, whose probe pings the Docker engine).
    if (op.method === 'get' && !op.stream && op.roles.length) out.push({ what: 'unknown query parameter', path, query: 'fuzz_unknown=1' });
    // Every route: a body nested deeper than the limit is refused by the parser, whatever the route.
    out.push({ what: 'JSON nested 40 deep', path, body: `{"a":${DEEP(40)}}` });
    if (!op.body) return out;

    const example = op.body.example;
    const properties = Object.entries(resolve(op.body.schema).properties ?? {});
    const withField = (field: string, raw: string) => {
      const rest = JSON.stringify({ ...example, [field]: undefined });
      return rest === '{}' ? `{"${field}":${raw}}` : `{"${field}":${raw},${rest.slice(1)}`;
    };
    out.push({ what: 'unknown field', path, body: JSON.stringify({ ...example, fuzzUnknown: 1 }) });
    out.push({ what: 'JSON nested 15,000 deep', path, body: `{"${properties[0]?.[0] ?? 'a'}":${DEEP(15000)}}` });
    out.push({ what: 'a list instead of an object', path, body: JSON.stringify([example]) });
    out.push({ what: 'a string instead of an object', path, body: '"text"' });
    if (properties.length) {
      out.push({ what: 'every field of the wrong type', path, body: JSON.stringify(Object.fromEntries(properties.map(([k, s]) => [k, wrongType(s)]))) });
    }
    for (const [field, schema] of properties.slice(0, 8)) {
      const s = resolve(schema);
      out.push({ what: `${field}: wrong type`, path, body: withField(field, JSON.stringify(wrongType(schema))), rotating: true });
      if (s.type === 'string' || (s.type === 'array' && resolve(s.items).type === 'string')) {
        const wrap = (text: string) => (s.type === 'array' ? `[${text}]` : text);
        out.push({ what: `${field}: NUL`, path, body: withField(field, wrap('"a\\u0000b"')), rotating: true });
        out.push({ what: `${field}: bell`, path, body: withField(field, wrap('"a\\u0007b"')), rotating: true });
        out.push({ what: `${field}: unpaired surrogate`, path, body: withField(field, wrap('"a\\ud800b"')), rotating: true });
      }
      if (s.type === 'integer' || s.type === 'number' || (s.type === 'array' && ['integer', 'number'].includes(resolve(s.items).type ?? ''))) {
        const wrap = (text: string) => (s.type === 'array' ? `[${text}]` : text);
        for (const n of [HUGE_INTEGER, '1e20', '-1e20', '1.5']) out.push({ what: `${field}: ${n}`, path, body: withField(field, wrap(n)), rotating: true });
      }
    }
    return out;
  }

  beforeAll(async () => {
    // Many requests from one credential and one team in a minute: the limits are not what is tested here.
    Object.assign(process.env, { RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_TEAM_PER_MINUTE: '1000000' });
    app = await createApiApp();
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    db = app.get(DataSource);
    access = await AccessClient.start(app, url);
    const api = new SchedulingClient(url, access.operator.token);

    const doc = (await request(url).get('/api/docs-json').expect(200)).body;
    schemas = doc.components.schemas;
    operations = Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const json = (op.requestBody as { content?: Record<string, { schema: Schema; example?: Record<string, unknown> }> } | undefined)?.content?.['application/json'];
        const ok = Object.entries(op.responses as Record<string, { content?: Record<string, unknown> }>).find(([status]) => Number(status) < 300)?.[1];
        return {
          method: method as Operation['method'],
          path,
          roles: (op['x-roles'] as string[] | undefined) ?? [],
          parameters: (op.parameters as Parameter[] | undefined) ?? [],
          body: json ? { schema: json.schema, example: json.example ?? {} } : undefined,
          stream: Object.keys(ok?.content ?? {}).includes('text/event-stream'),
          statuses: Object.keys(op.responses as object),
        };
      }),
    );

    // One Online A session with a team of one, its range (rendered, no containers) and the trainee's login.
    const instructor = await access.instructor();
    const session = await api.session({ courseCode: 'ONLINE-A', teamSize: 1, seats: 10, instructorIds: [instructor.instructorId], ...jstDay('2030-12-03') }, true);
    const organisation = await api.organisation('other');
    const trainee = await api.trainee(organisation.id);
    const enrolled = (await api.http().post(`/api/v1/sessions/${session.id}/enrollments`).send({ traineeId: trainee.id }).expect(201)).body;
    const catalog = app.get(SharedTemplateCatalog);
    const summary = await catalog.describe('course-a');
    const blueprint = await catalog.render('course-a', Object.fromEntries(summary.networks.map((name, i) => [name, `10.252.${i}.0/26`])));
    const [{ id: rangeId }] = await db.query(
      `INSERT INTO ranges (session_id, team_id, template_id, template_hash, status, blueprint, seed, ready_at)
       VALUES ($1, $2, 'course-a', $3, 'ready', $4, $5, now()) RETURNING id`,
      [session.id, enrolled.teamId, summary.hash, JSON.stringify(blueprint), blueprint.seed ?? 'seed'],
    );
    Object.assign(world, { sessionId: session.id, teamId: enrolled.teamId, traineeId: trainee.id, organisationId: organisation.id, rangeId, enrollmentId: enrolled.id });
    const codes = await access.issueCodes(session.id);
    traineeToken = await access.traineeLogin(codes[0]!.code);
  }, 120000);

  afterAll(async () => {
    // The range had no containers: marked destroyed, so a worker of a later suite never evaluates it.
    if (db && world.rangeId) await db.query(`UPDATE ranges SET status = 'destroyed', destroyed_at = now() WHERE id = $1`, [world.rangeId]);
    await app?.close();
  });

  async function fuzz(token: string, ops: Operation[]): Promise<{ requests: number; statuses: Record<number, number>; wrong: string[] }> {
    const statuses: Record<number, number> = {};
    const wrong: string[] = [];
    const cases = ops.flatMap((op, place) => mutations(op, place).map((m) => ({ op, m })));
    const send = async ({ op, m }: (typeof cases)[number]) => {
      const target = m.query ? `${m.path}${m.path!.includes('?') ? '&' : '?'}${m.query}` : m.path!;
      let req = authed(url, token)[op.method](target).timeout(15000);
      if (m.body !== undefined) req = req.set('Content-Type', 'application/json').send(m.body);
      const res = await req.ok(() => true);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const text = res.text ?? JSON.stringify(res.body);
      const line = `${op.method.toUpperCase()} ${op.path} [${m.what}] -> ${res.status} ${text.slice(0, 300)}`;
      if (res.status >= 500) wrong.push(line);
      else if (res.status >= 400 && DATABASE_TEXT.test(text)) wrong.push(`database text: ${line}`);
      else if (res.status >= 400 && res.body?.statusCode !== res.status) wrong.push(`not the error body: ${line}`);
      // The document lists every answer the route gives.
      if (!op.statuses.includes(String(res.status))) wrong.push(`undocumented status: ${line}`);
    };
    // A few at once, as several browser tabs would: the run stays short and the API sees concurrent hostile input.
    const CONCURRENCY = 4;
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < cases.length) await send(cases[next++]!);
    }));
    return { requests: cases.length, statuses, wrong };
  }

  it('answers every mutation of every operation below 500, without database text, as the operator', async () => {
    expect(operations.length).toBeGreaterThan(90);
    const result = await fuzz(access.operator.token, operations);
    console.log(`fuzz as operator: ${operations.length} operations, ${result.requests} requests, statuses ${JSON.stringify(result.statuses)}`);
    expect(result.wrong).toEqual([]);
    // The mutations reached validation: most answers are 400s naming fields.
    expect(result.statuses[400]).toBeGreaterThan(result.requests * 0.8);
  }, 120000);

  it("answers every mutation of a trainee's operations below 500, without database text, as the trainee", async () => {
    const mine = operations.filter((op) => op.roles.includes('trainee'));
    expect(mine.length).toBeGreaterThan(5);
    const result = await fuzz(traineeToken, mine);
    console.log(`fuzz as trainee: ${mine.length} operations, ${result.requests} requests, statuses ${JSON.stringify(result.statuses)}`);
    expect(result.wrong).toEqual([]);
    expect(result.statuses[400]).toBeGreaterThan(result.requests * 0.5);
  }, 60000);

  it('names every failing field of a body whose fields are all of the wrong type', async () => {
    const missing: string[] = [];
    for (const op of operations.filter((o) => o.body && Object.keys(resolve(o.body.schema).properties ?? {}).length >= 2)) {
      const properties = Object.entries(resolve(op.body!.schema).properties ?? {});
      const body = Object.fromEntries(properties.map(([k, s]) => [k, wrongType(s)]));
      const res = await authed(url, access.operator.token)[op.method](fill(op.path)).send(body).ok(() => true);
      const named = new Set((res.body?.errors ?? []).map((e: { field: string }) => e.field.split(/[.[]/)[0]));
      const unnamed = properties.map(([k]) => k).filter((k) => !named.has(k));
      if (res.status !== 400 || unnamed.length) missing.push(`${op.method.toUpperCase()} ${op.path} -> ${res.status}, not named: ${unnamed.join(', ')}`);
    }
    expect(missing).toEqual([]);
  });
});
