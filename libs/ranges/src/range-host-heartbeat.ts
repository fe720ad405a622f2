import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { type ContainerRuntime, InjectRuntime } from '@app/docker';
import { RangeHosts } from './range-hosts.js';
import { RangeReconciler } from './range-reconciler.js';

/**
 * Worker side of the hosts registry: registers the host this worker serves at boot, then every
 * RANGE_HOST_HEARTBEAT_MS says it is alive (only while its engine answers: a worker whose engine is
 * gone lets its host go down) and marks late hosts down. A host that comes back is reconciled at once.
 * Registered by the worker only, like RangeJobs.
 */
@Injectable()
export class RangeHostHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RangeHost');
  private timer?: NodeJS.Timeout;
  private beating = false;
  private lastProblem = '';

  constructor(
    private readonly hosts: RangeHosts,
    @InjectRuntime() private readonly engine: ContainerRuntime,
    private readonly reconciler: RangeReconciler,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.register();
    this.timer = setInterval(() => void this.beat(), this.config.RANGE_HOST_HEARTBEAT_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    // A worker that stops does not mark its host down: another worker of the host (or its restart) keeps it up.
    clearInterval(this.timer);
  }

  private async register(): Promise<void> {
    const info = await this.engine.info();
    const name = this.hosts.ownName;
    const { adopted } = await this.hosts.register({
      name,
      capacityContainers: this.config.HOST_CAPACITY_CONTAINERS,
      capacityMemoryMb: this.config.HOST_CAPACITY_MEMORY_MB,
      engineVersion: info.version,
      heartbeatMs: this.config.RANGE_HOST_HEARTBEAT_MS,
      missedHeartbeats: this.config.RANGE_HOST_MISSED_HEARTBEATS,
    });
    this.logger.log(`range host ${name} registered (engine ${info.version}, heartbeat every ${this.config.RANGE_HOST_HEARTBEAT_MS} ms)${adopted ? `; adopted ${adopted} range(s) of no host` : ''}`);
  }

  private async beat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      await this.engine.ping();
      const was = await this.hosts.heartbeat(this.hosts.ownName);
      if (was === 'unknown') await this.register();
      if (was === 'down') {
        this.logger.warn(`range host ${this.hosts.ownName} is back: reconciling its ranges`);
        await this.reconciler.reconcile();
      }
      this.lastProblem = '';
    } catch (err) {
      const problem = (err as Error).message;
      if (problem !== this.lastProblem) this.logger.warn(`range host ${this.hosts.ownName}: no heartbeat: ${problem}`);
      this.lastProblem = problem;
    } finally {
      await this.hosts.sweep().catch(() => undefined);
      this.beating = false;
    }
  }
}
