import type { INestApplication } from '@nestjs/common';
import { DATABASE_TEXT } from './support/error-bodies.js';
import { jstDay, jstPeriod, SchedulingClient, startApi } from './support/scheduling-api.js';

// Issue 13 on the API: times without an offset are Japan Standard Time, responses and the CSV carry
// JST wall times, concurrent double bookings read like sequential ones, the CSV is Excel-ready and
// an error is never a download.
describe('hand-made sessions: JST, calendar rules, messages, exports (real PostgreSQL)', () => {
  let app: INestApplication;
  let api: SchedulingClient;

  beforeAll(async () => {
    const started = await startApi();
    app = started.app;
    api = new SchedulingClient(started.url, started.token);
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('Japan Standard Time', () => {
    it('reads a time without an offset as JST and answers JST wall times beside the instants', async () => {
      const venue = await api.venue(22);
      const created = await api
        .http()
        .post('/api/v1/sessions')
        .send({ courseCode: 'A', venueId: venue.id, startsAt: '2030-11-19T10:00:00', endsAt: '2030-11-19T17:00:00' })
        .expect(201);
      expect(created.body).toMatchObject({
        startsAt: '2030-11-19T01:00:00.000Z',
        endsAt: '2030-11-19T08:00:00.000Z',
        startsAtJst: '2030-11-19T10:00:00+09:00',
        endsAtJst: '2030-11-19T17:00:00+09:00',
        month: '2030-11',
      });
      // An explicit offset is kept as written; an edit without an offset is JST too.
      const moved = await api.http().patch(`/api/v1/sessions/${created.body.id}`).send({ startsAt: '2030-11-20T09:30', endsAt: '2030-11-20T08:00:00Z' }).expect(200);
      expect(moved.body).toMatchObject({ startsAt: '2030-11-20T00:30:00.000Z', endsAt: '2030-11-20T08:00:00.000Z', startsAtJst: '2030-11-20T09:30:00+09:00', endsAtJst: '2030-11-20T17:00:00+09:00' });
      expect((await api.http().get(`/api/v1/sessions/${created.body.id}`).expect(200)).body.startsAtJst).toBe('2030-11-20T09:30:00+09:00');

      const bad = await api.http().post('/api/v1/sessions').send({ courseCode: 'A', venueId: venue.id, startsAt: '2030-02-30T10:00:00', endsAt: '19/11/2030' }).expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['endsAt', 'startsAt']);
      expect(bad.body.errors[0].messages[0]).toMatch(/JST when no offset is given/);
    });
  });

  describe('calendar rules on hand-made sessions', () => {
    const sessions = () => api.http().post('/api/v1/sessions');

    it('refuses a holiday, a Saturday, 30 December and 3 days of a 1-day course, naming rule and day; an override lifts them and is audited', async () => {
      const cases = [
        { period: jstPeriod('2030-11-04'), rule: 'holiday', date: '2030-11-04', message: /2030-11-04 is a national holiday \(Substitute Holiday for Culture Day\)/ },
        { period: jstPeriod('2030-11-16'), rule: 'weekday', date: '2030-11-16', message: /2030-11-16 is a Saturday: sessions run on weekdays only/ },
        { period: jstPeriod('2030-12-30'), rule: 'year-end', date: '2030-12-30', message: /2030-12-30 falls in the year-end break/ },
        { period: jstPeriod('2030-11-19', 3), rule: 'length', date: '2030-11-19', message: /an A session lasts 1 day; this one spans 3 days \(2030-11-19 - 2030-11-21\)/ },
      ];
      for (const c of cases) {
        const venue = await api.venue(25);
        const refused = await sessions().send({ courseCode: 'A', venueId: venue.id, ...c.period }).expect(400);
        expect(refused.body.breaches).toEqual([{ rule: c.rule, date: c.date, message: expect.stringMatching(c.message) }]);
        expect(refused.body.message).toContain(`${c.rule} ${c.date}: `);
        expect(refused.body.overridable).toEqual([c.rule]);
        expect(refused.body.errors[0].field).toBe(c.rule === 'length' ? 'endsAt' : 'startsAt');
        // Overriding another rule lifts nothing.
        await sessions().send({ courseCode: 'A', venueId: venue.id, ...c.period, override: { rules: ['past'], reason: 'wrong rule' } }).expect(400);

        const reason = `special event ${c.rule}`;
        const accepted = await sessions().send({ courseCode: 'A', venueId: venue.id, ...c.period, override: { rules: [c.rule], reason } }).expect(201);
        expect(accepted.body.calendarOverride).toMatchObject({ rules: [c.rule], reason, actor: expect.stringMatching(/^operator:/), breaches: [{ rule: c.rule, date: c.date }] });
        expect((await api.http().get(`/api/v1/sessions/${accepted.body.id}`).expect(200)).body.calendarOverride.reason).toBe(reason);
        const audit = await api.http().get('/api/v1/audit-events').query({ subjectType: 'session', subjectId: accepted.body.id, action: 'session.calendar-override' }).expect(200);
        expect(audit.body.total).toBe(1);
        expect(audit.body.items[0].details).toMatchObject({ rules: [c.rule], reason, breaches: [{ rule: c.rule, date: c.date }] });
      }
    });

    it('checks an edit that moves the dates, and refuses the past unless history is entered', async () => {
      const venue = await api.venue(26);
      const session = (await sessions().send({ courseCode: 'A', venueId: venue.id, ...jstDay('2030-11-20') }).expect(201)).body;
      expect(session.calendarOverride).toBeNull();
      const saturday = await api.http().patch(`/api/v1/sessions/${session.id}`).send(jstPeriod('2030-11-23')).expect(400);
      expect(saturday.body.breaches.map((b: { rule: string; date: string }) => `${b.rule} ${b.date}`)).toEqual(['weekday 2030-11-23', 'holiday 2030-11-23']);
      // Seats alone do not move the dates: no calendar check, and nothing changed by the refusal.
      expect((await api.http().patch(`/api/v1/sessions/${session.id}`).send({ seats: 10 }).expect(200)).body).toMatchObject({ seats: 10, startsAtJst: '2030-11-20T10:00:00+09:00' });
      const moved = await api
        .http()
        .patch(`/api/v1/sessions/${session.id}`)
        .send({ ...jstPeriod('2030-11-23'), override: { rules: ['weekday', 'holiday'], reason: 'Labour Thanksgiving open day' } })
        .expect(200);
      expect(moved.body.calendarOverride).toMatchObject({ rules: ['weekday', 'holiday'], reason: 'Labour Thanksgiving open day' });
      // Back on a plain weekday: no rule is broken, so no override stays on the session.
      expect((await api.http().patch(`/api/v1/sessions/${session.id}`).send(jstDay('2030-11-21')).expect(200)).body.calendarOverride).toBeNull();

      const history = { courseCode: 'A', venueId: venue.id, ...jstPeriod('2024-11-19') };
      const past = await sessions().send(history).expect(400);
      expect(past.body.breaches).toEqual([{ rule: 'past', date: '2024-11-19', message: 'the session would start in the past (2024-11-19); only an override enters history' }]);
      const blank = await sessions().send({ ...history, override: { rules: ['past'], reason: '   ' } }).expect(400);
      expect(blank.body.errors).toEqual([{ field: 'override.reason', messages: ['reason must not be blank'] }]);
      const entered = await sessions().send({ ...history, override: { rules: ['past'], reason: 'FY2024 records' } }).expect(201);
      expect(entered.body).toMatchObject({ fiscalYear: 2024, calendarOverride: { rules: ['past'], reason: 'FY2024 records' } });
    });
  });

  describe('eligibility and regions', () => {
    const organisation = async (typeCode: string, prefectureCode: number) =>
      (await api.http().post('/api/v1/organisations').send({ name: api.unique(`Org ${typeCode} P${prefectureCode}`), typeCode, prefectureCode }).expect(201)).body;
    const enroll = (sessionId: string, traineeId: string) => api.http().post(`/api/v1/sessions/${sessionId}/enrollments`).send({ traineeId });

    it('refuses an organisation change that would leave an open enrollment ineligible, naming it; an eligible move goes through', async () => {
      const instructor = await api.instructor();
      const b1 = await api.session({ courseCode: 'B-1', venueId: (await api.venue(4)).id, instructorIds: [instructor.id], ...jstDay('2030-10-22') }, true);
      const cityOffice = await organisation('local_government', 4);
      const otherCity = await organisation('local_government', 3);
      const waterWorks = await organisation('critical_infrastructure_operator', 4);
      const trainee = await api.trainee(cityOffice.id);
      const enrolled = (await enroll(b1.id, trainee.id).expect(201)).body;
      expect(enrolled).toMatchObject({ status: 'confirmed', otherRegion: null, warnings: [] });

      const refused = await api.http().patch(`/api/v1/trainees/${trainee.id}`).send({ organisationId: waterWorks.id }).expect(409);
      expect(refused.body.message).toMatch(
        new RegExp(`^${trainee.name} cannot move to ${waterWorks.name}: the confirmed enrollment in B-1 session ${b1.id} \\(2030-10-22 10:00 JST\\) would not be eligible \\(B-1 admits local government only; ${waterWorks.name} is a critical-infrastructure operator\\); cancel that enrollment first$`),
      );
      expect(refused.body.enrollments).toEqual([{ enrollmentId: enrolled.id, sessionId: b1.id, reason: expect.stringMatching(/^B-1 admits local government only/) }]);
      expect((await api.http().get(`/api/v1/trainees/${trainee.id}`).expect(200)).body.organisationId).toBe(cityOffice.id);
      // Another local government (same region) keeps the enrollment eligible.
      await api.http().patch(`/api/v1/trainees/${trainee.id}`).send({ organisationId: otherCity.id }).expect(200);
      // Once the enrollment is cancelled, the move is free.
      await api.http().delete(`/api/v1/sessions/${b1.id}/enrollments/${enrolled.id}`).expect(200);
      await api.http().patch(`/api/v1/trainees/${trainee.id}`).send({ organisationId: waterWorks.id }).expect(200);
    });

    it('warns about a trainee of another region on a B-1 session, and refuses one only where the session says so', async () => {
      const instructor = await api.instructor();
      const sendai = await api.venue(4);
      const warned = await api.session({ courseCode: 'B-1', venueId: sendai.id, instructorIds: [instructor.id], ...jstDay('2030-10-23') }, true);
      expect((warned as { otherRegion?: string }).otherRegion).toBe('warn');
      const tokyo = await organisation('local_government', 13);
      const traveller = await api.trainee(tokyo.id);
      const enrolled = (await enroll(warned.id, traveller.id).expect(201)).body;
      expect(enrolled).toMatchObject({ status: 'confirmed', otherRegion: 'Kanto', warnings: [`${traveller.name} comes from region Kanto; this session serves region Tohoku`] });
      const listed = (await api.http().get(`/api/v1/sessions/${warned.id}/enrollments`).expect(200)).body.items;
      expect(listed[0]).toMatchObject({ id: enrolled.id, otherRegion: 'Kanto' });

      const strict = await api.session({ courseCode: 'B-1', venueId: sendai.id, instructorIds: [instructor.id], otherRegion: 'refuse', ...jstDay('2030-10-24') }, true);
      const refused = await enroll(strict.id, (await api.trainee(tokyo.id)).id).expect(409);
      expect(refused.body.message).toBe(`not eligible: this B-1 session serves region Tohoku only; ${tokyo.name} is in region Kanto`);
      const local = await api.trainee((await organisation('local_government', 4)).id);
      await enroll(strict.id, local.id).expect(201);
      // Moving a trainee of the strict session out of its region is refused like any lost eligibility.
      await api.http().patch(`/api/v1/trainees/${local.id}`).send({ organisationId: tokyo.id }).expect(409);
      // otherRegion "refuse" is for per-region courses only.
      const notRegional = await api.http().post('/api/v1/sessions').send({ courseCode: 'A', venueId: sendai.id, otherRegion: 'refuse', ...jstDay('2030-10-25') }).expect(409);
      expect(notRegional.body.message).toMatch(/applies to per-region courses \(B-1\) only/);
    });

    it('keeps ONLINE-A at 0 instructors per session in the catalogue, as its sessions and the planner have it', async () => {
      expect((await api.http().get('/api/v1/courses/ONLINE-A').expect(200)).body.instructorsPerSession).toBe(0);
      const refused = await api.http().patch('/api/v1/courses/ONLINE-A').send({ instructorsPerSession: 1 }).expect(409);
      expect(refused.body.message).toBe('ONLINE-A is online and self-paced: its sessions need no instructor, so instructorsPerSession stays 0');
      await api.http().patch('/api/v1/courses/A').send({ instructorsPerSession: 0 }).expect(409);
      const online = await api.session({ courseCode: 'ONLINE-A', teamSize: 1, seats: 5, ...jstDay('2030-11-26') }, true);
      expect(online).toMatchObject({ status: 'open', instructors: [] });
    });
  });

  describe('messages', () => {
    it('answers a concurrent double booking with the same readable message as a sequential one, in JST', async () => {
      const venue = await api.venue(23);
      const instructors = await Promise.all(Array.from({ length: 6 }, () => api.instructor()));
      const day = jstDay('2030-10-16');
      const answers = await Promise.all(
        instructors.map((i) => api.http().post('/api/v1/sessions').send({ courseCode: 'A', venueId: venue.id, seats: 8, instructorIds: [i.id], ...day })),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      const booked = answers.find((a) => a.status === 201)!.body;
      const sequential = await api.http().post('/api/v1/sessions').send({ courseCode: 'A', venueId: venue.id, seats: 8, ...day }).expect(409);
      const expected = `venue ${venue.name} is already booked by A session ${booked.id} (2030-10-16 10:00-17:00 JST)`;
      expect(sequential.body.message).toBe(expected);
      for (const refused of answers.filter((a) => a.status === 409)) {
        expect(refused.body).toMatchObject({ statusCode: 409, message: expected });
        expect(JSON.stringify(refused.body)).not.toMatch(DATABASE_TEXT);
      }
    });
  });

  describe('exports', () => {
    it('writes the schedule CSV with a BOM, JST columns and formula injection neutralised; an error is no download', async () => {
      const venue = await api.venue(24);
      const instructor = await api.http().post('/api/v1/instructors').send({ name: `=HYPERLINK("http://x") ${api.tag}`, email: `formula-${api.tag}@example.org`, courseCodes: ['A'] }).expect(201);
      const session = await api.session({ courseCode: 'A', venueId: venue.id, instructorIds: [instructor.body.id], ...jstDay('2030-10-17') });
      const csv = await api.http().get(`/api/v1/sessions/export.csv?venueId=${venue.id}`).expect(200).expect('Content-Type', /text\/csv/);
      expect(csv.headers['content-disposition']).toBe('attachment; filename="schedule.csv"');
      expect(csv.text.charCodeAt(0)).toBe(0xfeff);
      const [header, row] = csv.text.slice(1).trim().split('\r\n');
      const columns = header.split(',');
      expect(columns.slice(5, 9)).toEqual(['starts_at', 'ends_at', 'starts_at_jst', 'ends_at_jst']);
      expect(row.startsWith(`${session.id},A,draft,2030,2030-10,2030-10-17T01:00:00.000Z,2030-10-17T08:00:00.000Z,2030-10-17T10:00:00+09:00,2030-10-17T17:00:00+09:00,`)).toBe(true);
      expect(row).toContain(`"'=HYPERLINK(""http://x"") ${api.tag}"`);

      const refused = await api.http().get('/api/v1/sessions/export.csv?month=2030-13').expect(400);
      expect(refused.headers['content-disposition']).toBeUndefined();
      expect(refused.headers['content-type']).toMatch(/application\/json/);
    });
  });
});
