import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@app/config';
import { openDataSource } from '@app/database';
import type { DataSource } from 'typeorm';
import { jstDay, jstWallOf, type SchedulingClient, startApi } from './support/scheduling-api.js';

// Course catalogue, sessions, enrollment and teams over the HTTP API on the real PostgreSQL.
// Every suite uses its own venues, instructors and trainees, in FY2030, so it meets nothing else.
describe('scheduling API (real PostgreSQL)', () => {
  let app: INestApplication;
  let api: SchedulingClient;
  let db: DataSource;
  let operatorId: string;

  beforeAll(async () => {
    ({ app, api, operatorId } = await startApi());
    db = await openDataSource(loadConfig().DATABASE_URL);
  });

  afterAll(async () => {
    await app?.close();
    await db?.destroy();
  });

  describe('reference data and catalogue', () => {
    it('has the 47 prefectures in 11 editable regions, the organisation types and the FY2021 course plan', async () => {
      const prefectures = (await api.http().get('/api/v1/prefectures').expect(200)).body;
      expect(prefectures).toHaveLength(47);
      expect(prefectures[12]).toMatchObject({ code: 13, name: 'Tokyo', nameJa: '東京都' });
      const regions = (await api.http().get('/api/v1/regions').expect(200)).body;
      expect(regions).toHaveLength(11);
      expect(regions.flatMap((r: { prefectureCodes: number[] }) => r.prefectureCodes).sort((a: number, b: number) => a - b)).toEqual(
        Array.from({ length: 47 }, (_, i) => i + 1),
      );
      const types = (await api.http().get('/api/v1/organisation-types').expect(200)).body.map((t: { code: string }) => t.code);
      expect(types).toEqual([
        'national_agency',
        'designated_corporation',
        'incorporated_administrative_agency',
        'local_government',
        'critical_infrastructure_operator',
        'other',
      ]);
      const courses = (await api.http().get('/api/v1/courses').expect(200)).body;
      const byCode = Object.fromEntries(courses.map((c: { code: string }) => [c.code, c]));
      expect(Object.keys(byCode).sort()).toEqual(['A', 'B-1', 'B-2', 'C', 'ONLINE-A']);
      expect(byCode['A']).toMatchObject({ plannedSessions: 65, months: [7, 8, 9, 10, 11, 12, 1, 2], placement: 'any_prefecture', format: 'in_person' });
      expect(byCode['B-1']).toMatchObject({ plannedSessions: 21, months: [10, 11, 12, 1, 2], placement: 'per_region', admittedOrganisationTypes: ['local_government'] });
      expect(byCode['B-2']).toMatchObject({ plannedSessions: 13, months: [1, 2], prefectureCodes: [13, 23, 27, 40] });
      expect(byCode['B-2'].admittedOrganisationTypes).not.toContain('local_government');
      expect(byCode['C']).toMatchObject({ plannedSessions: 2, months: [1, 2], prefectureCodes: [13], level: 'semi-advanced' });
      expect(byCode['ONLINE-A']).toMatchObject({ plannedSessions: null, format: 'online', placement: 'online', selfPaced: true, months: [11, 12, 1, 2] });
    });

    it('lets operators edit a region and a course, and audits both with the credential (an X-Actor header is ignored)', async () => {
      const created = await api.http().post('/api/v1/regions').send({ code: `test-${api.tag}`, name: 'Test region' }).expect(201);
      const renamed = await api.http().patch(`/api/v1/regions/${created.body.id}`).set('X-Actor', 'operator-1').send({ name: 'Renamed' }).expect(200);
      expect(renamed.body).toMatchObject({ name: 'Renamed', prefectureCodes: [] });
      await api.http().delete(`/api/v1/regions/${created.body.id}`).set('X-Actor', ` ${'o'.repeat(300)} `).expect(204);
      await api.http().get(`/api/v1/regions/${created.body.id}`).expect(404);

      const before = (await api.http().get('/api/v1/courses/A').expect(200)).body;
      const patched = await api.http().patch('/api/v1/courses/A').set('X-Actor', 'operator-1').send({ defaultSeats: 31 }).expect(200);
      expect(patched.body.defaultSeats).toBe(31);
      await api.http().patch('/api/v1/courses/A').send({ defaultSeats: before.defaultSeats }).expect(200);
      const audit = await db.query(`SELECT actor, action, credential_id, address FROM audit_events WHERE subject_id = $1 ORDER BY id`, [created.body.id]);
      expect(audit.map((a: { action: string }) => a.action)).toEqual(['region.create', 'region.update', 'region.delete']);
      // The acting user is the credential's, whatever X-Actor claims.
      expect(audit.map((a: { actor: string }) => a.actor)).toEqual([`operator:${operatorId}`, `operator:${operatorId}`, `operator:${operatorId}`]);
      expect(audit[1].credential_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(audit[1].address).toMatch(/127\.0\.0\.1$/);
    });

    it('answers 400 listing every failing field, and 404 for unknown ids', async () => {
      const bad = await api.http().post('/api/v1/venues').send({ name: '', prefectureCode: 48, seatCapacity: 0 }).expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['city', 'name', 'prefectureCode', 'rangeHostCapacity', 'seatCapacity']);
      await api.http().get('/api/v1/sessions/00000000-0000-4000-8000-000000000000').expect(404);
      await api.http().get('/api/v1/sessions/not-a-uuid').expect(400);
      const missing = await api.http().post('/api/v1/sessions/00000000-0000-4000-8000-000000000000/enrollments').send({ traineeId: '00000000-0000-4000-8000-000000000000' }).expect(404);
      expect(missing.body.message).toMatch(/session .* does not exist/);
    });
  });

  describe('enrollment', () => {
    it('gives exactly 30 confirmed and 30 waitlisted for 60 parallel requests on 30 seats, and a cancellation promotes the first waitlisted', async () => {
      const venue = await api.venue(13, 40, 12);
      const instructor = await api.instructor();
      const session = await api.session({ courseCode: 'A', venueId: venue.id, seats: 30, instructorIds: [instructor.id], ...jstDay('2030-07-09') }, true);
      const orgs = await Promise.all(['national_agency', 'local_government', 'other'].map((t) => api.organisation(t)));
      const trainees = [];
      for (let i = 0; i < 60; i++) trainees.push(await api.trainee(orgs[i % 3].id));

      const responses = await Promise.all(
        trainees.map((t) => api.http().post(`/api/v1/sessions/${session.id}/enrollments`).send({ traineeId: t.id })),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(60).fill(201));
      const results = responses.map((r) => r.body);
      expect(results.filter((r) => r.status === 'confirmed')).toHaveLength(30);
      expect(results.filter((r) => r.status === 'waitlisted')).toHaveLength(30);
      // Arrival order is the order the session lock was granted: 1..60, the first 30 confirmed.
      expect(results.map((r) => r.arrival).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      for (const r of results) {
        if (r.status === 'confirmed') expect(r.arrival).toBeLessThanOrEqual(30);
        else expect(r.waitlistPosition).toBe(r.arrival - 30);
      }

      const list = (await api.http().get(`/api/v1/sessions/${session.id}/enrollments?pageSize=100`).expect(200)).body.items;
      const waitlist = list.filter((e: { status: string }) => e.status === 'waitlisted');
      expect(waitlist.map((e: { waitlistPosition: number }) => e.waitlistPosition)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      const view = (await api.http().get(`/api/v1/sessions/${session.id}`).expect(200)).body;
      expect(view).toMatchObject({ seats: 30, confirmed: 30, waitlisted: 30 });

      const dup = await api.http().post(`/api/v1/sessions/${session.id}/enrollments`).send({ traineeId: trainees[0].id }).expect(409);
      expect(dup.body.message).toMatch(/already enrolled/);

      const leaving = list.find((e: { status: string }) => e.status === 'confirmed');
      const cancel = await api.http().delete(`/api/v1/sessions/${session.id}/enrollments/${leaving.id}`).expect(200);
      expect(cancel.body.cancelled).toMatchObject({ id: leaving.id, status: 'cancelled' });
      expect(cancel.body.promoted).toMatchObject({ id: waitlist[0].id, status: 'confirmed', waitlistPosition: null });
      // Every instant comes with its JST wall time beside it, null beside null.
      const { cancelled, promoted } = cancel.body;
      expect(cancelled.cancelledAt).not.toBeNull();
      expect(cancelled).toMatchObject({ cancelledAtJst: jstWallOf(cancelled.cancelledAt), confirmedAtJst: jstWallOf(cancelled.confirmedAt), createdAtJst: jstWallOf(cancelled.createdAt) });
      expect(promoted).toMatchObject({ cancelledAt: null, cancelledAtJst: null, confirmedAtJst: jstWallOf(promoted.confirmedAt) });
      expect(promoted.confirmedAtJst).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
      const after = (await api.http().get(`/api/v1/sessions/${session.id}/enrollments?status=waitlisted`).expect(200)).body.items;
      expect(after.map((e: { id: string }) => e.id)).toEqual(waitlist.slice(1).map((e: { id: string }) => e.id));
      expect(after[0].waitlistPosition).toBe(1);
      expect((await api.http().get(`/api/v1/sessions/${session.id}`).expect(200)).body).toMatchObject({ confirmed: 30, waitlisted: 29 });
      await api.http().delete(`/api/v1/sessions/${session.id}/enrollments/${leaving.id}`).expect(409);

      const audit = await db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'enrollment.create' AND details->>'sessionId' = $1`, [session.id]);
      expect(audit[0].n).toBe(60);
    });

    it('B-1 admits local governments only, B-2 everyone but local governments', async () => {
      const instructor = await api.instructor();
      const b1 = await api.session({ courseCode: 'B-1', venueId: (await api.venue(4)).id, instructorIds: [instructor.id], ...jstDay('2030-10-08') }, true);
      const b2 = await api.session({ courseCode: 'B-2', venueId: (await api.venue(27)).id, instructorIds: [instructor.id], ...jstDay('2031-01-14') }, true);
      const city = await api.trainee((await api.organisation('local_government')).id);
      const agency = await api.trainee((await api.organisation('national_agency')).id);
      const utility = await api.trainee((await api.organisation('critical_infrastructure_operator')).id);

      const refusedB1 = await api.http().post(`/api/v1/sessions/${b1.id}/enrollments`).send({ traineeId: agency.id }).expect(409);
      expect(refusedB1.body.message).toMatch(/not eligible: B-1 admits local government only; .* is a national agency/);
      await api.http().post(`/api/v1/sessions/${b1.id}/enrollments`).send({ traineeId: city.id }).expect(201);

      const refusedB2 = await api.http().post(`/api/v1/sessions/${b2.id}/enrollments`).send({ traineeId: city.id }).expect(409);
      expect(refusedB2.body.message).toMatch(/not eligible: B-2 admits .* only; .* is a local government/);
      await api.http().post(`/api/v1/sessions/${b2.id}/enrollments`).send({ traineeId: agency.id }).expect(201);
      await api.http().post(`/api/v1/sessions/${b2.id}/enrollments`).send({ traineeId: utility.id }).expect(201);
    });

    it('refuses enrollment in a draft and in a closed session', async () => {
      const instructor = await api.instructor();
      const venue = await api.venue(1);
      const session = await api.session({ courseCode: 'A', venueId: venue.id, instructorIds: [instructor.id], ...jstDay('2030-08-06') });
      const org = await api.organisation('other');
      const trainees = [await api.trainee(org.id), await api.trainee(org.id), await api.trainee(org.id), await api.trainee(org.id)];
      const draft = await api.http().post(`/api/v1/sessions/${session.id}/enrollments`).send({ traineeId: trainees[0].id }).expect(409);
      expect(draft.body.message).toMatch(/not published yet/);
      await api.transition(session.id, 'open');
      for (const t of trainees.slice(0, 3)) await api.http().post(`/api/v1/sessions/${session.id}/enrollments`).send({ traineeId: t.id }).expect(201);
      await api.transition(session.id, 'closed');
      const closed = await api.http().post(`/api/v1/sessions/${session.id}/enrollments`).send({ traineeId: trainees[3].id }).expect(409);
      expect(closed.body.message).toBe('enrollment is closed: the session is closed');
    });

    it('refuses a trainee in two overlapping classroom sessions, and raising seats promotes the waitlist in order', async () => {
      const [i1, i2] = [await api.instructor(), await api.instructor()];
      const morning = await api.session({ courseCode: 'A', venueId: (await api.venue(7)).id, seats: 1, instructorIds: [i1.id], ...jstDay('2030-08-20') }, true);
      const same = await api.session({ courseCode: 'A', venueId: (await api.venue(8)).id, seats: 5, instructorIds: [i2.id], ...jstDay('2030-08-20') }, true);
      const online = await api.session({ courseCode: 'ONLINE-A', teamSize: 1, seats: 5, startsAt: '2030-10-31T15:00:00.000Z', endsAt: '2030-11-30T15:00:00.000Z' }, true);
      const org = await api.organisation('incorporated_administrative_agency');
      const [a, b, c] = [await api.trainee(org.id), await api.trainee(org.id), await api.trainee(org.id)];
      const enroll = (session: string, trainee: string) => api.http().post(`/api/v1/sessions/${session}/enrollments`).send({ traineeId: trainee });
      await enroll(morning.id, a.id).expect(201);
      const clash = await enroll(same.id, a.id).expect(409);
      expect(clash.body.message).toBe(`trainee ${a.id} is already enrolled in A session ${morning.id} at the same time`);
      await enroll(online.id, a.id).expect(201);
      expect((await enroll(morning.id, b.id).expect(201)).body).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
      expect((await enroll(morning.id, c.id).expect(201)).body).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });
      const raised = await api.http().patch(`/api/v1/sessions/${morning.id}`).send({ seats: 2 }).expect(200);
      expect(raised.body).toMatchObject({ seats: 2, confirmed: 2, waitlisted: 1 });
      const list = (await api.http().get(`/api/v1/sessions/${morning.id}/enrollments`).expect(200)).body.items;
      expect(list.map((e: { traineeId: string; status: string }) => [e.traineeId, e.status])).toEqual([
        [a.id, 'confirmed'],
        [b.id, 'confirmed'],
        [c.id, 'waitlisted'],
      ]);
      const lower = await api.http().patch(`/api/v1/sessions/${morning.id}`).send({ seats: 1 }).expect(409);
      expect(lower.body.message).toMatch(/2 trainees are already confirmed; seats cannot go below that/);
    });
  });

  describe('booking', () => {
    it('refuses an instructor in two overlapping sessions, and a venue booked twice, with the reason', async () => {
      const instructor = await api.instructor();
      const other = await api.instructor();
      const venueA = await api.venue(26);
      const venueB = await api.venue(28);
      const first = await api.session({ courseCode: 'A', venueId: venueA.id, instructorIds: [instructor.id], ...jstDay('2030-09-10') });

      const sameInstructor = await api.http().post('/api/v1/sessions').send({ courseCode: 'A', venueId: venueB.id, instructorIds: [instructor.id], ...jstDay('2030-09-10') }).expect(409);
      expect(sameInstructor.body.message).toBe(
        `instructor ${instructor.name} is already teaching A session ${first.id} (2030-09-10 10:00-17:00 JST)`,
      );
      const sameVenue = await api.http().post('/api/v1/sessions').send({ courseCode: 'A', venueId: venueA.id, instructorIds: [other.id], ...jstDay('2030-09-10') }).expect(409);
      expect(sameVenue.body.message).toMatch(new RegExp(`^venue ${venueA.name} is already booked by A session ${first.id}`));

      // The next day is free for both; a cancelled session frees its venue and instructor.
      await api.session({ courseCode: 'A', venueId: venueA.id, instructorIds: [instructor.id], ...jstDay('2030-09-11') });
      await api.transition(first.id, 'cancelled');
      await api.session({ courseCode: 'A', venueId: venueA.id, instructorIds: [instructor.id], ...jstDay('2030-09-10') });

      // The database refuses the overlap too, even when the service check is bypassed.
      await expect(
        db.query(
          `INSERT INTO sessions (course_code, venue_id, prefecture_code, fiscal_year, starts_at, ends_at, seats) VALUES ('A', $1, 26, 2030, $2, $3, 10)`,
          [venueA.id, '2030-09-10T03:00:00Z', '2030-09-10T04:00:00Z'],
        ),
      ).rejects.toMatchObject({ driverError: { code: '23P01', constraint: 'sessions_venue_no_overlap' } });
    });

    it('keeps team ranges within the range host capacity, seats within the venue and sessions inside the course months and places', async () => {
      const instructor = await api.instructor();
      const small = await api.venue(13, 40, 5);
      const tooMany = await api.http().post('/api/v1/sessions').send({ courseCode: 'A', venueId: small.id, seats: 40, instructorIds: [instructor.id], ...jstDay('2030-11-05') }).expect(409);
      expect(tooMany.body.message).toMatch(/needs up to 10 team ranges at once; the range host of venue .* runs at most 5/);
      const overSeats = await api.http().post('/api/v1/sessions').send({ courseCode: 'A', venueId: small.id, seats: 41, ...jstDay('2030-11-05') }).expect(409);
      expect(overSeats.body.message).toMatch(/has 40 seats; 41 asked/);
      const april = await api.http().post('/api/v1/sessions').send({ courseCode: 'A', venueId: small.id, seats: 20, ...jstDay('2030-04-16') }).expect(400);
      expect(april.body.breaches).toEqual([
        { rule: 'months', date: '2030-04-16', message: 'A runs only in 2030-07, 2030-08, 2030-09, 2030-10, 2030-11, 2030-12, 2031-01, 2031-02 in FY2030; 2030-04 is outside' },
      ]);
      const b2 = await api.http().post('/api/v1/sessions').send({ courseCode: 'B-2', venueId: (await api.venue(1)).id, ...jstDay('2031-01-15') }).expect(409);
      expect(b2.body.message).toMatch(/B-2 runs only in Tokyo, Aichi, Osaka, Fukuoka; venue .* is in Hokkaido/);
      const c = await api.http().post('/api/v1/sessions').send({ courseCode: 'C', venueId: (await api.venue(27)).id, ...jstDay('2031-01-15', 2) }).expect(409);
      expect(c.body.message).toMatch(/C runs only in Tokyo/);
      const online = await api.http().post('/api/v1/sessions').send({ courseCode: 'ONLINE-A', venueId: small.id, teamSize: 1, ...jstDay('2030-11-05') }).expect(409);
      expect(online.body.message).toBe('ONLINE-A is online: it has no venue');
    });
  });

  describe('status machine', () => {
    it('refuses illegal transitions with the reason and walks the whole life cycle', async () => {
      const instructor = await api.instructor();
      const venue = await api.venue(40);
      const session = await api.session({ courseCode: 'A', venueId: venue.id, seats: 8, instructorIds: [instructor.id], ...jstDay('2030-12-03') });

      const skip = await api.transition(session.id, 'closed', 409);
      expect(skip.message).toBe('a draft session cannot become closed (publish it (open) and let trainees enroll first); from draft it can become: open, cancelled');
      await api.transition(session.id, 'open');
      expect((await api.transition(session.id, 'ready', 409)).message).toMatch(/^an open session cannot become ready/);
      expect((await api.transition(session.id, 'closed', 409)).message).toMatch(/no trainee is confirmed/);

      const org = await api.organisation('designated_corporation');
      for (let i = 0; i < 6; i++) {
        const t = await api.trainee(org.id);
        await api.http().post(`/api/v1/sessions/${session.id}/enrollments`).send({ traineeId: t.id }).expect(201);
      }
      const closed = await api.transition(session.id, 'closed');
      expect(closed.status).toBe('closed');
      const teams = (await api.http().get(`/api/v1/sessions/${session.id}/teams`).expect(200)).body;
      expect(teams.map((t: { members: unknown[] }) => t.members.length)).toEqual([3, 3]);
      // provisioning requests the teams' ranges (course A's template); ready only ever follows the ranges.
      expect((await api.transition(session.id, 'provisioning')).status).toBe('provisioning');
      const set = (await api.http().get(`/api/v1/sessions/${session.id}/ranges`).expect(200)).body;
      expect(set.ranges.map((r: { teamId: string; templateId: string }) => [r.teamId, r.templateId]).sort()).toEqual(
        teams.map((t: { id: string }) => [t.id, 'course-a']).sort(),
      );
      const byHand = await api.transition(session.id, 'ready', 409);
      expect(byHand).toMatchObject({ allowed: ['ready', 'closed', 'cancelled'] });
      expect(byHand.message).toBe("a session becomes ready by itself once every team's range is ready; it is provisioning");
      const again = await api.http().post(`/api/v1/sessions/${session.id}/ranges`).send({}).expect(409);
      expect(again.body.message).toBe('every team of the session already has a range (provisioning)');
      // Cancelling tears its ranges down.
      await api.transition(session.id, 'cancelled');
      const gone = (await api.http().get(`/api/v1/sessions/${session.id}/ranges`).expect(200)).body;
      expect(gone.ranges.map((r: { status: string }) => r.status)).toEqual(['tearing_down', 'tearing_down']);
      const late = await api.http().post(`/api/v1/sessions/${session.id}/ranges`).send({}).expect(409);
      expect(late.body).toMatchObject({ allowed: [], message: 'ranges can be requested only for a closed session with teams; this session is cancelled' });
      const bad = await api.http().post(`/api/v1/sessions/${session.id}/transitions`).send({ status: 'archived' }).expect(400);
      expect(bad.body.errors[0].field).toBe('status');

      const cancelled = await api.session({ courseCode: 'A', venueId: venue.id, instructorIds: [instructor.id], ...jstDay('2030-12-04') });
      await api.transition(cancelled.id, 'cancelled');
      expect((await api.transition(cancelled.id, 'open', 409)).message).toBe('a cancelled session cannot change status any more');
      const history = await db.query(`SELECT details->>'to' AS "to" FROM audit_events WHERE subject_id = $1 AND action = 'session.transition' ORDER BY id`, [session.id]);
      expect(history.map((h: { to: string }) => h.to)).toEqual(['open', 'closed', 'provisioning', 'cancelled']);
    });
  });

  describe('teams', () => {
    it('forms teams at close keeping organisations together, and lets operators move people before provisioning', async () => {
      const instructor = await api.instructor();
      const venue = await api.venue(34);
      const session = await api.session({ courseCode: 'A', venueId: venue.id, seats: 12, teamSize: 4, instructorIds: [instructor.id], ...jstDay('2031-01-20') }, true);
      const orgs = await Promise.all(['local_government', 'national_agency', 'other', 'critical_infrastructure_operator'].map((t) => api.organisation(t)));
      // Interleaved arrivals: 4 + 4 + 2 + 2 trainees of four organisations.
      const plan = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 0, 1];
      const orgOf = new Map<string, string>();
      for (const k of plan) {
        const t = await api.trainee(orgs[k].id);
        orgOf.set(t.id, orgs[k].id);
        await api.http().post(`/api/v1/sessions/${session.id}/enrollments`).send({ traineeId: t.id }).expect(201);
      }
      await api.transition(session.id, 'closed');
      const teams = (await api.http().get(`/api/v1/sessions/${session.id}/teams`).expect(200)).body;
      expect(teams.map((t: { members: unknown[] }) => t.members.length)).toEqual([4, 4, 4]);
      for (const org of orgs) {
        const holding = teams.filter((t: { members: Array<{ organisationId: string }> }) => t.members.some((m) => m.organisationId === org.id));
        expect(holding).toHaveLength(1);
      }

      const [t1, t2] = teams;
      const moved = (await api.http().post(`/api/v1/sessions/${session.id}/teams/moves`).send({ traineeId: t1.members[0].traineeId, toTeamId: t2.id }).expect(200)).body;
      expect(moved.map((t: { members: unknown[] }) => t.members.length)).toEqual([3, 5, 4]);
      const tooSmall = await api.http().post(`/api/v1/sessions/${session.id}/teams/moves`).send({ traineeId: moved[0].members[0].traineeId, toTeamId: t2.id }).expect(409);
      expect(tooSmall.body.message).toMatch(/would leave the trainee's team with 2 member\(s\); no team may have fewer than 3/);
      await api.http()
        .post(`/api/v1/sessions/${session.id}/teams/moves`)
        .send({ traineeId: moved[0].members[0].traineeId, toTeamId: moved[2].id, swapWithTraineeId: moved[2].members[0].traineeId })
        .expect(200);

      await api.transition(session.id, 'provisioning');
      const late = await api.http().post(`/api/v1/sessions/${session.id}/teams/moves`).send({ traineeId: t1.members[1].traineeId, toTeamId: t2.id }).expect(409);
      expect(late.body.message).toMatch(/before provisioning; the session is provisioning/);
    });

    it('ONLINE-A: no venue, one trainee per team formed on demand at enrollment', async () => {
      const session = await api.session({ courseCode: 'ONLINE-A', teamSize: 1, seats: 100, ...jstDay('2030-11-12') }, true);
      const org = await api.organisation('other');
      const a = await api.trainee(org.id);
      const b = await api.trainee(org.id);
      const ea = (await api.http().post(`/api/v1/sessions/${session.id}/enrollments`).send({ traineeId: a.id }).expect(201)).body;
      expect(ea).toMatchObject({ confirmedAtJst: jstWallOf(ea.confirmedAt), cancelledAtJst: null });
      const person = (await api.http().get(`/api/v1/trainees/${a.id}`).expect(200)).body;
      expect(person).toMatchObject({ createdAtJst: jstWallOf(person.createdAt), updatedAtJst: jstWallOf(person.updatedAt) });
      await api.http().post(`/api/v1/sessions/${session.id}/enrollments`).send({ traineeId: b.id }).expect(201);
      const teams = (await api.http().get(`/api/v1/sessions/${session.id}/teams`).expect(200)).body;
      expect(teams.map((t: { members: Array<{ traineeId: string }> }) => t.members.map((m) => m.traineeId))).toEqual([[a.id], [b.id]]);
      expect(ea.teamId).toBe(teams[0].id);
      const groupOnline = await api.http().post('/api/v1/sessions').send({ courseCode: 'ONLINE-A', teamSize: 4, ...jstDay('2030-11-13') }).expect(409);
      expect(groupOnline.body.message).toMatch(/self-paced: one trainee per team/);
    });
  });

  describe('listing and export', () => {
    it('filters by course, prefecture, region, month and status, paginates, and exports CSV', async () => {
      const instructor = await api.instructor();
      const sendai = await api.venue(4);
      const sapporo = await api.venue(1);
      const ids = [];
      for (const day of ['2030-10-01', '2030-10-02', '2030-10-03']) {
        ids.push((await api.session({ courseCode: 'A', venueId: sendai.id, instructorIds: [instructor.id], ...jstDay(day) })).id);
      }
      const other = await api.session({ courseCode: 'A', venueId: sapporo.id, instructorIds: [instructor.id], ...jstDay('2030-11-01') }, true);

      const q = (query: string) => api.http().get(`/api/v1/sessions?venueId=${sendai.id}&${query}`).expect(200).then((r) => r.body);
      const page1 = await q('pageSize=2&page=1');
      const page2 = await q('pageSize=2&page=2');
      expect([page1.total, page1.items.length, page2.items.length]).toEqual([3, 2, 1]);
      expect([...page1.items, ...page2.items].map((s: { id: string }) => s.id)).toEqual(ids);
      expect((await q('course=A&prefecture=4&region=tohoku&month=2030-10&status=draft')).total).toBe(3);
      expect((await q('month=2030-11')).total).toBe(0);
      expect((await q('prefecture=1')).total).toBe(0);
      expect((await q('status=open')).total).toBe(0);
      const hokkaido = await api.http().get(`/api/v1/sessions?region=hokkaido&instructorId=${instructor.id}&status=open`).expect(200);
      expect(hokkaido.body.items.map((s: { id: string }) => s.id)).toEqual([other.id]);
      const invalid = await api.http().get('/api/v1/sessions?month=2030-13&status=nope&prefecture=0&pageSize=1000').expect(400);
      expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['month', 'pageSize', 'prefecture', 'status']);

      const csv = await api.http().get(`/api/v1/sessions/export.csv?venueId=${sendai.id}`).expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toBe('attachment; filename="schedule.csv"');
      // A UTF-8 byte order mark first, so Excel on a Japanese PC reads the names right.
      expect(csv.text.charCodeAt(0)).toBe(0xfeff);
      const lines = csv.text.slice(1).trim().split('\r\n');
      expect(lines[0]).toBe(
        'id,course,status,fiscal_year,month,starts_at,ends_at,starts_at_jst,ends_at_jst,prefecture_code,prefecture,region,venue,city,seats,confirmed,waitlisted,team_size,instructors,plan_id',
      );
      expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(ids);
      expect(lines[1]).toContain(`,A,draft,2030,2030-10,2030-10-01T01:00:00.000Z,2030-10-01T08:00:00.000Z,2030-10-01T10:00:00+09:00,2030-10-01T17:00:00+09:00,4,Miyagi,Tohoku,${sendai.name},`);
    });

    it('publishes every route in the OpenAPI document', async () => {
      const doc = (await api.http().get('/api/docs-json').expect(200)).body;
      for (const path of ['/api/v1/sessions', '/api/v1/sessions/{id}/transitions', '/api/v1/sessions/{id}/enrollments', '/api/v1/sessions/{id}/teams', '/api/v1/plans', '/api/v1/sessions/export.csv', '/api/v1/courses', '/api/v1/regions', '/api/v1/venues']) {
        expect(doc.paths[path]).toBeDefined();
      }
    });
  });
});
