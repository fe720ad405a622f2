import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { jstDay, type SchedulingClient, startApi } from './support/scheduling-api.js';
import { DATABASE_TEXT } from './support/error-bodies.js';

// Errors as callers see them, through the one API exception filter, on the real PostgreSQL.
describe('error answers (real PostgreSQL)', () => {
  let app: INestApplication;
  let api: SchedulingClient;

  beforeAll(async () => {
    ({ app, api } = await startApi());
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers a duplicate e-mail (a unique constraint) with a readable 409, without the address or PostgreSQL text', async () => {
    const organisation = await api.organisation('local_government');
    const email = `twice-${api.tag}@example.org`;
    await api.http().post('/api/v1/trainees').send({ name: 'First', email, organisationId: organisation.id }).expect(201);
    const again = await api.http().post('/api/v1/trainees').send({ name: 'Second', email, organisationId: organisation.id }).expect(409);
    expect(again.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'a trainee with this e-mail address already exists',
      constraint: 'trainees_email_key',
    });
    expect(JSON.stringify(again.body)).not.toContain(email);
  });

  it('answers concurrent bookings of one venue with 201 once and readable 409s, never PostgreSQL text', async () => {
    const venue = await api.venue(33);
    const instructors = await Promise.all(Array.from({ length: 6 }, () => api.instructor()));
    const answers = await Promise.all(
      instructors.map((i) => api.http().post('/api/v1/sessions').send({ courseCode: 'A', venueId: venue.id, instructorIds: [i.id], ...jstDay('2030-10-08') })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    for (const refused of answers.filter((a) => a.status === 409)) {
      // The service saw the first booking (as a clash, or in the range host's load), or the exclusion constraint caught a concurrent one.
      expect(refused.body.message).toMatch(
        new RegExp(
          `^venue ${venue.name} is already booked by A session |the range host of venue ${venue.name} runs at most 12 and already has \\d+ booked then$|^the venue is already booked by another session at that time$`,
        ),
      );
      expect(JSON.stringify(refused.body)).not.toMatch(DATABASE_TEXT);
    }
  });

  it('answers an illegal session transition with the allowed next states', async () => {
    const venue = await api.venue(34);
    const session = await api.session({ courseCode: 'A', venueId: venue.id, instructorIds: [(await api.instructor()).id], ...jstDay('2030-10-09') });
    const refused = await api.transition(session.id, 'running', 409);
    expect(refused).toMatchObject({ statusCode: 409, error: 'Conflict', allowed: ['open', 'cancelled'] });
    expect(refused.message).toMatch(/^a draft session cannot become running/);
  });

  it('answers a session that ends before it starts with 400 naming the field', async () => {
    const res = await api
      .http()
      .post('/api/v1/sessions')
      .send({ courseCode: 'A', venueId: (await api.venue(35)).id, startsAt: '2030-10-10T08:00:00Z', endsAt: '2030-10-10T01:00:00Z' })
      .expect(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'endsAt must be after startsAt',
      errors: [{ field: 'endsAt', messages: ['endsAt must be after startsAt'] }],
    });
  });

  it('answers a provisioning request with every failing field at once', async () => {
    const res = await api
      .http()
      .post(`/api/v1/sessions/${randomUUID()}/ranges`)
      .send({ templateId: 'course-a', teamIds: [randomUUID()], provisionAt: '2030-10-10T08:00:00Z', startsAt: '2030-10-10T09:00:00Z', teardownAt: '2030-10-10T07:00:00Z' })
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['provisionAt', 'teardownAt']);
    expect(res.body.message).toBe('give provisionAt or startsAt (with leadMinutes), not both; teardownAt must be after the provisioning time');
  });

  it('answers a number PostgreSQL cannot take with 400, never its text', async () => {
    const res = await api.http().get('/api/v1/sessions?page=1e20').expect(400);
    expect(JSON.stringify(res.body)).not.toMatch(DATABASE_TEXT);
    expect(JSON.stringify(res.body)).not.toContain('5e+21');
  });

  it('answers an unknown id with the 404 of its domain, and a malformed one with the pipe 400', async () => {
    const id = randomUUID();
    expect((await api.http().get(`/api/v1/ranges/${id}`).expect(404)).body).toEqual({ statusCode: 404, error: 'Not Found', message: `range ${id} does not exist` });
    expect((await api.http().get('/api/v1/ranges/not-a-uuid').expect(400)).body).toMatchObject({ statusCode: 400, message: 'Validation failed (uuid is expected)' });
  });

  it('never answers an error as a file download', async () => {
    const res = await api.http().get('/api/v1/sessions/export.csv?venueId=not-a-uuid').expect(400);
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });
});
