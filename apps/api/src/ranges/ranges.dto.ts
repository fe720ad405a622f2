import { ApiInstantOptional, IsInstant } from '../common/is-instant.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { RangeEventEntity } from '@app/database';
import type { RangeView, SessionRangesView, TraineeRangeView } from '@app/ranges';
import type { RangeRequestOutcome } from '@app/session-day';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';
import { TEMPLATE_NAME } from '@app/templates';
import { ApiInstantField, withJst } from '../common/jst-fields.js';

export class ProvisionSessionRangesDto {
  @ApiPropertyOptional({ pattern: TEMPLATE_NAME.source,
    example: 'course-a',
    description: "Template id (range-templates/<id>.yaml); for a scheduled session, its override or its course's template (COURSE_TEMPLATES) when absent",
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  templateId?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: "One range is created per team; the scheduled session's teams when absent" })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  teamIds?: string[];

  @ApiInstantOptional('2030-11-19T09:30:00', 'When to provision; now when absent')
  @IsOptional()
  @IsInstant()
  provisionAt?: string;

  @ApiInstantOptional('2030-11-19T10:00:00', "The session's start: provisioning starts leadMinutes before it")
  @IsOptional()
  @IsInstant()
  startsAt?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 10080, default: 30, description: 'Minutes before startsAt' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10080)
  leadMinutes?: number;

  @ApiInstantOptional('2030-11-19T17:30:00', "When to tear every range down (the session's end)")
  @IsOptional()
  @IsInstant()
  teardownAt?: string;
}

export class RangeNodeDto {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['pending', 'creating', 'starting', 'ready', 'failed', 'missing', 'removed'] }) state!: string;
  @ApiProperty({ nullable: true, type: String, description: "The container's live state on the engine (running, exited, missing)" })
  container!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'network -> IPv4 address' })
  addresses!: Record<string, string>;
  @ApiProperty({ enum: ['healthy', 'unhealthy', 'unknown'] }) health!: string;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
}

export class RangeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ format: 'uuid' }) teamId!: string;
  @ApiProperty({ pattern: TEMPLATE_NAME.source }) templateId!: string;
  @ApiProperty({ description: 'sha256 of the template source the range was built from' }) templateHash!: string;
  @ApiProperty({ enum: ['pending', 'provisioning', 'ready', 'failed', 'degraded', 'resetting', 'tearing_down', 'destroyed'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) failureReason!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'host-a', description: 'The range host that holds every container of the range (GET /hosts); null for a range made before hosts' })
  host!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'network -> allocated subnet' })
  subnets!: Record<string, string>;
  @ApiProperty({ type: [RangeNodeDto] }) nodes!: RangeNodeDto[];
  @ApiInstantField() createdAt!: string;
  createdAtJst!: string;
  @ApiInstantField({ nullable: true }) readyAt!: string | null;
  readyAtJst!: string | null;
  @ApiInstantField({ nullable: true }) destroyedAt!: string | null;
  destroyedAtJst!: string | null;

  static from(view: RangeView): RangeDto {
    return withJst(RangeDto, {
      ...view,
      nodes: view.nodes.map((n) => ({ ...n })),
      createdAt: view.createdAt.toISOString(),
      readyAt: view.readyAt?.toISOString() ?? null,
      destroyedAt: view.destroyedAt?.toISOString() ?? null,
    });
  }
}

export class TraineeRangeNodeDto {
  @ApiProperty() name!: string;
  @ApiProperty() role!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'network -> address' }) addresses!: Record<string, string>;
  @ApiProperty() health!: string;
  @ApiProperty({ description: 'Whether the template gives trainees a shell on the node (POST …/terminal-tickets opens one)' }) shell!: boolean;
}

/** A range as its own trainees see it: the nodes the template shows them, nothing that scores. */
export class TraineeRangeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: [TraineeRangeNodeDto] }) nodes!: TraineeRangeNodeDto[];
  @ApiInstantField({ nullable: true }) readyAt!: string | null;
  readyAtJst!: string | null;

  static from(view: TraineeRangeView): TraineeRangeDto {
    return withJst(TraineeRangeDto, { id: view.id, status: view.status, nodes: view.nodes.map((n) => ({ ...n })), readyAt: view.readyAt?.toISOString() ?? null });
  }
}

export class SessionRangesDto {
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ enum: ['scheduled', 'provisioning', 'ready', 'failed', 'tearing_down', 'destroyed'], description: 'ready when every range is' })
  status!: string;
  @ApiInstantField({ nullable: true }) provisionAt!: string | null;
  provisionAtJst!: string | null;
  @ApiInstantField({ nullable: true }) teardownAt!: string | null;
  teardownAtJst!: string | null;
  @ApiInstantField({ nullable: true }) readyAt!: string | null;
  readyAtJst!: string | null;
  @ApiProperty({ type: [RangeDto] }) ranges!: RangeDto[];

  static from(view: SessionRangesView): SessionRangesDto {
    return withJst(SessionRangesDto, {
      sessionId: view.sessionId,
      status: view.status,
      provisionAt: view.provisionAt?.toISOString() ?? null,
      teardownAt: view.teardownAt?.toISOString() ?? null,
      readyAt: view.readyAt?.toISOString() ?? null,
      ranges: view.ranges.map((r) => RangeDto.from(r)),
    });
  }
}

export class RangeRequestDto extends SessionRangesDto {
  @ApiProperty({ nullable: true, type: Number, description: "Set when the range host is full: the session's place in the line (1 = next); its ranges start as soon as capacity frees" })
  waitingPosition!: number | null;

  static fromOutcome(sessionId: string, outcome: RangeRequestOutcome): RangeRequestDto {
    if (!outcome.ranges) {
      return withJst(RangeRequestDto, { sessionId, status: 'waiting', provisionAt: null, teardownAt: null, readyAt: null, ranges: [], waitingPosition: outcome.waitingPosition });
    }
    return withJst(RangeRequestDto, { ...SessionRangesDto.from(outcome.ranges), waitingPosition: null });
  }
}

export class RangeEventDto {
  @ApiProperty({ pattern: '^[0-9]+$' }) id!: string;
  @ApiInstantField() at!: string;
  atJst!: string;
  @ApiProperty({ example: 'provision.ready' }) kind!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;

  static from(e: RangeEventEntity): RangeEventDto {
    return withJst(RangeEventDto, { id: e.id, at: e.at.toISOString(), kind: e.kind, message: e.message, details: e.details });
  }
}
