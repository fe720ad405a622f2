import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditEventEntity } from './entities/audit-event.entity.js';

export interface AuditRecord {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
}

/** Writes audit events, inside the caller's transaction when one is given. */
@Injectable()
export class AuditTrail {
  constructor(private readonly dataSource: DataSource) {}

  async record(entry: AuditRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    // jsonb column: TypeORM's deep-partial type cannot express an open record, the value is serialised as is.
    await manager.insert(AuditEventEntity, { ...entry, details: (entry.details ?? {}) as never });
  }
}
