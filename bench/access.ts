/**
 * Access benchmark (not a test): the latency authentication and authorisation add to the hottest
 * routes, in one run, against the same routes with the guard off.
 *
 * Two API instances on the same database and Redis in this process: one with the real global
 * guard (token lookup, cached; role check; per-credential rate limit in Redis; the resource
 * resolver's query; the team limit on answers), one whose guard only puts a fixed principal on the
 * request. Each route is called ROUNDS times on each, interleaved, sequentially over keep-alive
 * HTTP on loopback:
 *   - GET  /sessions/:id/board                         as the session's instructor
 *   - GET  /ranges/:id/objectives                      as a trainee of the team
 *   - POST /ranges/:id/objectives/:objective/answers   as that trainee (an objective already met:
 *     409 every time, so both instances do the same work past the guard)
 * Own database and Redis prefix, removed at the end.
 *
 *   npm run build && flock /work/e2e.lock npm run bench:access
 */
import 'reflect-metadata';
import type { CanActivate, ExecutionContext, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { AccessGuard, PRINCIPAL_PROPERTY, Role, type Principal } from '@app/access';
import { SharedTemplateCatalog } from '@app/templates';
import { createThrowawayEnvironment, removeThrowawayEnvironment } from '@app/throwaway';
import { DataSource } from 'typeorm';
import { ApiModule } from '../apps/api/src/api.module.js';
import { configureApi } from '../apps/api/src/setup.js';
import { benchOperator, call, firstLogin, must, percentile } from './bench-kit.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS || 400);
const runId = randomBytes(3).toString('hex');


/** The guard off: every request is the principal the bench names in x-bench-as. */
class FixedPrincipalGuard implements CanActivate {
  constructor(private readonly principals: Record<string, Principal>) {}
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string> } & Record<string, unknown>>();
    const as = request.headers['x-bench-as'];
    if (as) request[PRINCIPAL_PROPERTY] = this.principals[as];
    return true;
  }
}

async function start(guardOff?: FixedPrincipalGuard): Promise<{ app: INestApplication; base: string }> {
  const builder = Test.createTestingModule({ imports: [ApiModule] });
  if (guardOff) builder.overrideProvider(AccessGuard).useValue(guardOff);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  configureApi(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, base: `http://127.0.0.1:${port}/api/v1` };
}

async function main(): Promise<void> {
  // The bench's own database (migrated), Redis prefix and Docker label instance.
  const environment = await createThrowawayEnvironment('benchaccess', { runId });
  Object.assign(process.env, {
    ...environment.settings,
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_TEAM_PER_MINUTE: '1000000',
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  });

  const apps: INestApplication[] = [];
  try {
    const on = await start();
    apps.push(on.app);
    const db = on.app.get(DataSource);

    // An operator, an instructor assigned to an Online A session, a trainee of its team, a course A range of that team.
    const op = await benchOperator(on.app, on.base, runId);
    const instructorEmail = `instructor-${runId}@bench.example.org`;
    const instructor = await must(on.base, 'POST', '/instructors', op, { name: 'Bench Instructor', email: instructorEmail, courseCodes: ['ONLINE-A'] });
    const account = await must(on.base, 'POST', '/users', op, { email: instructorEmail, displayName: 'Bench Instructor', role: 'instructor', instructorId: instructor.id });
    const ins = await firstLogin(on.base, instructorEmail, account.oneTimePassword, runId);
    const year = new Date().getUTCFullYear() + 1;
    const session = await must(on.base, 'POST', '/sessions', op, {
      courseCode: 'ONLINE-A',
      teamSize: 1,
      seats: 5,
      instructorIds: [instructor.id],
      startsAt: new Date(`${year}-12-02T10:00:00+09:00`).toISOString(),
      endsAt: new Date(`${year}-12-02T17:00:00+09:00`).toISOString(),
    });
    await must(on.base, 'POST', `/sessions/${session.id}/transitions`, op, { status: 'open' });
    const org = await must(on.base, 'POST', '/organisations', op, { name: `Bench org ${runId}`, typeCode: 'other' });
    const trainee = await must(on.base, 'POST', '/trainees', op, { name: 'Bench Trainee', email: `trainee-${runId}@bench.example.org`, organisationId: org.id });
    const enrolment = await must(on.base, 'POST', `/sessions/${session.id}/enrollments`, op, { traineeId: trainee.id });
    const catalog = on.app.get(SharedTemplateCatalog);
    const summary = await catalog.describe('course-a');
    const blueprint = await catalog.render('course-a', Object.fromEntries(summary.networks.map((n, i) => [n, `10.252.${i}.0/26`])));
    const [{ id: rangeId }] = await db.query(
      `INSERT INTO ranges (session_id, team_id, template_id, template_hash, status, blueprint, seed, ready_at) VALUES ($1, $2, 'course-a', $3, 'ready', $4, $5, now()) RETURNING id`,
      [session.id, enrolment.teamId, summary.hash, JSON.stringify(blueprint), blueprint.seed ?? 'seed'],
    );
    const codes = await must(on.base, 'POST', `/sessions/${session.id}/access-codes`, op);
    const tr = { authorization: `Bearer ${(await must(on.base, 'POST', '/auth/trainee-login', {}, { code: codes.codes[0].code })).token}` };
    const objective = 'vulnerable-program';
    await must(on.base, 'POST', `/ranges/${rangeId}/objectives/${objective}/answers`, tr, { value: '/cgi-bin/ping' });

    const principals: Record<string, Principal> = {
      instructor: { kind: 'user', id: account.user.id, role: Role.Instructor, displayName: 'Bench Instructor', instructorId: instructor.id, credentialId: 'bench', scope: 'full' },
      trainee: { kind: 'trainee', id: trainee.id, role: Role.Trainee, displayName: 'Bench Trainee', traineeId: trainee.id, teamId: enrolment.teamId, sessionId: session.id, credentialId: 'bench', scope: 'full' },
    };
    const off = await start(new FixedPrincipalGuard(principals));
    apps.push(off.app);

    const routes = [
      { name: 'board', method: 'GET', path: `/sessions/${session.id}/board`, on: ins, off: { 'x-bench-as': 'instructor' }, expect: 200 },
      { name: 'objectives', method: 'GET', path: `/ranges/${rangeId}/objectives`, on: tr, off: { 'x-bench-as': 'trainee' }, expect: 200 },
      { name: 'answers', method: 'POST', path: `/ranges/${rangeId}/objectives/${objective}/answers`, on: tr, off: { 'x-bench-as': 'trainee' }, expect: 409, body: { value: 'x' } },
    ];
    const rows: string[][] = [];
    for (const route of routes) {
      const times = { on: [] as number[], off: [] as number[] };
      // Warm both (connections, caches, JIT), then interleave so drift hits both alike.
      for (let i = 0; i < 30; i++) {
        await call(on.base, route.method, route.path, route.on, route.body);
        await call(off.base, route.method, route.path, route.off, route.body);
      }
      for (let i = 0; i < ROUNDS; i++) {
        for (const side of i % 2 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
          const t0 = process.hrtime.bigint();
          const res = await call(side === 'on' ? on.base : off.base, route.method, route.path, route[side], route.body);
          times[side].push(Number(process.hrtime.bigint() - t0) / 1e6);
          if (res.status !== route.expect) throw new Error(`${route.name} (${side}): ${res.status} ${JSON.stringify(res.json)}`);
        }
      }
      const on50 = percentile(times.on.sort((a, b) => a - b), 50);
      const off50 = percentile(times.off.sort((a, b) => a - b), 50);
      const on99 = percentile(times.on, 99);
      const off99 = percentile(times.off, 99);
      rows.push([
        `${route.method} ${route.name}`,
        off50.toFixed(2),
        on50.toFixed(2),
        (on50 - off50).toFixed(2),
        off99.toFixed(2),
        on99.toFixed(2),
        (on99 - off99).toFixed(2),
        (on50 / off50).toFixed(2),
      ]);
    }
    const header = ['route', 'p50 off', 'p50 on', 'added p50', 'p99 off', 'p99 on', 'added p99', 'ratio p50'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    console.log(`\nAccess guard: ${ROUNDS} sequential requests per route per side, milliseconds, loopback HTTP (target: added p50 under 1 ms)\n`);
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows) console.log(line(r));
    console.log('');
  } finally {
    for (const app of apps) await app.close();
    await removeThrowawayEnvironment(environment);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
