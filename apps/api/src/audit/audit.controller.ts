import { instant } from '../common/is-instant.js';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { RequiresRole, Role } from '@app/access';
import { AuditReader } from '@app/database';
import { DEFAULT_PAGE_SIZE } from '@app/scheduling';
import { AuditPageDto, AuditQueryDto } from './audit.dto.js';

/** The audit trail for operators: who changed what, when, from where and with which credential. */
@ApiTags('audit')
@Controller('audit-events')
export class AuditController {
  constructor(private readonly audit: AuditReader) {}

  @ApiOperation({ summary: 'Read the audit trail' })
  @Get()
  @RequiresRole(Role.Operator)
  @ApiOkResponse({ type: AuditPageDto, description: 'Newest first, paged; filters by actor, action (or prefix), subject and time' })
  async list(@Query() q: AuditQueryDto): Promise<AuditPageDto> {
    return AuditPageDto.from(
      await this.audit.search({
        actor: q.actor,
        action: q.action,
        subjectType: q.subjectType,
        subjectId: q.subjectId,
        from: instant(q.from),
        to: instant(q.to),
        page: q.page ?? 1,
        pageSize: q.pageSize ?? DEFAULT_PAGE_SIZE,
      }),
    );
  }
}
