import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { loadConfig } from '@app/config';
import { CONTAINER_RUNTIME, labelKeys, type ContainerRuntime } from '@app/docker';
import { containerName } from '@app/ranges';
import { SharedTemplateCatalog } from '@app/templates';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { stringify } from 'yaml';
import { removeLabelledObjects } from './support/docker-cleanup.js';
import { authed, operatorToken } from './support/access.js';
import { createApiApp, createWorkerContext } from './support/test-app.js';
import { closedSessionWithTeams } from './support/scheduling-api.js';

const root = path.resolve(import.meta.dirname, '..');

describe('Range templates API (/api/v1/templates)', () => {
  let app: INestApplication;
  let token: string;
  const http = () => authed(app, token);

  beforeAll(async () => {
    app = await createApiApp();
    token = await operatorToken(app);
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

  it('takes a valid 150 KB template (over Express\'s 100 KB default), refuses one over 256 KB with 400 and a body past the limit with 413', async () => {
    const base = readFileSync(path.join(root, 'range-templates', 'online-a.yaml'), 'utf8').replace('id: online-a', 'id: big-draft');
    // Japanese text in a YAML comment: 3 bytes each in UTF-8, and JSON.stringify keeps it as is.
    const padded = `${base}\n# ${'演習'.repeat(25_600)}\n`;
    expect(Buffer.byteLength(padded)).toBeGreaterThan(150 * 1024);
    expect(Buffer.byteLength(padded)).toBeLessThan(256 * 1024);
    const ok = await http().post('/api/v1/templates/validate').send({ yaml: padded }).expect(200);
    expect(ok.body.summary.id).toBe('big-draft');
    // The same template with every non-ASCII character escaped (\uXXXX) is twice as long in JSON: still accepted.
    const escaped = JSON.stringify({ yaml: padded }).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    expect(escaped.length).toBeGreaterThan(300 * 1024);
    await http().post('/api/v1/templates/validate').set('Content-Type', 'application/json').send(escaped).expect(200);

    const tooBig = await http().post('/api/v1/templates/validate').send({ yaml: `${base}\n# ${'x'.repeat(270 * 1024)}\n` }).expect(400);
    expect(JSON.stringify(tooBig.body)).toMatch(/larger than 262144 bytes|must be shorter than or equal to 262144 characters/);
    await http().post('/api/v1/templates/validate').send({ yaml: 'x'.repeat(1024 * 1024) }).expect(413);
  });

  it('caps the error list of a 10,000-node template at 100 and says how many more there are', async () => {
    const nodes = Array.from({ length: 10_000 }, () => ({}));
    const res = await http().post('/api/v1/templates/validate').send({ yaml: stringify({ id: 'many', nodes }) }).expect(400);
    expect(res.body.errors).toHaveLength(100);
    expect(res.body.omittedErrors).toBeGreaterThan(40_000);
    expect(res.body.message).toBe(`Template is invalid (100 of ${100 + res.body.omittedErrors} errors listed)`);
    expect(JSON.stringify(res.body).length).toBeLessThan(50_000);
  });

  it('documents the routes in OpenAPI, none of them for trainees', async () => {
    const res = await http().get('/api/docs-json').expect(200);
    const routes = {
      '/api/v1/templates': ['get', ['operator', 'instructor']],
      '/api/v1/templates/{id}': ['get', ['operator', 'instructor']],
      '/api/v1/templates/validate': ['post', ['operator']],
      '/api/v1/templates/reload': ['post', ['operator']],
    } as const;
    for (const [route, [method, roles]] of Object.entries(routes)) {
      expect({ route, roles: res.body.paths[route]?.[method]?.['x-roles'] }).toEqual({ route, roles });
    }
  });
});

/** A one-node range on the built-in base image: quick to provision. */
const tinyTemplate = (version: string, extra = '') => `id: tiny
version: "${version}"
title: { ja: "極小", en: "Tiny" }
description: { ja: "再読み込みの確認", en: "Reload check" }
courses: [A]
durationMinutes: 30
networks: [{ name: lan }]
variables: [{ name: flag, kind: hex, length: 8 }]
nodes:
  - { name: box, image: base, role: workstation, networks: [{ network: lan }], env: { FLAG: "\${flag}", RELEASE: "${version}" }, resources: { memoryMb: 32 } }
${extra}`;

describe('Reloading the catalogue over the API, in every process', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tpl-reload-'));
  const saved = process.env.RANGE_TEMPLATES_DIR;
  let api: INestApplication;
  let apiToken: string;
  let worker: INestApplicationContext;
  const http = () => authed(api, apiToken);
  const workerCatalog = () => worker.get(SharedTemplateCatalog).catalog;
  const until = async (what: string, test: () => boolean | Promise<boolean>, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!(await test())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    writeFileSync(path.join(dir, 'tiny.yaml'), tinyTemplate('1.0.0'));
    process.env.RANGE_TEMPLATES_DIR = dir;
    worker = await createWorkerContext();
    api = await createApiApp();
    apiToken = await operatorToken(api);
  });

  afterAll(async () => {
    await api?.close();
    await worker?.close();
    if (saved === undefined) delete process.env.RANGE_TEMPLATES_DIR;
    else process.env.RANGE_TEMPLATES_DIR = saved;
    await removeLabelledObjects(loadConfig());
  });

  it('adds and changes templates without a restart, in the API and the worker; a broken file is refused with every error and the last good catalogue stays', async () => {
    const online = readFileSync(path.join(root, 'range-templates', 'online-a.yaml'), 'utf8');
    writeFileSync(path.join(dir, 'online-a.yaml'), online);
    const added = await http().post('/api/v1/templates/reload').expect(200);
    expect(added.body).toMatchObject({ added: ['online-a'], changed: [], removed: [], unchanged: ['tiny'] });
    expect(added.body.templates.map((t: { id: string }) => t.id)).toEqual(['online-a', 'tiny']);
    await until('the worker to reload', () => workerCatalog().digest === added.body.digest);
    expect(workerCatalog().get('online-a').hash).toBe(createHash('sha256').update(online).digest('hex'));

    // Broken: every error of every file, nothing replaced anywhere.
    writeFileSync(path.join(dir, 'online-a.yaml'), online.replace('role: server', 'role: toaster').replace('after: exploit\n    points: 150', 'points: 150'));
    writeFileSync(path.join(dir, 'second.yaml'), tinyTemplate('1.0.0').replace('id: tiny', 'id: second').replace('image: base', 'image: "a..b"'));
    const refused = await http().post('/api/v1/templates/reload').expect(400);
    expect(refused.body.message).toBe('The template catalogue was not reloaded: the last good catalogue stays');
    expect(refused.body.errors).toEqual([
      { file: 'online-a.yaml', path: 'nodes[0].role', message: expect.stringMatching(/^role must be one of/) },
      { file: 'online-a.yaml', path: 'objectives[2].after', message: expect.stringMatching(/^a contain check answers damage an attack step does/) },
      { file: 'second.yaml', path: 'nodes[0].image', message: '"a..b" is not a valid image reference' },
    ]);
    expect(refused.body.templates.map((t: { id: string }) => t.id)).toEqual(['online-a', 'tiny']);
    const listed = await http().get('/api/v1/templates').expect(200);
    expect(listed.body.map((t: { id: string; hash: string }) => [t.id, t.hash])).toEqual(added.body.templates.map((t: { id: string; hash: string }) => [t.id, t.hash]));
    expect(workerCatalog().digest).toBe(added.body.digest);
  });

  it('keeps a running range on the blueprint it was rendered from (its hash) through a reload and a reset', async () => {
    writeFileSync(path.join(dir, 'online-a.yaml'), readFileSync(path.join(root, 'range-templates', 'online-a.yaml'), 'utf8'));
    writeFileSync(path.join(dir, 'second.yaml'), tinyTemplate('1.0.0').replace('id: tiny', 'id: second'));
    await http().post('/api/v1/templates/reload').expect(200);
    const before = (await http().get('/api/v1/templates/tiny').expect(200)).body;

    const { sessionId, teamIds } = await closedSessionWithTeams(http, 1);
    const created = await http().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId: 'tiny', teamIds }).expect(202);
    const rangeId = created.body.ranges[0].id as string;
    const status = async () => (await http().get(`/api/v1/ranges/${rangeId}`).expect(200)).body;
    await until('the range to be ready', async () => ['ready', 'failed'].includes((await status()).status), 90_000);
    expect(await status()).toMatchObject({ status: 'ready', templateHash: before.hash });
    const dataSource = worker.get(DataSource);
    const blueprintOf = async () => (await dataSource.query(`SELECT blueprint FROM ranges WHERE id = $1`, [rangeId]))[0].blueprint;
    const rendered = await blueprintOf();

    writeFileSync(path.join(dir, 'tiny.yaml'), tinyTemplate('2.0.0'));
    const reloaded = await http().post('/api/v1/templates/reload').expect(200);
    expect(reloaded.body.changed).toEqual(['tiny']);
    await until('the worker to reload', () => workerCatalog().digest === reloaded.body.digest);
    const after = (await http().get('/api/v1/templates/tiny').expect(200)).body;
    expect(after.hash).not.toBe(before.hash);

    await http().post(`/api/v1/ranges/${rangeId}/reset`).expect(202);
    await until('the reset to finish', async () => ['ready', 'failed'].includes((await status()).status) && (await status()).status !== 'resetting', 90_000);
    expect(await status()).toMatchObject({ status: 'ready', templateHash: before.hash });
    expect(await blueprintOf()).toEqual(rendered);
    const config = loadConfig();
    const runtime = worker.get<ContainerRuntime>(CONTAINER_RUNTIME);
    const box = await runtime.inspectContainer(containerName(config.INSTANCE_NAME, rangeId, 'box'));
    expect(box?.labels[labelKeys(config.DOCKER_LABEL_NAMESPACE).templateHash]).toBe(before.hash);
    const env = await runtime.exec(containerName(config.INSTANCE_NAME, rangeId, 'box'), ['sh', '-c', 'echo "$RELEASE $FLAG"']);
    expect(env.stdout.trim()).toBe(`1.0.0 ${rendered.variables.flag}`);

    // A new range renders the reloaded template.
    const other = await closedSessionWithTeams(http, 1);
    const next = await http().post(`/api/v1/sessions/${other.sessionId}/ranges`).send({ templateId: 'tiny', teamIds: other.teamIds }).expect(202);
    expect(next.body.ranges.map((r: { templateHash: string }) => r.templateHash)).toEqual([after.hash]);
    await http().post(`/api/v1/ranges/${rangeId}/teardown`).expect(202);
    await http().post(`/api/v1/ranges/${next.body.ranges[0].id}/teardown`).expect(202);
  });
});
