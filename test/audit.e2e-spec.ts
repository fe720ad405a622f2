import type { INestApplication } from '@nestjs/common';
import { jstDay, jstWallOf, type SchedulingClient, startApi } from './support/scheduling-api.js';

// The audit trail as operators read it over the API: newest first, paged, filtered.
describe('audit trail API (GET /audit-events, real PostgreSQL)', () => {
  let app: INestApplication;
  let api: SchedulingClient;
  let operatorId: string;

  beforeAll(async () => {
    ({ app, api, operatorId } = await startApi());
  });

  afterAll(async () => {
    await app?.close();
  });

  it('finds changes by actor, action (or prefix), subject and time, newest first, in pages', async () => {
    // The actor is the credential's (an X-Actor header is ignored); this operator's other entries are logins.
    const actor = `operator:${operatorId}`;
    const before = new Date(Date.now() - 1000).toISOString();
    const session = (await api.http().post('/api/v1/sessions').send({ courseCode: 'ONLINE-A', teamSize: 1, seats: 3, ...jstDay('2030-11-19') }).expect(201)).body;
    await api.http().post(`/api/v1/sessions/${session.id}/transitions`).send({ status: 'open' }).expect(200);
    await api.http().post(`/api/v1/sessions/${session.id}/transitions`).send({ status: 'cancelled', reason: 'test' }).expect(200);
    const after = new Date(Date.now() + 1000).toISOString();

    const mine = (await api.http().get('/api/v1/audit-events').query({ actor, action: 'session.' }).expect(200)).body;
    expect(mine).toMatchObject({ total: 3, page: 1 });
    expect(mine.items.map((e: { action: string }) => e.action)).toEqual(['session.transition', 'session.transition', 'session.create']);
    expect(mine.items[0]).toMatchObject({ actor, subjectType: 'session', subjectId: session.id, details: { to: 'cancelled', reason: 'test' } });
    expect(mine.items[0].credentialId).toMatch(/^[0-9a-f-]{36}$/);
    expect(mine.items[0].address).toMatch(/127\.0\.0\.1$/);
    // Beside each ISO instant, the same instant as a JST wall time.
    expect(mine.items[0].at).toMatch(/Z$/);
    expect(mine.items.map((e: { atJst: string }) => e.atJst)).toEqual(mine.items.map((e: { at: string }) => jstWallOf(e.at)));
    expect(session).toMatchObject({ startsAtJst: '2030-11-19T10:00:00+09:00', endsAtJst: '2030-11-19T17:00:00+09:00', createdAtJst: jstWallOf(session.createdAt) });

    const transitions = (await api.http().get('/api/v1/audit-events').query({ actor, action: 'session.transition' }).expect(200)).body;
    expect(transitions.total).toBe(2);
    const prefix = (await api.http().get('/api/v1/audit-events').query({ subjectType: 'session', subjectId: session.id, action: 'session.' }).expect(200)).body;
    expect(prefix.total).toBe(3);
    const page2 = (await api.http().get('/api/v1/audit-events').query({ actor, action: 'session.', pageSize: 1, page: 2 }).expect(200)).body;
    expect(page2).toMatchObject({ total: 3, page: 2, pageSize: 1 });
    expect(page2.items.map((e: { id: string }) => e.id)).toEqual([mine.items[1].id]);
    expect((await api.http().get('/api/v1/audit-events').query({ actor, action: 'session.', from: before, to: after }).expect(200)).body.total).toBe(3);
    expect((await api.http().get('/api/v1/audit-events').query({ actor, action: 'session.', to: before }).expect(200)).body.total).toBe(0);

    const bad = await api.http().get('/api/v1/audit-events').query({ from: 'yesterday', pageSize: 1000 }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['from', 'pageSize']);
  });
});
