import { Injectable } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditEventEntity } from './entities/audit-event.entity.js';

export interface AuditRecord {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
  /** Default: the current request's credential and address (auditScope). */
  credentialId?: string | null;
  address?: string | null;
}

/** The credential and address of the request being served, filled in by the access layer. */
export interface AuditScope {
  credentialId?: string;
  address?: string;
}

/**
 * Request-scoped facts for the audit trail: the API's access middleware opens a scope per request
 * and its guard fills it in, so every audit entry records the credential and address without each
 * service passing them along.
 */
export const auditScope = new AsyncLocalStorage<AuditScope>();

/** Writes audit events, inside the caller's transaction when one is given. */
@Injectable()
export class AuditTrail {
  constructor(private readonly dataSource: DataSource) {}

  async record(entry: AuditRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    const scope = auditScope.getStore();
    // jsonb column: TypeORM's deep-partial type cannot express an open record, the value is serialised as is.
    await manager.insert(AuditEventEntity, {
      actor: entry.actor,
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId,
      details: (entry.details ?? {}) as never,
      credentialId: entry.credentialId ?? scope?.credentialId ?? null,
      address: entry.address ?? scope?.address ?? null,
    });
  }
}
