import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import {
  AnnualPlanner,
  EnrollmentService,
  jstInstant,
  PeopleService,
  planFiscalYear,
  trainingDays,
  ReferenceDataService,
  SchedulingModule,
  SessionService,
} from '@app/scheduling';
import { createThrowawayEnvironment, removeThrowawayEnvironment } from '@app/throwaway';
import { DataSource } from 'typeorm';
import { recordBenchResult } from './results.js';

// Scheduling benchmark: FY2021 plan generation (target under 2 s) and enrollment throughput under
// contention, each against a baseline measured in the same run on the same database.
// Uses a throw-away database (libs/throwaway, seeded), dropped at the end.

@Module({ imports: [ConfigModule, DatabaseModule, SchedulingModule] })
class BenchModule {}

const FY2021 = [
  { course: 'A', sessions: 65, seats: 30 },
  { course: 'B-1', sessions: 21, seats: 30 },
  { course: 'B-2', sessions: 13, seats: 30 },
  { course: 'C', sessions: 2, seats: 20 },
];

interface Row {
  name: string;
  ops: number;
  ms: number;
  baseline?: string;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const environment = await createThrowawayEnvironment('bench', { seed: true });
  Object.assign(process.env, { ...environment.settings, LOG_LEVEL: 'error' });
  try {
    const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
    const dataSource = app.get(DataSource);
    const planner = app.get(AnnualPlanner);
    const rows: Row[] = [];
    const rounds = 5;

    // 1. Plan generation: the full use case (load, plan, write 101 drafts in one transaction),
    //    the pure planning step alone, and the baseline of writing 101 plain rows one by one.
    const full: number[] = [];
    for (let i = 0; i < rounds; i++) {
      let planId = '';
      full.push(await time(async () => (planId = (await planner.generate({ fiscalYear: 2021, courses: FY2021, override: { rules: ['past'], reason: 'bench: FY2021 is history' } }, 'bench')).id)));
      await planner.discard(planId, 'bench');
    }
    const input = await plannerInput(dataSource);
    const pure: number[] = [];
    for (let i = 0; i < rounds; i++) pure.push(await time(async () => planFiscalYear(input)));
    const inserts: number[] = [];
    for (let i = 0; i < rounds; i++) {
      inserts.push(
        await time(() =>
          dataSource.transaction(async (m) => {
            for (let k = 0; k < 101; k++) {
              await m.query(`INSERT INTO audit_events (actor, action, subject_type, subject_id) VALUES ('bench', 'baseline', 'bench', $1)`, [String(k)]);
            }
          }),
        ),
      );
    }
    rows.push({ name: 'baseline: 101 single-row inserts, one transaction', ops: 101, ms: median(inserts) });
    rows.push({ name: 'FY2021 plan, planning step only (in memory)', ops: 101, ms: median(pure), baseline: 'baseline: 101 single-row inserts, one transaction' });
    rows.push({ name: 'FY2021 plan, full use case (load + plan + write)', ops: 101, ms: median(full), baseline: 'baseline: 101 single-row inserts, one transaction' });

    // 2. Enrollment under contention: N concurrent enrollments into ONE session (every request
    //    waits for the session row lock), the same spread over 10 sessions, and the baseline of
    //    N concurrent plain single-row inserts through the same pool.
    const n = 300;
    const people = app.get(PeopleService);
    const reference = app.get(ReferenceDataService);
    const sessions = app.get(SessionService);
    const enrollments = app.get(EnrollmentService);
    const org = await reference.createOrganisation({ name: 'Bench organisation', typeCode: 'other' }, 'bench');
    const trainees: string[] = [];
    for (let i = 0; i < 2 * n; i++) trainees.push((await people.createTrainee({ name: `Bench ${i}`, email: `bench${i}@example.org`, organisationId: org.id }, 'bench')).id);
    // Classroom sessions of course A in a hall big enough for every request.
    const hall = await reference.createVenue({ name: 'Bench hall', prefectureCode: 13, city: 'Chiyoda', seatCapacity: 1000, rangeHostCapacity: 500 }, 'bench');
    const instructor = (await people.listInstructors({ course: 'A', pageSize: 1 })).items[0].id;
    // Training days of July 2030 (weekdays, no Marine Day): the calendar refuses the others.
    const july = trainingDays('2030-07-01', 20, [7]);
    const classroom = async (index: number, seats: number) =>
      (
        await sessions.transition(
          (
            await sessions.create(
              { courseCode: 'A', venueId: hall.id, startsAt: jstInstant(2030, 7, Number(july[index].slice(8)), 10), endsAt: jstInstant(2030, 7, Number(july[index].slice(8)), 17), seats, instructorIds: [instructor] },
              'bench',
            )
          ).id,
          'open',
          'bench',
        )
      ).id;

    const baseline = await time(() =>
      Promise.all(
        Array.from({ length: n }, (_, k) =>
          dataSource.query(`INSERT INTO audit_events (actor, action, subject_type, subject_id) VALUES ('bench', 'baseline', 'bench', $1)`, [String(k)]),
        ),
      ),
    );
    const hot = await classroom(0, n / 2);
    const contended = await time(() => Promise.all(trainees.slice(0, n).map((t) => enrollments.enroll(hot, t, 'bench'))));
    const [{ confirmed, waitlisted }] = await dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'confirmed')::int AS confirmed, count(*) FILTER (WHERE status = 'waitlisted')::int AS waitlisted FROM enrollments WHERE session_id = $1`,
      [hot],
    );
    const spreadSessions: string[] = [];
    for (let d = 0; d < 10; d++) spreadSessions.push(await classroom(1 + d, n));
    const spread = await time(() => Promise.all(trainees.slice(n).map((t, k) => enrollments.enroll(spreadSessions[k % 10], t, 'bench'))));
    rows.push({ name: `baseline: ${n} concurrent single-row inserts`, ops: n, ms: baseline });
    rows.push({ name: `${n} concurrent enrollments, 1 course A session (${n / 2} seats)`, ops: n, ms: contended, baseline: `baseline: ${n} concurrent single-row inserts` });
    rows.push({ name: `${n} concurrent enrollments, spread over 10 sessions`, ops: n, ms: spread, baseline: `baseline: ${n} concurrent single-row inserts` });

    await app.close();

    const byName = new Map(rows.map((r) => [r.name, r]));
    console.log(`\nscheduling benchmark (median of ${rounds} rounds for the plan; pool of 20 connections)\n`);
    console.log('| measurement | ops | total ms | ops/s | vs baseline |');
    console.log('|---|---:|---:|---:|---:|');
    for (const r of rows) {
      const base = r.baseline ? byName.get(r.baseline)! : undefined;
      const ratio = base ? `${(r.ms / base.ms).toFixed(2)}x the time` : 'baseline';
      console.log(`| ${r.name} | ${r.ops} | ${r.ms.toFixed(1)} | ${Math.round((r.ops / r.ms) * 1000)} | ${ratio} |`);
    }
    const plan = byName.get('FY2021 plan, full use case (load + plan + write)')!;
    console.log(`\nFY2021 plan: ${plan.ms.toFixed(0)} ms (target < 2000 ms: ${plan.ms < 2000 ? 'met' : 'NOT met'})`);
    console.log(`contended session: ${confirmed} confirmed + ${waitlisted} waitlisted of ${n} requests for ${n / 2} seats`);
    const oneSession = rows.find((r) => r.name.includes('concurrent enrollments, 1 course A session'))!;
    const plainInserts = byName.get(oneSession.baseline!)!;
    recordBenchResult('scheduling', `FY2021 plan, median of ${rounds}; ${n} concurrent enrollments`, [
      { what: 'FY2021 plan, full use case (target < 2000 ms)', value: `${plan.ms.toFixed(0)} ms` },
      { what: `${n} concurrent enrollments, one session`, value: `${oneSession.ms.toFixed(0)} ms`, against: `${plainInserts.ms.toFixed(0)} ms plain inserts` },
    ]);
  } finally {
    await removeThrowawayEnvironment(environment);
  }
}

/** The same planner input the service builds, read once from the seeded database. */
async function plannerInput(dataSource: DataSource) {
  const prefectures: Array<{ code: number; name: string; region_id: string }> = await dataSource.query(`SELECT code, name, region_id FROM prefectures`);
  const regions: Array<{ id: string; name: string }> = await dataSource.query(`SELECT id, name FROM regions`);
  const venues: Array<Record<string, any>> = await dataSource.query(`SELECT * FROM venues`);
  const instructors: Array<{ id: string; course_codes: string[] }> = await dataSource.query(`SELECT id, course_codes FROM instructors WHERE active`);
  const courses: Array<Record<string, any>> = await dataSource.query(`SELECT * FROM courses`);
  return {
    fiscalYear: 2021,
    targets: FY2021.map((t) => {
      const c = courses.find((k) => k.code === t.course)!;
      return {
        course: { code: c.code, placement: c.placement, prefectureCodes: c.prefecture_codes, months: c.months, durationDays: c.duration_days, instructorsPerSession: c.instructors_per_session },
        sessions: t.sessions,
        seats: t.seats,
        teamSize: 4,
      };
    }),
    prefectures: prefectures.map((p) => ({ code: p.code, name: p.name })),
    regions: regions.map((r) => ({ id: r.id, name: r.name, prefectureCodes: prefectures.filter((p) => p.region_id === r.id).map((p) => p.code) })),
    venues: venues.map((v) => ({ id: v.id, name: v.name, prefectureCode: v.prefecture_code, seatCapacity: v.seat_capacity, rangeHostCapacity: v.range_host_capacity })),
    instructors: instructors.map((i) => ({ id: i.id, courseCodes: i.course_codes })),
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
