import type { INestApplication } from '@nestjs/common';
import { type SchedulingClient, startApi } from './support/scheduling-api.js';
import { DATABASE_TEXT } from './support/error-bodies.js';


// Hostile input on the real API and PostgreSQL: every refusal is a 400 naming the field, never a 500.
describe('hostile input (real PostgreSQL)', () => {
  let app: INestApplication;
  let api: SchedulingClient;

  beforeAll(async () => {
    ({ app, api } = await startApi());
  });

  afterAll(async () => {
    await app?.close();
  });

  const refused = (res: { status: number; body: unknown }) => {
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(DATABASE_TEXT);
    return res.body as { message: string; errors?: { field: string; messages: string[] }[] };
  };

  it('refuses JSON nested 15,000 deep (under 100 KB) with 400 before parsing, and the API keeps answering', async () => {
    const deep = '{"name":' + '['.repeat(15000) + ']'.repeat(15000) + '}';
    const body = refused(await api.http().post('/api/v1/organisations').set('Content-Type', 'application/json').send(deep));
    expect(body.message).toBe('the JSON body nests deeper than 32 levels');
    const template = '{"yaml":' + '['.repeat(40) + ']'.repeat(40) + '}';
    refused(await api.http().post('/api/v1/templates/validate').set('Content-Type', 'application/json').send(template));
    await api.http().get('/api/v1/prefectures').expect(200);
  });

  it('refuses NUL and other control characters in bodies, query strings and path parameters, naming the field', async () => {
    const organisation = await api.organisation('local_government');
    let body = refused(await api.http().post('/api/v1/organisations').send({ name: 'Bad\u0000Name', typeCode: 'local_government' }));
    expect(body.errors).toEqual([{ field: 'name', messages: ['name contains a control character (only tab and line breaks are allowed)'] }]);
    body = refused(await api.http().post('/api/v1/trainees').send({ name: 'T', email: 'x\u0000@example.org', organisationId: organisation.id }));
    expect(body.errors?.[0].field).toBe('email');
    body = refused(await api.http().get('/api/v1/organisations').query({ name: 'a\u0000b' }));
    expect(body.errors).toEqual([{ field: 'name', messages: ['name contains a control character'] }]);
    body = refused(await api.http().get('/api/v1/courses/A%00'));
    expect(body.errors?.[0].field).toBe('code');
  });

  it('refuses an unpaired surrogate (no URIError) and malformed percent-encoding with 400', async () => {
    const organisation = await api.organisation('local_government');
    const raw = `{"name":"T","email":"a\\ud800@example.org","organisationId":"${organisation.id}"}`;
    const body = refused(await api.http().post('/api/v1/trainees').set('Content-Type', 'application/json').send(raw));
    expect(body.errors).toEqual([{ field: 'email', messages: ['email contains an unpaired surrogate (not valid Unicode text)'] }]);
    refused(await api.http().get('/api/v1/courses/%E0%A4%A'));
  });

  it('bounds every number: page=1e20, 2^53+1 seats and sort orders are refused before the database', async () => {
    let body = refused(await api.http().get('/api/v1/sessions?page=1e20'));
    expect(body.errors?.[0].field).toBe('page');
    body = refused(await api.http().get('/api/v1/organisations?pageSize=9007199254740993'));
    expect(body.errors?.[0].field).toBe('pageSize');
    body = refused(await api.http().post('/api/v1/regions').set('Content-Type', 'application/json').send(`{"code":"r-${api.tag}","name":"R","sortOrder":9007199254740993}`));
    expect(body.errors?.[0].field).toBe('sortOrder');
  });

  it('refuses whitespace-only and multi-line names', async () => {
    let body = refused(await api.http().post('/api/v1/organisations').send({ name: '   ', typeCode: 'local_government' }));
    expect(body.errors).toEqual([{ field: 'name', messages: ['name must contain a visible character, not only spaces'] }]);
    body = refused(await api.http().post('/api/v1/venues').send({ name: '\u3000 ', prefectureCode: 13, city: 'Tokyo', seatCapacity: 10, rangeHostCapacity: 2 }));
    expect(body.errors?.map((e) => e.field)).toEqual(['name']);
    body = refused(await api.http().post('/api/v1/organisations').send({ name: 'two\nlines', typeCode: 'local_government' }));
    expect(body.errors?.[0].messages).toEqual(['name must be one line (no tabs or line breaks)']);
  });

  it('lets body text keep tabs and line breaks (the YAML of a template reaches its validator)', async () => {
    const res = await api.http().post('/api/v1/templates/validate').send({ yaml: 'id: x\n\tversion: 1\n' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/control character/);
  });
});
