import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { AccessClient, authed } from './access.js';
import { createApiApp } from './test-app.js';
import { trainingDays } from '@app/scheduling';

/**
 * The real API listening on a loopback port, so many requests can run in parallel, an operator logged
 * in, and the scheduling helpers as that operator (`api`). The suite closes `app` when it is done.
 */
export async function startApi(): Promise<{ app: INestApplication; url: string; token: string; access: AccessClient; api: SchedulingClient; operatorId: string }> {
  const app = await createApiApp();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const access = await AccessClient.start(app, url);
  const token = access.operator.token;
  return { app, url, token, access, api: new SchedulingClient(url, token), operatorId: access.operator.userId };
}

/** Operator helpers over the HTTP API (with the operator's token); every name carries a per-suite suffix. */
export class SchedulingClient {
  readonly tag = randomBytes(3).toString('hex');
  private seq = 0;

  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  /** Requests as the operator. */
  http() {
    return authed(this.url, this.token);
  }

  /** Requests without a credential. */
  anonymous() {
    return request(this.url);
  }

  unique(prefix: string): string {
    return `${prefix} ${this.tag}-${++this.seq}`;
  }

  async organisation(typeCode: string, name = this.unique(typeCode)): Promise<{ id: string; name: string }> {
    const res = await this.http().post('/api/v1/organisations').send({ name, typeCode }).expect(201);
    return res.body;
  }

  async trainee(organisationId: string): Promise<{ id: string; name: string }> {
    const n = ++this.seq;
    const res = await this.http()
      .post('/api/v1/trainees')
      .send({ name: `Trainee ${this.tag}-${n}`, email: `trainee-${this.tag}-${n}@example.org`, organisationId })
      .expect(201);
    return res.body;
  }

  async instructor(courseCodes = ['A', 'B-1', 'B-2', 'C']): Promise<{ id: string; name: string }> {
    const n = ++this.seq;
    const res = await this.http()
      .post('/api/v1/instructors')
      .send({ name: `Instructor ${this.tag}-${n}`, email: `instructor-${this.tag}-${n}@example.org`, courseCodes })
      .expect(201);
    return res.body;
  }

  async venue(prefectureCode: number, seatCapacity = 40, rangeHostCapacity = 12): Promise<{ id: string; name: string; prefectureCode: number }> {
    const res = await this.http()
      .post('/api/v1/venues')
      .send({ name: this.unique(`Venue P${prefectureCode}`), prefectureCode, city: `City ${prefectureCode}`, seatCapacity, rangeHostCapacity })
      .expect(201);
    return res.body;
  }

  /** A session of a JST day (10:00-17:00), optionally published. */
  async session(body: Record<string, unknown>, publish = false): Promise<{ id: string; status: string; seats: number }> {
    const res = await this.http().post('/api/v1/sessions').send(body);
    if (res.status !== 201) throw new Error(`session create ${res.status}: ${JSON.stringify(res.body)}`);
    if (!publish) return res.body;
    return this.transition(res.body.id, 'open');
  }

  /**
   * A session of a JST training day at a new venue of the prefecture, with an instructor, `teams` teams
   * of `teamSize` trainees enrolled, and closed (which makes the teams): its id and the closing answer.
   */
  async closedSession(
    date: string,
    prefectureCode: number,
    { courseCode = 'A', teams = 2, teamSize = 3 } = {},
  ): Promise<{ id: string; status: string; warnings: string[] }> {
    const instructor = await this.instructor();
    const venue = await this.venue(prefectureCode);
    const session = await this.session({ courseCode, venueId: venue.id, seats: teams * teamSize, teamSize, instructorIds: [instructor.id], ...jstDay(date) }, true);
    const org = await this.organisation('local_government');
    for (let i = 0; i < teams * teamSize; i++) {
      const trainee = await this.trainee(org.id);
      await this.http().post(`/api/v1/sessions/${session.id}/enrollments`).send({ traineeId: trainee.id }).expect(201);
    }
    const closed = await this.transition(session.id, 'closed');
    return { id: session.id, status: closed.status, warnings: closed.warnings };
  }

  async transition(id: string, status: string, expected = 200): Promise<any> {
    const res = await this.http().post(`/api/v1/sessions/${id}/transitions`).send({ status });
    if (res.status !== expected) throw new Error(`transition to ${status}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}

/**
 * The JST wall time an answer should carry beside an ISO instant (`<field>Jst`), worked out here
 * by plain arithmetic rather than by the API's own helper.
 */
export function jstWallOf(iso: string | null): string | null {
  return iso === null ? null : `${new Date(Date.parse(iso) + 9 * 3600_000).toISOString().slice(0, 19)}+09:00`;
}

/**
 * 10:00-17:00 JST of a training day (or of `days` consecutive ones), as ISO instants. Every suite
 * picks the days of its hand-made sessions here: a day the calendar refuses (a weekend, a national
 * holiday, 29 December - 3 January) fails at once, naming the day, instead of as a 400 later.
 * A session meant to break the calendar uses jstPeriod.
 */
export function jstDay(date: string, days = 1): { startsAt: string; endsAt: string } {
  const all = trainingDays(date, days);
  if (all[0] !== date || all.length !== days || jstPeriod(date, days).endsAt.slice(0, 10) !== all[days - 1]) {
    throw new Error(`jstDay: ${date} (${days} day(s)) is not a run of training days; the next ones are ${trainingDays(date, days + 2).join(', ')}`);
  }
  return jstPeriod(date, days);
}

/** 10:00-17:00 JST from a day over `days` calendar days, without any calendar check. */
export function jstPeriod(date: string, days = 1): { startsAt: string; endsAt: string } {
  const start = new Date(`${date}T10:00:00+09:00`);
  const end = new Date(start.getTime() + (days - 1) * 86400_000 + 7 * 3600_000);
  return { startsAt: start.toISOString(), endsAt: end.toISOString() };
}

type OperatorAgent = ReturnType<typeof authed>;
let sessionsMade = 0;

/**
 * A scheduled Online A session closed with `teams` teams of one trainee each, made over the API as
 * its operator: what ranges are requested for (they need a real session and real teams). Far in
 * the future, so the session day moves it only when its ranges are requested.
 */
export async function closedSessionWithTeams(operator: () => OperatorAgent, teams = 1): Promise<{ sessionId: string; teamIds: string[] }> {
  const tag = `${randomBytes(3).toString('hex')}-${++sessionsMade}`;
  const ok = async (res: Promise<request.Response>, status: number, what: string) => {
    const r = await res;
    if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const session = await ok(operator().post('/api/v1/sessions').send({ courseCode: 'ONLINE-A', teamSize: 1, seats: teams, ...jstDay('2030-12-10') }), 201, 'session');
  await ok(operator().post(`/api/v1/sessions/${session.id}/transitions`).send({ status: 'open' }), 200, 'open');
  const org = await ok(operator().post('/api/v1/organisations').send({ name: `Ranges org ${tag}`, typeCode: 'other' }), 201, 'organisation');
  const teamIds: string[] = [];
  for (let i = 1; i <= teams; i++) {
    const trainee = await ok(
      operator().post('/api/v1/trainees').send({ name: `Range trainee ${tag}-${i}`, email: `range-trainee-${tag}-${i}@example.org`, organisationId: org.id }),
      201,
      'trainee',
    );
    const enrolled = await ok(operator().post(`/api/v1/sessions/${session.id}/enrollments`).send({ traineeId: trainee.id }), 201, 'enrollment');
    teamIds.push(enrolled.teamId);
  }
  await ok(operator().post(`/api/v1/sessions/${session.id}/transitions`).send({ status: 'closed' }), 200, 'close');
  return { sessionId: session.id, teamIds };
}
