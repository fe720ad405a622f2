import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEventEntity } from './entities/audit-event.entity.js';

/** Filters of an audit trail search; every one optional, all of them must hold. */
export interface AuditSearch {
  actor?: string;
  /** An exact action ("session.transition"), or a prefix ending in "." ("scenario."). */
  action?: string;
  subjectType?: string;
  subjectId?: string;
  /** From this instant (inclusive) ... */
  from?: Date;
  /** ... to this one (exclusive). */
  to?: Date;
  page: number;
  pageSize: number;
}

export interface AuditPage {
  items: AuditEventEntity[];
  total: number;
  page: number;
  pageSize: number;
}

/** Reads the audit trail for operators: newest first, paged and filtered. */
@Injectable()
export class AuditReader {
  constructor(private readonly dataSource: DataSource) {}

  async search(q: AuditSearch): Promise<AuditPage> {
    const qb = this.dataSource.manager.createQueryBuilder(AuditEventEntity, 'e').where('true');
    if (q.actor !== undefined) qb.andWhere('e.actor = :actor', { actor: q.actor });
    if (q.subjectType !== undefined) qb.andWhere('e.subject_type = :subjectType', { subjectType: q.subjectType });
    if (q.subjectId !== undefined) qb.andWhere('e.subject_id = :subjectId', { subjectId: q.subjectId });
    if (q.from) qb.andWhere('e.at >= :from', { from: q.from });
    if (q.to) qb.andWhere('e.at < :to', { to: q.to });
    if (q.action !== undefined) {
      if (q.action.endsWith('.')) qb.andWhere('starts_with(e.action, :prefix)', { prefix: q.action });
      else qb.andWhere('e.action = :action', { action: q.action });
    }
    const [items, total] = await qb
      .orderBy('e.id', 'DESC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return { items, total, page: q.page, pageSize: q.pageSize };
  }
}
