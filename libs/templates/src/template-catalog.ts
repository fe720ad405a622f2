import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TemplateNotFoundError, type RangeBlueprint, type RangeTemplateSource, type TemplateSummary } from './blueprint.js';
import { checkTemplateSource, templateHash, type CheckedTemplate } from './load-template.js';
import { formatIssue, type RangeTemplate } from './model.js';
import { renderTemplate } from './template-renderer.js';

export interface CatalogEntry {
  template: RangeTemplate;
  /** sha256 of the YAML file. */
  hash: string;
  source: string;
  file: string;
}

export class TemplateCatalogError extends Error {
  constructor(lines: string[]) {
    super(`range templates are invalid:\n${lines.join('\n')}`);
    this.name = 'TemplateCatalogError';
  }
}

/**
 * The range templates of range-templates/*.yaml, loaded and validated at
 * boot (a broken template stops the boot with every error listed), and the
 * RangeTemplateSource the provisioner renders ranges from.
 */
@Injectable()
export class TemplateCatalog implements RangeTemplateSource, OnModuleInit {
  private readonly logger = new Logger(TemplateCatalog.name);
  readonly templatesDir: string;
  readonly imagesDir: string;
  private entries = new Map<string, CatalogEntry>();
  private builtinImages: string[] = [];

  constructor(config: AppConfig) {
    this.templatesDir = config.RANGE_TEMPLATES_DIR;
    this.imagesDir = config.RANGE_IMAGES_DIR;
  }

  onModuleInit(): void {
    this.reload();
  }

  /** Reads every template again; the catalogue is replaced only when all of them are valid. */
  reload(): void {
    this.builtinImages = existsSync(this.imagesDir)
      ? readdirSync(this.imagesDir, { withFileTypes: true })
          .filter((e) => e.isDirectory() && existsSync(path.join(this.imagesDir, e.name, 'Dockerfile')))
          .map((e) => e.name)
          .sort()
      : [];
    if (!existsSync(this.templatesDir)) throw new TemplateCatalogError([`RANGE_TEMPLATES_DIR=${this.templatesDir} does not exist`]);
    const files = readdirSync(this.templatesDir).filter((f) => /\.ya?ml$/.test(f)).sort();
    const entries = new Map<string, CatalogEntry>();
    const problems: string[] = [];
    for (const file of files) {
      const source = readFileSync(path.join(this.templatesDir, file), 'utf8');
      const { template, issues } = this.check(source);
      if (!template) {
        problems.push(...issues.map((i) => `${file}: ${formatIssue(i)}`));
        continue;
      }
      if (`${template.id}` !== file.replace(/\.ya?ml$/, '')) problems.push(`${file}: id "${template.id}" must match the file name`);
      else if (entries.has(template.id)) problems.push(`${file}: duplicate template id "${template.id}"`);
      else entries.set(template.id, { template, hash: templateHash(source), source, file });
    }
    if (problems.length) throw new TemplateCatalogError(problems);
    this.entries = entries;
    this.logger.log(`${entries.size} range template(s) from ${this.templatesDir}`);
  }

  /** Validates a template without saving it (parse, shape, references). */
  check(source: string): CheckedTemplate {
    return checkTemplateSource(source, { builtinImages: this.builtinImages });
  }

  list(): CatalogEntry[] {
    return [...this.entries.values()].sort((a, b) => a.template.id.localeCompare(b.template.id));
  }

  /** Throws TemplateNotFoundError for an unknown id. */
  get(templateId: string): CatalogEntry {
    const entry = this.entries.get(templateId);
    if (!entry) throw new TemplateNotFoundError(templateId);
    return entry;
  }

  async describe(templateId: string): Promise<TemplateSummary> {
    const { template, hash } = this.get(templateId);
    return { id: template.id, version: template.version, hash, networks: template.networks.map((n) => n.name) };
  }

  async render(templateId: string, subnets: Record<string, string>, seed?: string): Promise<RangeBlueprint> {
    const { template, hash } = this.get(templateId);
    return renderTemplate({ template, hash, subnets, seed });
  }
}
