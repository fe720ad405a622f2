/**
 * Exercise day benchmark (not a test): a national day on one machine. BENCH_SESSIONS sessions
 * (default 5) of BENCH_TEAMS teams each (default 10), course A (its configured template, course-a),
 * closed with their teams and started BENCH_STAGGER_SECONDS apart. Nothing is moved by hand: the
 * worker's tick provisions each session SESSION_LEAD_SECONDS (BENCH_LEAD_SECONDS) before its start,
 * starts its clock at the start and finishes it BENCH_RUN_SECONDS later. Measured in the same run:
 *   - per session, the time from its start to every team's range ready (target 0 s: the ranges are
 *     provisioned ahead), and how long its provisioning took;
 *   - peak containers of the run and peak memory (the containers' own cgroup usage, and the sum of
 *     their limits, what HOST_CAPACITY_MEMORY_MB counts);
 *   - the instructor board's latency (GET /sessions/:id/board over HTTP, one session after the other)
 *     while sessions provision and run, against the same calls on the quiet host at the end.
 * A host that cannot hold it all makes sessions wait for capacity (shown as "waited"); the size is
 * configurable for smaller hosts. Own database, Redis prefix and Docker label instance, removed at the end.
 *
 *   npm run build && flock /work/e2e.lock npm run bench:session-day
 *   BENCH_SESSIONS=2 BENCH_TEAMS=3 BENCH_LEAD_SECONDS=60 npm run bench:session-day
 */
import 'reflect-metadata';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadConfig } from '@app/config';
import { CONTAINER_RUNTIME, type ContainerRuntime, labelKeys } from '@app/docker';
import { SessionLifecycle } from '@app/session-day';
import { createThrowawayEnvironment, removeThrowawayEnvironment } from '@app/throwaway';
import { DataSource } from 'typeorm';
import { ApiModule } from '../apps/api/src/api.module.js';
import { configureApi } from '../apps/api/src/setup.js';
import { WorkerModule } from '../apps/worker/src/worker.module.js';
import { benchOperator, call, must, percentile } from './bench-kit.js';
import { recordBenchResult } from './results.js';

const SESSIONS = Number(process.env.BENCH_SESSIONS || 5);
const TEAMS = Number(process.env.BENCH_TEAMS || 10);
const TEAM_SIZE = 3;
const LEAD_SECONDS = Number(process.env.BENCH_LEAD_SECONDS || 150);
const STAGGER_SECONDS = Number(process.env.BENCH_STAGGER_SECONDS || 60);
const RUN_SECONDS = Number(process.env.BENCH_RUN_SECONDS || 60);
const QUIET_ROUNDS = 20;
const runId = randomBytes(3).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fmt = (n: number, unit = 'ms') => (Number.isFinite(n) ? `${n.toFixed(0)} ${unit}` : 'n/a');
const secs = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} s` : 'n/a');

/** Memory a container uses now (its cgroup, v1 or v2), or null when the host does not show it. */
function cgroupMemory(id: string): number | null {
  for (const file of [
    `/sys/fs/cgroup/memory/docker/${id}/memory.usage_in_bytes`,
    `/sys/fs/cgroup/system.slice/docker-${id}.scope/memory.current`,
    `/sys/fs/cgroup/docker/${id}/memory.current`,
  ]) {
    try {
      return Number(readFileSync(file, 'utf8').trim());
    } catch {
      /* the next layout */
    }
  }
  return null;
}

interface PlannedSession {
  id: string;
  index: number;
  startsAt: Date;
}

async function main(): Promise<void> {
  const environment = await createThrowawayEnvironment('benchday', { runId });
  Object.assign(process.env, {
    ...environment.settings,
    COURSE_TEMPLATES: process.env.COURSE_TEMPLATES || 'A=course-a',
    SESSION_LEAD_SECONDS: String(LEAD_SECONDS),
    SESSION_TEARDOWN_GRACE_SECONDS: '86400',
    SESSION_TICK_INTERVAL_MS: '1000',
    RANGE_RECONCILE_INTERVAL_MS: '0',
    RATE_LIMIT_PER_MINUTE: '1000000',
    WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY || '10',
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  });
  const config = loadConfig();

  let worker: INestApplicationContext | undefined;
  let api: INestApplication | undefined;
  try {
    // The API on loopback (the board is measured over HTTP) and the worker, in this process as the e2e suites run them.
    api = await NestFactory.create(ApiModule, { logger: ['error', 'warn'] });
    configureApi(api);
    await api.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(api.getHttpServer().address() as { port: number }).port}/api/v1`;
    const db = api.get(DataSource);

    const op = await benchOperator(api, base, runId);

    // The sessions, closed with their teams (scheduled on a far day, as office hours require; then moved to today below).
    const org = await must(base, 'POST', '/organisations', op, { name: `Bench org ${runId}`, typeCode: 'local_government' });
    const sessions: PlannedSession[] = [];
    for (let s = 0; s < SESSIONS; s++) {
      const instructor = await must(base, 'POST', '/instructors', op, { name: `Bench Instructor ${runId}-${s}`, email: `instructor-${runId}-${s}@bench.example.org`, courseCodes: ['A'] });
      const venue = await must(base, 'POST', '/venues', op, {
        name: `Bench venue ${runId}-${s}`,
        prefectureCode: 1 + s,
        city: `City ${s}`,
        seatCapacity: TEAMS * TEAM_SIZE,
        rangeHostCapacity: TEAMS,
      });
      const year = new Date().getUTCFullYear() + 2;
      const session = await must(base, 'POST', '/sessions', op, {
        courseCode: 'A',
        venueId: venue.id,
        seats: TEAMS * TEAM_SIZE,
        teamSize: TEAM_SIZE,
        instructorIds: [instructor.id],
        startsAt: new Date(`${year}-01-14T10:00:00+09:00`).toISOString(),
        endsAt: new Date(`${year}-01-14T17:00:00+09:00`).toISOString(),
      });
      await must(base, 'POST', `/sessions/${session.id}/transitions`, op, { status: 'open' });
      for (let t = 0; t < TEAMS * TEAM_SIZE; t++) {
        const trainee = await must(base, 'POST', '/trainees', op, { name: `Bench Trainee ${s}-${t}`, email: `trainee-${runId}-${s}-${t}@bench.example.org`, organisationId: org.id });
        await must(base, 'POST', `/sessions/${session.id}/enrollments`, op, { traineeId: trainee.id });
      }
      const closed = await must(base, 'POST', `/sessions/${session.id}/transitions`, op, { status: 'closed' });
      for (const w of closed.warnings ?? []) console.log(`session ${s + 1} closing: ${w}`);
      sessions.push({ id: session.id, index: s, startsAt: new Date(0) });
    }

    // Staggered starts: session k starts LEAD + k x STAGGER seconds from now, so the first is due for provisioning at once.
    const t0 = Date.now();
    for (const s of sessions) {
      s.startsAt = new Date(t0 + (LEAD_SECONDS + s.index * STAGGER_SECONDS) * 1000);
      await db.query(`UPDATE sessions SET starts_at = $2, ends_at = $3 WHERE id = $1`, [s.id, s.startsAt, new Date(s.startsAt.getTime() + RUN_SECONDS * 1000)]);
    }
    console.log(
      `${SESSIONS} sessions x ${TEAMS} teams of course A (${process.env.COURSE_TEMPLATES}); lead ${LEAD_SECONDS} s, starts ${STAGGER_SECONDS} s apart, ${RUN_SECONDS} s each`,
    );
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn'] });
    const engine = worker.get<ContainerRuntime>(CONTAINER_RUNTIME);
    const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);

    // Sampling: containers and memory every second; the board of every ready or running session, one after the other.
    let peakContainers = 0;
    let peakUsedMb = 0;
    let peakLimitMb = 0;
    // Shown once any running container's cgroup could be read (a container only created, or already
    // removed, has none: that is no reason to drop the figure for the whole day).
    let memoryShown = false;
    const loaded: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const containers = await engine.listContainers({ [keys.instance]: config.INSTANCE_NAME }).catch(() => []);
        peakContainers = Math.max(peakContainers, containers.length);
        let used = 0;
        for (const c of containers.filter((x) => x.state === 'running')) {
          const bytes = cgroupMemory(c.id);
          if (bytes !== null) {
            memoryShown = true;
            used += bytes;
          }
        }
        peakUsedMb = Math.max(peakUsedMb, used / 2 ** 20);
        const [{ mb }] = await db.query(
          `SELECT coalesce(sum((n->'resources'->>'memoryMb')::int), 0)::int AS mb FROM ranges r, jsonb_array_elements(r.blueprint->'nodes') n WHERE r.status NOT IN ('destroyed', 'failed')`,
        );
        peakLimitMb = Math.max(peakLimitMb, mb);
        await sleep(1000);
      }
    })();
    let boardFailures = 0;
    const boardPoller = (async () => {
      while (sampling) {
        const live: Array<{ id: string }> = await db.query(`SELECT id FROM sessions WHERE id = ANY($1) AND status IN ('ready', 'running')`, [sessions.map((s) => s.id)]);
        for (const { id } of live) {
          const t = performance.now();
          // A refused or reset connection on a saturated host is a failed call to count, not the end
          // of the run (an unheard rejection here once killed the bench before its cleanup).
          const res = await call(base, 'GET', `/sessions/${id}/board`, op).catch((err: Error) => ({ status: 0, json: err.message }));
          if (res.status === 200) loaded.push(performance.now() - t);
          else boardFailures++;
        }
        await sleep(live.length ? 100 : 500);
      }
    })();

    // Until every session is finished and archived (or the day overran by far).
    const lastEnd = Math.max(...sessions.map((s) => s.startsAt.getTime())) + RUN_SECONDS * 1000;
    const giveUpAt = lastEnd + 15 * 60_000;
    for (;;) {
      const [{ done }] = await db.query(`SELECT count(*)::int AS done FROM session_archives WHERE session_id = ANY($1)`, [sessions.map((s) => s.id)]);
      const failed: Array<{ id: string; status_reason: string }> = await db.query(
        `SELECT id, status_reason FROM sessions WHERE id = ANY($1) AND status = 'closed' AND status_reason LIKE 'provisioning failed%'`,
        [sessions.map((s) => s.id)],
      );
      if (failed.length) throw new Error(`provisioning failed: ${failed.map((f) => f.status_reason).join('; ')}`);
      if (done === SESSIONS) break;
      if (Date.now() > giveUpAt) throw new Error(`only ${done} of ${SESSIONS} sessions finished 15 minutes after the last end`);
      await sleep(2000);
    }
    sampling = false;
    await Promise.all([sampler, boardPoller]);

    // The quiet baseline: the same board calls with nothing provisioning or running.
    const quiet: number[] = [];
    for (let round = 0; round < QUIET_ROUNDS; round++) {
      for (const s of sessions) {
        const t = performance.now();
        await must(base, 'GET', `/sessions/${s.id}/board`, op);
        quiet.push(performance.now() - t);
      }
    }

    // Per session: when provisioning was asked for, when it became ready, when its clock started, when it waited.
    const transitions: Array<{ subject_id: string; to: string; at: Date }> = await db.query(
      `SELECT subject_id, details->>'to' AS "to", at FROM audit_events WHERE action = 'session.transition' AND subject_id = ANY($1) ORDER BY id`,
      [sessions.map((s) => s.id)],
    );
    const rows = sessions.map((s) => {
      const of = (to: string) => transitions.find((t) => t.subject_id === s.id && t.to === to)?.at;
      const requested = of('provisioning');
      const ready = of('ready');
      const running = of('running');
      return {
        session: s.index + 1,
        provisioningStartedBeforeStart: requested ? (s.startsAt.getTime() - requested.getTime()) / 1000 : NaN,
        provisioning: requested && ready ? (ready.getTime() - requested.getTime()) / 1000 : NaN,
        startToReady: ready ? Math.max(0, (ready.getTime() - s.startsAt.getTime()) / 1000) : NaN,
        clockLate: running ? (running.getTime() - s.startsAt.getTime()) / 1000 : NaN,
      };
    });

    console.log(`\nA national day: ${SESSIONS} sessions x ${TEAMS} teams, course A\n`);
    console.log('| session | provisioning asked (before start) | provisioning took | start -> all teams ready (target 0 s) | running after start |');
    console.log('|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      console.log(`| ${r.session} | ${secs(r.provisioningStartedBeforeStart)} | ${secs(r.provisioning)} | ${secs(r.startToReady)} | ${secs(r.clockLate)} |`);
    }
    const sortedLoaded = [...loaded].sort((a, b) => a - b);
    const sortedQuiet = [...quiet].sort((a, b) => a - b);
    console.log(`\n| figure | value |\n|---|---:|`);
    console.log(`| peak containers | ${peakContainers} |`);
    console.log(`| peak memory used by the containers (cgroups) | ${memoryShown ? fmt(peakUsedMb, 'MB') : 'n/a (no cgroup memory files)'} |`);
    console.log(`| peak memory limits of live ranges (what HOST_CAPACITY_MEMORY_MB counts) | ${fmt(peakLimitMb, 'MB')} |`);
    console.log(`\n| board (GET /sessions/:id/board, ${TEAMS} teams) | calls | p50 | p95 | max |\n|---|---:|---:|---:|---:|`);
    console.log(`| during the day (provisioning, running, finishing) | ${loaded.length} (+${boardFailures} failed) | ${fmt(percentile(sortedLoaded, 50))} | ${fmt(percentile(sortedLoaded, 95))} | ${fmt(sortedLoaded.at(-1) ?? NaN)} |`);
    console.log(`| quiet host at the end (baseline) | ${quiet.length} | ${fmt(percentile(sortedQuiet, 50))} | ${fmt(percentile(sortedQuiet, 95))} | ${fmt(sortedQuiet.at(-1) ?? NaN)} |`);
    console.log(`| ratio day / quiet (p50, p95) | | ${(percentile(sortedLoaded, 50) / percentile(sortedQuiet, 50)).toFixed(2)}x | ${(percentile(sortedLoaded, 95) / percentile(sortedQuiet, 95)).toFixed(2)}x | |`);
    const worstStartToReady = Math.max(...rows.map((r) => r.startToReady));
    recordBenchResult('session-day', `${SESSIONS} sessions x ${TEAMS} teams of course A, lead ${LEAD_SECONDS} s, stagger ${STAGGER_SECONDS} s`, [
      { what: 'session start -> all teams ready, worst session (target 0 s)', value: secs(worstStartToReady) },
      { what: 'peak containers / memory used (cgroups)', value: `${peakContainers} / ${memoryShown ? fmt(peakUsedMb, 'MB') : 'n/a'}`, against: `limits ${fmt(peakLimitMb, 'MB')}` },
      { what: 'board p50 / p95 during the day', value: `${fmt(percentile(sortedLoaded, 50))} / ${fmt(percentile(sortedLoaded, 95))}`, against: `quiet ${fmt(percentile(sortedQuiet, 50))} / ${fmt(percentile(sortedQuiet, 95))}` },
    ]);

    // Tear the day down through the life cycle, as the grace would.
    const lifecycle = worker.get(SessionLifecycle);
    for (const s of sessions) await lifecycle.teardownRanges(s.id);
    const goneBy = Date.now() + 5 * 60_000;
    while (Date.now() < goneBy) {
      const [{ live }] = await db.query(`SELECT count(*)::int AS live FROM ranges WHERE session_id = ANY($1) AND status <> 'destroyed'`, [sessions.map((s) => s.id)]);
      if (live === 0) break;
      await sleep(1000);
    }
  } finally {
    await worker?.close().catch(() => undefined);
    await api?.close().catch(() => undefined);
    await removeThrowawayEnvironment(environment).catch((e) => console.error(`cleanup: ${(e as Error).message}`));
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
