import { ApiInstantOptional, IsInstant } from '../common/is-instant.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AuditEventEntity, AuditPage } from '@app/database';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../scheduling/paging.dto.js';
import { ApiInstantField, withJst } from '../common/jst-fields.js';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Who acted, exactly as recorded (e.g. "operator:<id>", "system:scoring")' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({ description: 'An action ("session.transition"), or a prefix ending in "." ("scenario.")' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  action?: string;

  @ApiPropertyOptional({ description: 'The kind of subject ("session", "range", "scenario_clock", ...)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  subjectType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  subjectId?: string;

  @ApiInstantOptional('2030-11-19T00:00:00', 'From this instant (inclusive)')
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiInstantOptional('2030-11-20T00:00:00', 'To this instant (exclusive)')
  @IsOptional()
  @IsInstant()
  to?: string;
}

export class AuditEventDto {
  @ApiProperty({ pattern: '^[0-9]+$' }) id!: string;
  @ApiInstantField() at!: string;
  atJst!: string;
  @ApiProperty() actor!: string;
  @ApiProperty() action!: string;
  @ApiProperty() subjectType!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The credential (login session, API token, trainee session) used; null for the system' })
  credentialId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "The caller's network address, when the change came over the API" })
  address!: string | null;
  @ApiProperty({ type: Object }) details!: Record<string, unknown>;

  static from(e: AuditEventEntity): AuditEventDto {
    // Credential and address are recorded by the access layer (its migration adds the columns).
    const who = e as AuditEventEntity & Partial<{ credentialId: string | null; address: string | null }>;
    return withJst(AuditEventDto, {
      id: e.id,
      at: e.at.toISOString(),
      actor: e.actor,
      action: e.action,
      subjectType: e.subjectType,
      subjectId: e.subjectId,
      credentialId: who.credentialId ?? null,
      address: who.address ?? null,
      details: e.details,
    });
  }
}

export class AuditPageDto extends PageMetaDto {
  @ApiProperty({ type: [AuditEventDto] }) items!: AuditEventDto[];

  static from(p: AuditPage): AuditPageDto {
    return Object.assign(new AuditPageDto(), { total: p.total, page: p.page, pageSize: p.pageSize, items: p.items.map(AuditEventDto.from) });
  }
}
