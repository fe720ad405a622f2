import { Injectable, Logger, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { RedisClient, redisOptionsFromUrl } from '@app/queue';
import { Redis } from 'ioredis';
import type { RangeBlueprint, RangeTemplateSource, TemplateSummary } from './blueprint.js';
import { TemplateReloadRefusedError } from './errors.js';
import { TemplateCatalog, TemplateCatalogError, type CatalogReload } from './template-catalog.js';
import { templateOverview } from './template-overview.js';

/**
 * The template catalogue every process shares. An operator reloads it in one
 * API process; the reload is announced over Redis (pub/sub, plus the
 * announced catalogue digest in a key) and every other process, the workers
 * that render blueprints included, reloads the same folder.
 *
 * Why pub/sub and a key rather than a job: a BullMQ job reaches one worker,
 * not all of them; a message reaches all, at once; and the key lets a process
 * that missed the message (reconnecting, or started later) catch up before it
 * renders, at the cost of one GET. A process whose own reload fails keeps its
 * last good catalogue and logs every error, as the API did.
 */
@Injectable()
export class SharedTemplateCatalog implements RangeTemplateSource, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SharedTemplateCatalog.name);
  private subscriber: Redis | null = null;
  /** The last announced digest this process tried to reach, so a folder that differs here is read once per announcement. */
  private attempted: string | null = null;

  constructor(
    readonly catalog: TemplateCatalog,
    private readonly config: AppConfig,
    @Optional() private readonly redis?: RedisClient,
  ) {}

  private channel(): string {
    return this.redis!.key('templates', 'reload');
  }

  private digestKey(): string {
    return this.redis!.key('templates', 'digest');
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis) return;
    this.subscriber = new Redis({ ...redisOptionsFromUrl(this.config.REDIS_URL), lazyConnect: true });
    this.subscriber.on('error', (err: Error) => this.logger.warn(`template reload subscriber: ${err.message}`));
    this.subscriber.on('message', (_channel: string, digest: string) => this.follow(digest));
    try {
      await this.subscriber.connect();
      await this.subscriber.subscribe(this.channel());
    } catch (err) {
      this.logger.warn(`template reloads of other processes will be picked up before rendering only: ${(err as Error).message}`);
    }
  }

  /**
   * Reloads the folder here and, when every file is valid, announces it to
   * every process. Throws TemplateReloadRefusedError with every problem
   * otherwise (the last good catalogue stays, here and everywhere).
   */
  async reload(): Promise<CatalogReload> {
    let result: CatalogReload;
    try {
      result = this.catalog.reload();
    } catch (err) {
      if (!(err instanceof TemplateCatalogError)) throw err;
      throw new TemplateReloadRefusedError(
        err.problems,
        this.catalog.list().map((e) => templateOverview(e.template, e.hash)),
      );
    }
    this.attempted = result.digest;
    if (this.redis) {
      try {
        await this.redis.redis.set(this.digestKey(), result.digest);
        await this.redis.redis.publish(this.channel(), result.digest);
      } catch (err) {
        this.logger.warn(`template reload not announced to other processes: ${(err as Error).message}`);
      }
    }
    return result;
  }

  /** Reloads when another process announced a catalogue this one does not have. */
  private follow(digest: string): boolean {
    if (!digest || digest === this.catalog.digest || digest === this.attempted) return false;
    this.attempted = digest;
    try {
      const result = this.catalog.reload();
      if (result.digest !== digest) {
        this.logger.warn(`templates reloaded here as ${result.digest.slice(0, 12)}, announced as ${digest.slice(0, 12)}: the folder differs between processes`);
      }
      return true;
    } catch (err) {
      if (!(err instanceof TemplateCatalogError)) throw err;
      this.logger.error(`announced template reload refused here; the last good catalogue stays:\n${err.message}`);
      return false;
    }
  }

  /** Catches up with the last announced catalogue (a message this process missed). */
  private async current(): Promise<TemplateCatalog> {
    if (this.redis) {
      try {
        const announced = await this.redis.redis.get(this.digestKey());
        if (announced) this.follow(announced);
      } catch {
        // Redis down: render from what this process has.
      }
    }
    return this.catalog;
  }

  async describe(templateId: string): Promise<TemplateSummary> {
    return (await this.current()).describe(templateId);
  }

  async render(templateId: string, subnets: Record<string, string>, seed?: string): Promise<RangeBlueprint> {
    return (await this.current()).render(templateId, subnets, seed);
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriber?.disconnect();
  }
}
