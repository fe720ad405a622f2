import { Injectable, Logger } from '@nestjs/common';
import { RangeEventEntity } from '@app/database';
import { DataSource, type EntityManager } from 'typeorm';

/** Appends to a range's history (range_events); never updates or deletes. */
@Injectable()
export class RangeEventLog {
  private readonly logger = new Logger('RangeEvents');

  constructor(private readonly dataSource: DataSource) {}

  async append(
    rangeId: string,
    kind: string,
    message: string,
    details: Record<string, unknown> = {},
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    // The range's story in the log too (with the job's or request's ids where one is running).
    this.logger.log(`range ${rangeId} ${kind}: ${message}`);
    await manager.insert(RangeEventEntity, { rangeId, kind, message, details: details as never });
  }

  async list(rangeId: string): Promise<RangeEventEntity[]> {
    return this.dataSource.getRepository(RangeEventEntity).find({ where: { rangeId }, order: { id: 'ASC' } });
  }
}
