import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerEngine } from './docker-engine.js';
import { APP_LABEL_VALUE, labelKeys } from './labels.js';
import { tarArchive, type TarEntry } from './tar.js';

/** Folder of files shared by every image (not an image itself: it has no Dockerfile). */
const SHARED_DIR = '_shared';

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

/** The repository root, found from this file, so scripts work from any working directory. */
export function repositoryRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'docker'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (package.json beside docker/)');
    dir = parent;
  }
  return dir;
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
 * The built-in range images under docker/images/<name>/, built offline
 * (FROM scratch plus the host's busybox-static) and tagged by content hash,
 * so a changed Dockerfile or file always gives a new tag and an unchanged
 * one is never rebuilt.
 */
@Injectable()
export class RangeImageBuilder {
  private readonly logger = new Logger(RangeImageBuilder.name);
  readonly imagesDir: string;
  private readonly busyboxPath: string;
  private building = new Map<string, Promise<RangeImage>>();

  constructor(
    private readonly engine: DockerEngine,
    private readonly config: AppConfig,
  ) {
    this.imagesDir = config.RANGE_IMAGES_DIR || path.join(repositoryRoot(), 'docker', 'images');
    this.busyboxPath = config.BUSYBOX_PATH;
  }

  async names(): Promise<string[]> {
    const entries = await readdir(this.imagesDir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && existsSync(path.join(this.imagesDir, e.name, 'Dockerfile')))
      .map((e) => e.name)
      .sort();
  }

  private async context(name: string): Promise<TarEntry[]> {
    const dir = path.join(this.imagesDir, name);
    if (!existsSync(path.join(dir, 'Dockerfile'))) throw new Error(`unknown range image "${name}"`);
    const entries: TarEntry[] = [];
    for (const rel of await walk(dir)) {
      const full = path.join(dir, rel);
      entries.push({ path: rel, content: await readFile(full), mode: (await stat(full)).mode & 0o777 });
    }
    // Files every image carries live once, in docker/images/_shared/rootfs; Dockerfiles COPY shared/ /.
    const shared = path.join(this.imagesDir, SHARED_DIR, 'rootfs');
    if (existsSync(shared)) {
      for (const rel of await walk(shared)) {
        const full = path.join(shared, rel);
        entries.push({ path: `shared/${rel}`, content: await readFile(full), mode: (await stat(full)).mode & 0o777 });
      }
    }
    if (!existsSync(this.busyboxPath)) {
      throw new Error(`BUSYBOX_PATH=${this.busyboxPath} does not exist: install Debian's busybox-static`);
    }
    entries.push({ path: 'busybox', content: await readFile(this.busyboxPath), mode: 0o755 });
    return entries;
  }

  /** Name, hash and tag of one image, from its build context. */
  async describe(name: string): Promise<RangeImage> {
    const hash = createHash('sha256');
    for (const entry of await this.context(name)) {
      hash.update(entry.path).update('\0').update(String(entry.mode)).update('\0').update(entry.content);
    }
    const digest = hash.digest('hex').slice(0, 12);
    return { name, hash: digest, reference: `cyder-range/${name}:${digest}` };
  }

  /** Builds the image unless a tag with its content hash is already there. */
  async ensure(name: string): Promise<{ image: RangeImage; built: boolean }> {
    const image = await this.describe(name);
    if (await this.engine.imageExists(image.reference)) return { image, built: false };
    // One build per image at a time within this process; the engine dedupes layers across processes.
    let pending = this.building.get(image.reference);
    if (!pending) {
      pending = this.build(image).finally(() => this.building.delete(image.reference));
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

  private async build(image: RangeImage): Promise<RangeImage> {
    const started = Date.now();
    const labels = labelKeys(this.config.DOCKER_LABEL_NAMESPACE);
    const tar = tarArchive(await this.context(image.name));
    const stream = await this.engine.docker.buildImage(tar as unknown as NodeJS.ReadableStream, {
      t: image.reference,
      labels: { [labels.app]: APP_LABEL_VALUE, [labels.image]: image.name, [`${labels.image}-hash`]: image.hash },
      rm: true,
      forcerm: true,
      nocache: false,
    });
    await new Promise<void>((resolve, reject) => {
      this.engine.docker.modem.followProgress(
        stream,
        (err: Error | null, output: Array<{ error?: string }>) => {
          const failed = err?.message ?? output.find((o) => o.error)?.error;
          if (failed) reject(new Error(`building ${image.reference} failed: ${failed}`));
          else resolve();
        },
      );
    });
    this.logger.log(`built ${image.reference} in ${Date.now() - started} ms`);
    return image;
  }
}
