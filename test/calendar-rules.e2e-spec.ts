import type { INestApplication } from '@nestjs/common';
import { DATABASE_TEXT } from './support/error-bodies.js';
import { jstDay, SchedulingClient, startApi } from './support/scheduling-api.js';

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
