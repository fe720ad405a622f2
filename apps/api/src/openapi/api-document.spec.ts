import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { OpenAPIObject } from '@nestjs/swagger';
import { API_PREFIX } from '../setup.js';
import { ApiModule } from '../api.module.js';
import { buildApiDocument, operationsOf } from './api-document.js';
import { documentGaps } from './document-rules.js';

type ModuleRef = Type<unknown> | DynamicModule | Promise<DynamicModule>;

/** Every controller reachable from the API module's imports (a new API module is covered by itself). */
function controllersOf(module: ModuleRef, seen = new Set<unknown>()): Array<Type<unknown>> {
  if (seen.has(module) || module instanceof Promise) return [];
  seen.add(module);
  const dynamic = (module as DynamicModule).module ? (module as DynamicModule) : undefined;
  const type = dynamic?.module ?? (module as Type<unknown>);
  const controllers = [...((Reflect.getMetadata('controllers', type) as Array<Type<unknown>>) ?? []), ...(dynamic?.controllers ?? [])];
  const imports = [...((Reflect.getMetadata('imports', type) as ModuleRef[]) ?? []), ...((dynamic?.imports as ModuleRef[]) ?? [])];
  return [...controllers, ...imports.flatMap((m) => (m ? controllersOf(m, seen) : []))];
}

/**
 * The OpenAPI document of every controller of the API, without PostgreSQL, Redis or Docker: the
 * controllers with stand-ins for their services (the document reads only decorators and DTOs).
 */
describe('the OpenAPI document', () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    const controllers = [...new Set(controllersOf(ApiModule))];
    const moduleRef = await Test.createTestingModule({ controllers }).useMocker(() => ({})).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.setGlobalPrefix(API_PREFIX, { exclude: ['metrics'] });
    document = buildApiDocument(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('documents every operation completely: summary, x-roles, uuid ids, body examples, every error with the one error schema', () => {
    expect(operationsOf(document).length).toBeGreaterThan(90);
    expect(documentGaps(document)).toEqual([]);
  });

  it('says which operations are public and which roles call the others', () => {
    const publicOnes = operationsOf(document).filter((o) => (o.operation as unknown as Record<string, unknown>)['x-public'] === true);
    expect(publicOnes.map((o) => `${o.method} ${o.path}`).sort()).toEqual(['get /api/v1/health', 'post /api/v1/auth/login', 'post /api/v1/auth/trainee-login']);
    expect((document.paths["/api/v1/templates/validate"]!.post as unknown as Record<string, unknown>)['x-roles']).toEqual(['operator']);
    expect(document.paths['/api/v1/ranges/{id}']!.get!.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'id', in: 'path', schema: expect.objectContaining({ format: 'uuid' }) })]));
  });

  it('derives the error answers from the route: roles in the 403, Retry-After on 429 and 503, the first field in the 400 example', () => {
    const note = document.paths['/api/v1/ranges/{rangeId}/notes']!.post!;
    const responses = note.responses as Record<string, { description: string; headers?: Record<string, unknown>; content?: Record<string, { example?: { errors?: Array<{ field: string }> } }> }>;
    expect(responses['403']!.description).toMatch(/^This route is for instructor \(operators may call every route\)/);
    expect(Object.keys(responses['429']!.headers ?? {})).toEqual(['Retry-After']);
    expect(Object.keys(responses['503']!.headers ?? {})).toEqual(['Retry-After']);
    expect(responses['400']!.content!['application/json']!.example!.errors![0]!.field).toBe('text');
    // Health is public: no 401, and its 503 keeps the health report.
    const health = document.paths['/api/v1/health']!.get!.responses as Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
    expect(health['401']).toBeUndefined();
    expect(health['503']!.content!['application/json']!.schema!.$ref).not.toMatch(/ErrorBody$/);
  });

  it('puts the JST wall time beside every instant of an answer, nullable alike', () => {
    const schemas = document.components!.schemas as Record<string, { properties: Record<string, { format?: string; nullable?: boolean; example?: unknown }> }>;
    const range = schemas['RangeDto']!.properties;
    expect(range['readyAt']).toMatchObject({ format: 'date-time', nullable: true });
    expect(range['readyAtJst']).toMatchObject({ type: 'string', nullable: true, example: '2030-11-19T09:45:00+09:00' });
    expect(schemas['AuditEventDto']!.properties['atJst']).toMatchObject({ type: 'string', example: '2030-11-19T11:10:00+09:00' });
    const bare = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      components: {
        schemas: {
          ThingDto: {
            type: 'object',
            properties: {
              createdAt: { type: 'string', format: 'date-time' },
              seenAt: { type: 'string' },
              closedAt: { type: 'string', format: 'date-time', nullable: true },
              closedAtJst: { type: 'string' },
              items: { type: 'array', items: { $ref: '#/components/schemas/PartDto' } },
            },
          },
          PartDto: { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, atJst: { type: 'string' } } },
          // Input only: no JST sibling needed.
          CreateThingDto: { type: 'object', properties: { startsAt: { type: 'string', format: 'date-time' } } },
        },
      },
      paths: {
        '/api/v1/things': {
          post: {
            summary: 's',
            'x-roles': ['operator'],
            requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateThingDto' }, example: {} } } },
            responses: {
              '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingDto' }, example: {} } } },
              '400': { description: 'bad', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' }, example: {} } } },
              '401': { description: 'who', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' }, example: {} } } },
            },
          },
        },
      },
    } as unknown as OpenAPIObject;
    expect(documentGaps(bare)).toEqual([
      'ThingDto.createdAt: an instant without createdAtJst, its JST wall time, beside it (document it with ApiInstantField)',
      'ThingDto.seenAt: named like an instant but not format: date-time',
      'ThingDto.closedAtJst: nullable false, closedAt nullable true',
    ]);
  });

  it('names every gap of an undocumented route', () => {
    const bare = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      components: { schemas: { ThingDto: { type: 'object', properties: { label: { type: 'string' }, ownerId: { type: 'string', example: 'x' } } } } },
      paths: {
        '/api/v1/things/{id}': {
          patch: {
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
            requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingDto' } } } },
            responses: { '200': { description: 'ok' }, '409': { description: 'conflict' } },
          },
        },
      },
    } as unknown as OpenAPIObject;
    expect(documentGaps(bare)).toEqual([
      'ThingDto.ownerId: an id without format: uuid (or pattern)',
      'PATCH /api/v1/things/{id}: no summary',
      'PATCH /api/v1/things/{id}: no x-roles',
      'PATCH /api/v1/things/{id}: path parameter id has no format: uuid (or pattern)',
      expect.stringMatching(/^PATCH \/api\/v1\/things\/\{id\} request application\/json: no example \(no example value for \$\.label \(ThingDto\)/),
      'PATCH /api/v1/things/{id}: takes input but documents no 400',
      'PATCH /api/v1/things/{id}: behind the guard but documents no 401',
      'PATCH /api/v1/things/{id} 200: no body schema',
      'PATCH /api/v1/things/{id} 409: error answer without the ErrorBody schema',
    ]);
  });
});
