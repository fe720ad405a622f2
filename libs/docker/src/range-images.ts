import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { type ContainerFile, type ContainerRuntime, InjectRuntime } from './container-runtime.js';
import { APP_LABEL_VALUE, labelKeys } from './labels.js';

/** Folder of files shared by every image (not an image itself: it has no Dockerfile). */
const SHARED_DIR = '_shared';
/**
 * The image every other one is built FROM (its Dockerfile: `ARG BASE` then `FROM ${BASE}`): busybox,
 * the directories of a read-only root and the shared files are in it once.
 */
const BASE_IMAGE = 'base';

export interface RangeImage {
  /** Built-in name used by templates, e.g. "web". */
  name: string;
  /** Content-hash tag, e.g. "cyder-range/web:3f2a9c1b0d4e". */
  reference: string;
  hash: string;
}

export interface EnsureImagesResult {
  built: RangeImage[];
  present: RangeImage[];
}

async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await walk(path.join(dir, entry.name), rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/**
 * The built-in range images under docker/images/<name>/, built offline and
 * tagged by content hash, so a changed Dockerfile or file always gives a new
 * tag and an unchanged one is never rebuilt. `base` is FROM scratch plus the
 * host's busybox-static and docker/images/_shared; every other image is built
 * FROM the base's tag (build argument BASE), and its hash covers the base's.
 */
@Injectable()
export class RangeImageBuilder {
  private readonly logger = new Logger(RangeImageBuilder.name);
  readonly imagesDir: string;
  private readonly busyboxPath: string;
  private building = new Map<string, Promise<RangeImage>>();

  constructor(
    @InjectRuntime() private readonly runtime: ContainerRuntime,
    private readonly config: AppConfig,
  ) {
    this.imagesDir = config.RANGE_IMAGES_DIR;
    this.busyboxPath = config.BUSYBOX_PATH;
  }

  async names(): Promise<string[]> {
    const entries = await readdir(this.imagesDir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && existsSync(path.join(this.imagesDir, e.name, 'Dockerfile')))
      .map((e) => e.name)
      .sort();
  }

  private async files(dir: string, prefix = ''): Promise<ContainerFile[]> {
    const entries: ContainerFile[] = [];
    for (const rel of await walk(dir)) {
      const full = path.join(dir, rel);
      entries.push({ path: `${prefix}${rel}`, content: await readFile(full), mode: (await stat(full)).mode & 0o777 });
    }
    return entries;
  }

  private async context(name: string): Promise<ContainerFile[]> {
    const dir = path.join(this.imagesDir, name);
    if (!existsSync(path.join(dir, 'Dockerfile'))) throw new Error(`unknown range image "${name}"`);
    const entries = await this.files(dir);
    if (name !== BASE_IMAGE) return entries;
    // Files every image carries live once, in docker/images/_shared/rootfs; the base's Dockerfile COPYs shared/ /.
    const shared = path.join(this.imagesDir, SHARED_DIR, 'rootfs');
    if (existsSync(shared)) entries.push(...(await this.files(shared, 'shared/')));
    if (!existsSync(this.busyboxPath)) {
      throw new Error(`BUSYBOX_PATH=${this.busyboxPath} does not exist: install Debian's busybox-static`);
    }
    entries.push({ path: 'busybox', content: await readFile(this.busyboxPath), mode: 0o755 });
    return entries;
  }

  /** Name, hash and tag of one image, from its build context (and the base's hash for the others). */
  async describe(name: string): Promise<RangeImage> {
    const hash = createHash('sha256');
    if (name !== BASE_IMAGE) hash.update(`FROM ${(await this.describe(BASE_IMAGE)).reference}\0`);
    for (const entry of await this.context(name)) {
      hash.update(entry.path).update('\0').update(String(entry.mode)).update('\0').update(entry.content);
    }
    const digest = hash.digest('hex').slice(0, 12);
    return { name, hash: digest, reference: `cyder-range/${name}:${digest}` };
  }

  /** Builds the image (the base first) unless a tag with its content hash is already there. */
  async ensure(name: string): Promise<{ image: RangeImage; built: boolean }> {
    const base = name === BASE_IMAGE ? undefined : (await this.ensure(BASE_IMAGE)).image;
    const image = await this.describe(name);
    if (await this.runtime.imageExists(image.reference)) return { image, built: false };
    // One build per image at a time within this process; the engine dedupes layers across processes.
    let pending = this.building.get(image.reference);
    if (!pending) {
      pending = this.build(image, base).finally(() => this.building.delete(image.reference));
      this.building.set(image.reference, pending);
    }
    return { image: await pending, built: true };
  }

  async ensureAll(names?: string[]): Promise<EnsureImagesResult> {
    const result: EnsureImagesResult = { built: [], present: [] };
    for (const name of names ?? (await this.names())) {
      const { image, built } = await this.ensure(name);
      (built ? result.built : result.present).push(image);
    }
    return result;
  }

  private async build(image: RangeImage, base: RangeImage | undefined): Promise<RangeImage> {
    const started = Date.now();
    const labels = labelKeys(this.config.DOCKER_LABEL_NAMESPACE);
    await this.runtime.buildImage({
      context: await this.context(image.name),
      tag: image.reference,
      labels: { [labels.app]: APP_LABEL_VALUE, [labels.image]: image.name, [`${labels.image}-hash`]: image.hash },
      ...(base ? { buildArgs: { BASE: base.reference } } : {}),
    });
    this.logger.log(`built ${image.reference} in ${Date.now() - started} ms`);
    return image;
  }
}
