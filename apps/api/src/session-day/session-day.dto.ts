import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SessionArchiveView, SessionDayView } from '@app/session-day';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { TEMPLATE_NAME } from '@app/templates';
import { ApiInstantField, withJst } from '../common/jst-fields.js';

export class ExtendedTeamDto {
  @ApiProperty({ format: 'uuid' }) teamId!: string;
  @ApiProperty({ example: 15, description: 'Extra scenario time given to the team in all' }) extraMinutes!: number;
  @ApiInstantField({ description: "When the team's clock stops: the session's end plus its extra time" }) endsAt!: string;
  endsAtJst!: string;
}

export class SessionDayDto {
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ nullable: true, type: String }) statusReason!: string | null;
  @ApiProperty({ pattern: TEMPLATE_NAME.source, nullable: true, type: String, description: "The session's range template (its override, else its course's)" }) templateId!: string | null;
  @ApiInstantField({ description: 'When the ranges are provisioned automatically (SESSION_LEAD_SECONDS before the start)' }) provisionAt!: string;
  provisionAtJst!: string;
  @ApiProperty({ nullable: true, description: 'The range set: status, ranges ready and live' }) ranges!: { status: string; ready: number; total: number } | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Place in the line of sessions waiting for host capacity (1 = next)' }) waitingPosition!: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'Given at closing when the host cannot hold every overlapping session' }) capacityWarning!: string | null;
  @ApiProperty() holdRanges!: boolean;
  @ApiInstantField({ nullable: true, example: null }) archivedAt!: string | null;
  archivedAtJst!: string | null;
  @ApiInstantField({ nullable: true, description: 'When the ranges are torn down (the grace after the end), unless held' }) teardownAt!: string | null;
  teardownAtJst!: string | null;
  @ApiProperty({ type: [ExtendedTeamDto], description: 'Teams given extra time (POST /sessions/{id}/teams/{teamId}/extend)' }) extendedTeams!: ExtendedTeamDto[];

  static from(v: SessionDayView): SessionDayDto {
    return withJst(SessionDayDto, {
      ...v,
      provisionAt: v.provisionAt.toISOString(),
      archivedAt: v.archivedAt?.toISOString() ?? null,
      teardownAt: v.teardownAt?.toISOString() ?? null,
      extendedTeams: v.extendedTeams.map((e) => withJst(ExtendedTeamDto, { ...e, endsAt: e.endsAt.toISOString() })),
    });
  }
}

export class ConfigureSessionDayDto {
  @ApiPropertyOptional({ pattern: TEMPLATE_NAME.source, nullable: true, type: String, example: 'course-b', description: "This session's range template instead of its course's; null goes back to the course's" })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(/^[a-z0-9][a-z0-9-]*$/, { message: 'templateId is a template id such as course-a' })
  templateId?: string | null;

  @ApiPropertyOptional({ description: 'Keep the ranges after the session ends (no teardown after the grace)' })
  @IsOptional()
  @IsBoolean()
  holdRanges?: boolean;
}

export class SessionArchiveDto {
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiInstantField({ example: '2030-11-19T08:05:00.000Z' }) finishedAt!: string;
  finishedAtJst!: string;
  @ApiProperty({ description: 'The after-action export frozen at the end: clock, every team with its score and timeline' }) export!: Record<string, unknown>;

  static from(v: SessionArchiveView): SessionArchiveDto {
    return withJst(SessionArchiveDto, { sessionId: v.sessionId, finishedAt: v.finishedAt.toISOString(), export: v.exportJson });
  }
}
