import { loadConfig } from '@app/config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TemplateNotFoundError } from './blueprint.js';
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
