import { loadConfig } from '@app/config';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TemplateNotFoundError } from './errors.js';
import { PHASES } from './model.js';
import { TemplateCatalog, TemplateCatalogError } from './template-catalog.js';
import { toYaml, validTemplate } from './template-fixture.spec-helper.js';

describe('TemplateCatalog on the shipped range-templates/', () => {
  const catalog = new TemplateCatalog(loadConfig({}));
  catalog.reload();
  const ids = catalog.list().map((e) => e.template.id);

  it('loads every shipped template, each valid', () => {
    expect(ids).toEqual(expect.arrayContaining(['course-a', 'course-b', 'course-c', 'online-a']));
  });

  it.each(['course-a', 'course-b', 'course-c', 'online-a'])('%s has attack steps, objectives in every phase, texts in Japanese and English', (id) => {
    const { template } = catalog.get(id);
    expect(template.attack.steps.length).toBeGreaterThanOrEqual(4);
    for (const phase of PHASES) expect(template.objectives.some((o) => o.phase === phase)).toBe(true);
    for (const text of [template.title, template.description, ...template.attack.steps.map((s) => s.title), ...template.objectives.map((o) => o.title)]) {
      expect(text.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(text.en).toMatch(/[A-Za-z]/);
    }
    // Answers come from the range's own variables, so every team has its own.
    const answers = template.objectives.filter((o) => o.kind === 'answer');
    expect(answers.filter((o) => o.answer!.variable || o.answer!.expected!.includes('${')).length).toBeGreaterThanOrEqual(answers.length - 1);
  });

  it.each(['course-a', 'course-b', 'course-c', 'online-a'])('%s renders into small subnets with nothing left unsubstituted', async (id) => {
    const summary = await catalog.describe(id);
    const subnets = Object.fromEntries(summary.networks.map((n, i) => [n, `10.200.${i}.0/28`]));
    const blueprint = await catalog.render(id, subnets, 'seed');
    expect(blueprint.templateHash).toBe(summary.hash);
    expect(summary.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(blueprint)).not.toContain('${');
    expect(await catalog.render(id, subnets, 'seed')).toEqual(blueprint);
  });

  it.each(['course-a', 'course-b', 'course-c', 'online-a'])('%s: trainees see and reach only the organisation; damage checks follow their step', (id) => {
    const { template } = catalog.get(id);
    for (const node of template.nodes) {
      const adversary = node.role === 'attacker' || node.role === 'c2';
      // The adversary stays hidden and shell-less; a shell only on a node trainees see.
      expect({ node: node.name, adversaryHidden: !adversary || !node.visible, shellOnVisible: !node.shell || (!adversary && node.visible) }).toEqual({
        node: node.name,
        adversaryHidden: true,
        shellOnVisible: true,
      });
      // No root shell where NET_ADMIN could rewire the range; NET_RAW only on servers (ping CGI) and routers.
      if (node.capabilities.includes('NET_ADMIN')) expect({ node: node.name, shell: node.shell }).toEqual({ node: node.name, shell: false });
      if (node.capabilities.includes('NET_RAW')) expect({ node: node.name, role: ['server', 'router'].includes(node.role) }).toEqual({ node: node.name, role: true });
      // Root only where the defence needs it (the implant, crontab, CGI and config files are root's).
      if (node.shellUser === 'root') expect({ node: node.name, role: node.role }).toEqual({ node: node.name, role: expect.stringMatching(/^(server|workstation)$/) });
    }
    for (const objective of template.objectives.filter((o) => o.kind === 'check' && ['contain', 'eradicate', 'recover'].includes(o.phase))) {
      expect({ objective: objective.id, after: typeof objective.after }).toEqual({ objective: objective.id, after: 'string' });
    }
  });

  it('throws TemplateNotFoundError for an unknown id', async () => {
    await expect(catalog.describe('course-z')).rejects.toBeInstanceOf(TemplateNotFoundError);
    expect(() => catalog.get('nope')).toThrow(TemplateNotFoundError);
  });

  it('refuses to load a folder with a broken template, naming the file and every error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tpl-catalog-'));
    const broken = validTemplate();
    broken.id = 'broken';
    broken.nodes[0].networks[0].network = 'nowhere';
    broken.nodes[1].capabilities = ['SYS_ADMIN'];
    writeFileSync(path.join(dir, 'broken.yaml'), toYaml(broken));
    const mismatch = validTemplate();
    writeFileSync(path.join(dir, 'other-name.yaml'), toYaml(mismatch));
    const bad = new TemplateCatalog(loadConfig({ RANGE_TEMPLATES_DIR: dir, RANGE_SUBNET_PREFIX: '24' }));
    expect(() => bad.reload()).toThrow(TemplateCatalogError);
    try {
      bad.reload();
    } catch (err) {
      expect((err as Error).message).toContain('broken.yaml: nodes[0].networks[0]: unknown network "nowhere"');
      expect((err as Error).message).toContain('broken.yaml: nodes[1].capabilities[0]: capability "SYS_ADMIN" is not allowed');
      expect((err as Error).message).toContain('other-name.yaml: id "mini" must match the file name');
    }
  });
});

describe('TemplateCatalog loading and reloading a folder', () => {
  const shipped = path.resolve(import.meta.dirname, '../../../range-templates');
  const folder = () => mkdtempSync(path.join(tmpdir(), 'tpl-folder-'));
  const catalogOf = (dir: string) => new TemplateCatalog(loadConfig({ RANGE_TEMPLATES_DIR: dir, RANGE_SUBNET_PREFIX: '24' }));
  const problems = (catalog: TemplateCatalog): string[] => {
    try {
      catalog.reload();
      return [];
    } catch (err) {
      expect(err).toBeInstanceOf(TemplateCatalogError);
      return (err as TemplateCatalogError).problems.map((p) => `${p.file}: ${p.path ? `${p.path}: ` : ''}${p.message}`);
    }
  };

  it('reads only regular files: a FIFO, a directory, an oversized file and a link out of the folder are refused, each named', () => {
    const dir = folder();
    const outside = folder();
    writeFileSync(path.join(outside, 'secret.yaml'), 'id: secret\n');
    execFileSync('mkfifo', [path.join(dir, 'fifo.yaml')]);
    mkdirSync(path.join(dir, 'dir.yaml'));
    writeFileSync(path.join(dir, 'big.yaml'), `# ${'x'.repeat(300 * 1024)}\n`);
    symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'escape.yaml'));
    writeFileSync(path.join(dir, 'mini.yaml'), toYaml(validTemplate()));
    const started = Date.now();
    expect(problems(catalogOf(dir))).toEqual([
      'big.yaml: is 307203 bytes; a template is at most 262144',
      'dir.yaml: is a directory, not a template file',
      `escape.yaml: is a symbolic link to ${path.join(outside, 'secret.yaml')}, outside the templates folder`,
      'fifo.yaml: is a named pipe, not a template file',
    ]);
    // The FIFO has no writer: a blocking open would never return.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('follows a symbolic link that stays inside the folder', () => {
    const dir = folder();
    mkdirSync(path.join(dir, 'drafts'));
    writeFileSync(path.join(dir, 'drafts', 'mini-v2.yaml'), toYaml(validTemplate()));
    symlinkSync(path.join('drafts', 'mini-v2.yaml'), path.join(dir, 'mini.yaml'));
    const catalog = catalogOf(dir);
    expect(problems(catalog)).toEqual([]);
    expect(catalog.list().map((e) => e.template.id)).toEqual(['mini']);
  });

  it('reloads: says what was added, changed and removed; a broken file is refused with every error and the last good catalogue stays', () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'mini.yaml'), toYaml(validTemplate()));
    writeFileSync(path.join(dir, 'online-a.yaml'), readFileSync(path.join(shipped, 'online-a.yaml')));
    const catalog = catalogOf(dir);
    const first = catalog.reload();
    expect(first).toMatchObject({ added: ['mini', 'online-a'], changed: [], removed: [], unchanged: [] });
    expect(catalog.digest).toBe(first.digest);
    const good = catalog.get('mini');

    const broken = validTemplate();
    broken.nodes[0].networks[0].network = 'nowhere';
    broken.objectives[1].after = undefined;
    writeFileSync(path.join(dir, 'mini.yaml'), toYaml(broken));
    expect(problems(catalog)).toEqual([
      'mini.yaml: nodes[0].networks[0]: unknown network "nowhere"',
      'mini.yaml: objectives[1].after: a contain check answers damage an attack step does: name that step in after, so the check counts only once it has run (an idle team would meet it otherwise)',
    ]);
    expect(catalog.get('mini')).toBe(good);
    expect(catalog.digest).toBe(first.digest);

    const changed = validTemplate();
    changed.version = '1.0.1';
    writeFileSync(path.join(dir, 'mini.yaml'), toYaml(changed));
    unlinkSync(path.join(dir, 'online-a.yaml'));
    writeFileSync(path.join(dir, 'course-a.yaml'), readFileSync(path.join(shipped, 'course-a.yaml')));
    const second = catalog.reload();
    expect(second).toMatchObject({ added: ['course-a'], changed: ['mini'], removed: ['online-a'], unchanged: [] });
    expect(second.digest).not.toBe(first.digest);
    expect(catalog.get('mini').template.version).toBe('1.0.1');
    expect(() => catalog.get('online-a')).toThrow(TemplateNotFoundError);
  });
});
