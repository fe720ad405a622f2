import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { createHash } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { RangeBlueprint, RangeTemplateSource, TemplateSummary } from './blueprint.js';
import { TemplateNotFoundError, type CatalogProblem } from './errors.js';
import { checkTemplateSource, templateHash, type CheckedTemplate } from './load-template.js';
import { formatIssue, omittedLine, type RangeTemplate } from './model.js';
import { checkOneOffStep, type OneOffStepCheck } from './one-off-step.js';
import { renderTemplate } from './template-renderer.js';
import { MAX_TEMPLATE_BYTES } from './template-parser.js';

export interface CatalogEntry {
  template: RangeTemplate;
  /** sha256 of the YAML file. */
  hash: string;
  source: string;
  file: string;
}

export class TemplateCatalogError extends Error {
  constructor(readonly problems: CatalogProblem[]) {
    super(`range templates are invalid:\n${problems.map((p) => `${p.file}: ${formatIssue(p)}`).join('\n')}`);
    this.name = 'TemplateCatalogError';
  }
}

/** What a reload changed, by template id. */
export interface CatalogReload {
  /** sha256 over every template's id and hash: equal digests, equal catalogues. */
  digest: string;
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
}

function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Reads one template file, or says why not. Only regular files are read (a
 * FIFO named x.yaml hung the boot: it is opened non-blocking and refused),
 * a symbolic link only when it stays inside the folder, and nothing larger
 * than a template may be.
 */
function readTemplateFile(dir: string, realDir: string, name: string): { source: string } | { problem: string } {
  let target = path.join(dir, name);
  try {
    if (lstatSync(target).isSymbolicLink()) {
      const real = realpathSync(target);
      const inside = path.relative(realDir, real);
      if (inside.startsWith('..') || path.isAbsolute(inside)) return { problem: `is a symbolic link to ${real}, outside the templates folder` };
      target = real;
    }
    const fd = openSync(target, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile()) return { problem: `is ${fileKind(stats)}, not a template file` };
      if (stats.size > MAX_TEMPLATE_BYTES) return { problem: `is ${stats.size} bytes; a template is at most ${MAX_TEMPLATE_BYTES}` };
      // One byte more than allowed, to notice a file that grew since fstat.
      const buffer = Buffer.alloc(MAX_TEMPLATE_BYTES + 1);
      let length = 0;
      for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n;
      if (length > MAX_TEMPLATE_BYTES) return { problem: `is larger than ${MAX_TEMPLATE_BYTES} bytes` };
      return { source: buffer.subarray(0, length).toString('utf8') };
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    return { problem: `cannot be read: ${(err as Error).message}` };
  }
}

/**
 * The range templates of range-templates/*.yaml, loaded and validated at
 * boot (a broken template stops the boot with every error listed) and again
 * on reload (a broken file is refused and the last good catalogue kept), and
 * the RangeTemplateSource the provisioner renders ranges from.
 */
@Injectable()
export class TemplateCatalog implements RangeTemplateSource, OnModuleInit {
  private readonly logger = new Logger(TemplateCatalog.name);
  readonly templatesDir: string;
  readonly imagesDir: string;
  private readonly subnetPrefix: number;
  private entries = new Map<string, CatalogEntry>();
  private builtinImages: string[] = [];
  private currentDigest = digestOf(new Map());

  constructor(config: AppConfig) {
    this.templatesDir = config.RANGE_TEMPLATES_DIR;
    this.imagesDir = config.RANGE_IMAGES_DIR;
    this.subnetPrefix = config.RANGE_SUBNET_PREFIX;
  }

  onModuleInit(): void {
    this.reload();
  }

  /** sha256 over every template's id and hash. */
  get digest(): string {
    return this.currentDigest;
  }

  /**
   * Reads every template again. The catalogue is replaced only when all of
   * them are valid; otherwise TemplateCatalogError lists every problem of
   * every file and the last good catalogue stays.
   */
  reload(): CatalogReload {
    this.builtinImages = existsSync(this.imagesDir)
      ? readdirSync(this.imagesDir, { withFileTypes: true })
          .filter((e) => e.isDirectory() && existsSync(path.join(this.imagesDir, e.name, 'Dockerfile')))
          .map((e) => e.name)
          .sort()
      : [];
    if (!existsSync(this.templatesDir)) {
      throw new TemplateCatalogError([{ file: this.templatesDir, path: '', message: `RANGE_TEMPLATES_DIR=${this.templatesDir} does not exist` }]);
    }
    const realDir = realpathSync(this.templatesDir);
    const files = readdirSync(this.templatesDir).filter((f) => /\.ya?ml$/.test(f)).sort();
    const entries = new Map<string, CatalogEntry>();
    const problems: CatalogProblem[] = [];
    for (const file of files) {
      const read = readTemplateFile(this.templatesDir, realDir, file);
      if ('problem' in read) {
        problems.push({ file, path: '', message: read.problem });
        continue;
      }
      const { template, issues, omittedIssues } = this.check(read.source);
      if (!template) {
        problems.push(...issues.map((i) => ({ file, ...i })), ...omittedLine(omittedIssues).map((message) => ({ file, path: '', message })));
        continue;
      }
      if (`${template.id}` !== file.replace(/\.ya?ml$/, '')) problems.push({ file, path: '', message: `id "${template.id}" must match the file name` });
      else if (entries.has(template.id)) problems.push({ file, path: '', message: `duplicate template id "${template.id}"` });
      else entries.set(template.id, { template, hash: templateHash(read.source), source: read.source, file });
    }
    if (problems.length) throw new TemplateCatalogError(problems);
    const before = this.entries;
    this.entries = entries;
    this.currentDigest = digestOf(entries);
    this.logger.log(`${entries.size} range template(s) from ${this.templatesDir} (catalogue ${this.currentDigest.slice(0, 12)})`);
    const ids = [...entries.keys()].sort();
    return {
      digest: this.currentDigest,
      added: ids.filter((id) => !before.has(id)),
      changed: ids.filter((id) => before.has(id) && before.get(id)!.hash !== entries.get(id)!.hash),
      removed: [...before.keys()].filter((id) => !entries.has(id)).sort(),
      unchanged: ids.filter((id) => before.get(id)?.hash === entries.get(id)!.hash),
    };
  }

  /** Validates a template without saving it (parse, shape, references), as the catalogue would. */
  check(source: string): CheckedTemplate {
    return checkTemplateSource(source, { builtinImages: this.builtinImages, subnetPrefix: this.subnetPrefix });
  }

  /** Checks a one-off attack step against a template of the catalogue, as that template's own steps are checked. */
  checkStep(templateId: string, step: unknown): OneOffStepCheck {
    return checkOneOffStep(this.get(templateId).source, step, { builtinImages: this.builtinImages, subnetPrefix: this.subnetPrefix });
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
    return {
      id: template.id,
      version: template.version,
      hash,
      networks: template.networks.map((n) => n.name),
      footprint: { containers: template.nodes.length, memoryMb: template.nodes.reduce((sum, n) => sum + n.resources.memoryMb, 0) },
    };
  }

  async render(templateId: string, subnets: Record<string, string>, seed?: string): Promise<RangeBlueprint> {
    const { template, hash } = this.get(templateId);
    return renderTemplate({ template, hash, subnets, seed });
  }
}

function digestOf(entries: Map<string, CatalogEntry>): string {
  const lines = [...entries.values()].map((e) => `${e.template.id} ${e.hash}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
