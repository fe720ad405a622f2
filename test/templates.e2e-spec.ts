import type { INestApplication } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { stringify } from 'yaml';
import { createApiApp } from './support/test-app.js';

const root = path.resolve(import.meta.dirname, '..');

describe('Range templates API (/api/v1/templates)', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createApiApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('lists the shipped templates with their hash, texts and objectives per phase', async () => {
    const res = await http().get('/api/v1/templates').expect(200);
    const ids = res.body.map((t: { id: string }) => t.id);
    expect(ids).toEqual(expect.arrayContaining(['course-a', 'course-b', 'course-c', 'online-a']));
    const courseA = res.body.find((t: { id: string }) => t.id === 'course-a');
    expect(courseA).toMatchObject({
      version: '1.1.0',
      courses: ['A'],
      title: { ja: expect.any(String), en: expect.any(String) },
      networks: ['internet', 'dmz', 'office'],
    });
    expect(courseA.nodes).toEqual(expect.arrayContaining(['web', 'logserver', 'attacker', 'c2']));
    for (const phase of ['detect', 'analyze', 'contain', 'eradicate', 'recover', 'report']) {
      expect(courseA.objectivesByPhase[phase]).toBeGreaterThan(0);
    }
  });

  it('gets one template with the sha256 of its file', async () => {
    const res = await http().get('/api/v1/templates/course-a').expect(200);
    const source = readFileSync(path.join(root, 'range-templates', 'course-a.yaml'), 'utf8');
    expect(res.body.hash).toBe(createHash('sha256').update(source).digest('hex'));
    expect(res.body.source).toBe(source);
    expect(res.body.template.attack.steps.map((s: { id: string }) => s.id)).toEqual(
      ['recon', 'exploit', 'implant', 'persistence', 'deface', 'exfiltrate'],
    );
    expect(res.body.template.nodes.find((n: { name: string }) => n.name === 'web').readOnlyRoot).toBe(true);
  });

  it('answers 404 for an unknown template', async () => {
    const res = await http().get('/api/v1/templates/course-z').expect(404);
    expect(res.body.message).toBe('template "course-z" does not exist');
  });

  it('validates a good template sent in the body without saving it', async () => {
    const source = readFileSync(path.join(root, 'range-templates', 'online-a.yaml'), 'utf8').replace('id: online-a', 'id: my-draft');
    const res = await http().post('/api/v1/templates/validate').send({ yaml: source }).expect(200);
    expect(res.body).toMatchObject({ valid: true, summary: { id: 'my-draft', hash: createHash('sha256').update(source).digest('hex') } });
    await http().get('/api/v1/templates/my-draft').expect(404);
  });

  it('refuses a broken template with 400, listing every error with its path', async () => {
    const broken = {
      id: 'broken',
      version: '1',
      title: { ja: '壊れた', en: 'Broken' },
      description: { ja: '説明', en: 'Description' },
      courses: ['A'],
      durationMinutes: 60,
      networks: [{ name: 'dmz' }, { name: 'dmz' }],
      variables: [{ name: 'flag', kind: 'hex', length: 8 }],
      nodes: [
        { name: 'web', image: 'web', role: 'server', networks: [{ network: 'dmz' }], dependsOn: ['db'] },
        { name: 'db', role: 'server', networks: [{ network: 'dmz2' }], dependsOn: ['web'], capabilities: ['SYS_ADMIN'] },
        { name: 'web', image: 'web', role: 'server', networks: [{ network: 'dmz' }], resources: { memoryMb: 100000 } },
        { name: 'fw', image: 'attacker', role: 'server', networks: [{ network: 'dmz' }], capabilities: ['NET_ADMIN'], command: ['echo', '${secret}'] },
      ],
    };
    const res = await http().post('/api/v1/templates/validate').send({ yaml: stringify(broken) }).expect(400);
    expect(res.body.valid).toBe(false);
    const lines = res.body.errors.map((e: { path: string; message: string }) => `${e.path}: ${e.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'networks[1].name: duplicate network "dmz"',
        expect.stringMatching(/^nodes\[1\]\.image: missing image/),
        'nodes[1].networks[0]: unknown network "dmz2"',
        expect.stringMatching(/^nodes\[1\]\.capabilities\[0\]: capability "SYS_ADMIN" is not allowed/),
        'nodes[2].name: duplicate node "web"',
        'nodes[2].resources.memoryMb: memoryMb must not be greater than 512',
        expect.stringMatching(/^nodes\[3\]\.capabilities\[0\]: capability "NET_ADMIN" is only allowed/),
        'nodes[3].command[1]: unknown variable "${secret}"',
        'nodes[0].dependsOn: dependency cycle: web -> db -> web',
      ]),
    );
    expect(lines).toHaveLength(9);
  });

  it('reports YAML syntax errors with their line, and a body without yaml through the validation pipe', async () => {
    const syntax = await http().post('/api/v1/templates/validate').send({ yaml: 'id: x\nnodes: [\n' }).expect(400);
    expect(syntax.body.errors[0].path).toMatch(/^yaml \(line \d+, column \d+\)$/);
    const empty = await http().post('/api/v1/templates/validate').send({}).expect(400);
    expect(empty.body.errors.map((e: { field: string }) => e.field)).toEqual(['yaml']);
  });

  it('documents the routes in OpenAPI', async () => {
    const res = await http().get('/api/docs-json').expect(200);
    for (const route of ['/api/v1/templates', '/api/v1/templates/{id}', '/api/v1/templates/validate']) {
      expect(res.body.paths[route]).toBeDefined();
    }
  });
});
