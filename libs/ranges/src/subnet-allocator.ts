import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { RangeSubnetEntity } from '@app/database';
import { type ContainerRuntime, InjectRuntime } from '@app/docker';
import { DataSource, type EntityManager } from 'typeorm';
import { SubnetPool } from './subnet-pool.js';

// Serialises allocations across every process; the constraints are the guarantee, the lock avoids retries.
const ALLOCATION_LOCK_KEY = 7_041_2204;

/**
 * Explicit subnet allocation from RANGE_SUBNET_POOL, recorded in PostgreSQL:
 * a unique constraint and an exclusion constraint (cidr &&) make two
 * allocations that overlap impossible, whoever asks.
 */
@Injectable()
export class SubnetAllocator {
  readonly pool: SubnetPool;

  constructor(
    private readonly dataSource: DataSource,
    @InjectRuntime() private readonly runtime: ContainerRuntime,
    config: AppConfig,
  ) {
    this.pool = new SubnetPool(config.RANGE_SUBNET_POOL, config.RANGE_SUBNET_PREFIX);
  }

  /** The range's subnet per network, allocating the missing ones; calling it again returns the same. */
  async allocate(rangeId: string, networks: string[]): Promise<Record<string, string>> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [ALLOCATION_LOCK_KEY]);
      const mine = await manager.find(RangeSubnetEntity, { where: { rangeId } });
      const result: Record<string, string> = Object.fromEntries(mine.map((s) => [s.network, s.cidr]));
      const missing = networks.filter((n) => !(n in result));
      if (missing.length === 0) return result;
      const used = (await manager.query('SELECT cidr::text AS cidr FROM range_subnets')) as Array<{ cidr: string }>;
      // Whatever else the engine has (another instance's ranges, a stray network) is avoided too:
      // Docker refuses a subnet that overlaps any of its networks.
      const onEngine = await this.runtime.engineSubnets();
      const picked = this.pool.pickFree([...used.map((u) => u.cidr), ...onEngine], missing.length);
      await manager.insert(
        RangeSubnetEntity,
        missing.map((network, i) => ({ rangeId, network, cidr: picked[i]! })),
      );
      missing.forEach((network, i) => (result[network] = picked[i]!));
      return result;
    });
  }

  async ofRange(rangeId: string, manager: EntityManager = this.dataSource.manager): Promise<Record<string, string>> {
    const rows = await manager.find(RangeSubnetEntity, { where: { rangeId } });
    return Object.fromEntries(rows.map((s) => [s.network, s.cidr]));
  }

  /** Frees the subnet of one of the range's networks, once that network is gone from the engine. */
  async releaseNetwork(rangeId: string, network: string, manager: EntityManager = this.dataSource.manager): Promise<number> {
    const result = await manager.delete(RangeSubnetEntity, { rangeId, network });
    return result.affected ?? 0;
  }

  /** Frees the range's subnets; only after its networks are gone from the engine. */
  async release(rangeId: string, manager: EntityManager = this.dataSource.manager): Promise<number> {
    const result = await manager.delete(RangeSubnetEntity, { rangeId });
    return result.affected ?? 0;
  }
}
