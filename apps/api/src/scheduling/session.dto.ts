import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsPrefectureCode } from '../common/is-prefecture.js';
import { CALENDAR_RULES, SESSION_STATUSES, type CalendarRule, type EnrollmentView, type SessionView, type TeamView } from '@app/scheduling';
import type { SessionStatus } from '@app/database';
import { ApiInstant, IsInstant } from '../common/is-instant.js';
import { ApiInstantField, withJst } from '../common/jst-fields.js';
import { PageMetaDto, PageQueryDto } from './paging.dto.js';

export class SessionVenueDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() city!: string;
  @ApiProperty() seatCapacity!: number;
  @ApiProperty() rangeHostCapacity!: number;
}

export class SessionPrefectureDto {
  @ApiProperty() code!: number;
  @ApiProperty() name!: string;
}

export class SessionRegionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
}

export class PersonRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class CalendarBreachDto {
  @ApiProperty({ enum: CALENDAR_RULES, example: 'holiday' }) rule!: CalendarRule;
  @ApiProperty({ example: '2030-11-04', description: 'The JST day the rule is broken on' }) date!: string;
  @ApiProperty({ example: '2030-11-04 is a national holiday (Substitute Holiday for Culture Day)' }) message!: string;
}

export class CalendarOverrideRecordDto {
  @ApiProperty({ enum: CALENDAR_RULES, isArray: true, example: ['holiday'] }) rules!: CalendarRule[];
  @ApiProperty({ example: 'regional cyber exercise agreed with the prefecture' }) reason!: string;
  @ApiProperty({ example: 'operator:6f1c0e43-3f7e-4f43-9d4b-3b1a3f1f6f6e' }) actor!: string;
  @ApiInstantField({ description: 'When the override was made' }) at!: string;
  atJst!: string;
  @ApiProperty({ type: [CalendarBreachDto], description: 'The refusals the override lifted' }) breaches!: CalendarBreachDto[];
}

/** An operator's override of calendar rules on a hand-made session. */
export class CalendarOverrideDto {
  @ApiProperty({
    enum: CALENDAR_RULES,
    isArray: true,
    example: ['past'],
    description: 'The rules to lift, each by name (a refusal lists the ones the session breaks in `overridable`)',
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(CALENDAR_RULES.length)
  @ArrayUnique()
  @IsIn(CALENDAR_RULES, { each: true })
  rules!: CalendarRule[];

  @ApiProperty({ example: 'entering the FY2024 history', description: 'Why (kept on the session and in the audit trail)' })
  @IsString()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @MaxLength(500)
  reason!: string;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'A' }) courseCode!: string;
  @ApiProperty({ enum: SESSION_STATUSES }) status!: SessionStatus;
  @ApiProperty({ nullable: true, type: String }) statusReason!: string | null;
  @ApiProperty({ example: 2021 }) fiscalYear!: number;
  @ApiProperty({ example: '2022-01', description: 'JST month of the start' }) month!: string;
  @ApiInstantField({ example: '2030-11-19T01:00:00.000Z' }) startsAt!: Date;
  startsAtJst!: string;
  @ApiInstantField({ example: '2030-11-19T08:00:00.000Z' }) endsAt!: Date;
  endsAtJst!: string;
  @ApiProperty({ type: SessionVenueDto, nullable: true }) venue!: SessionVenueDto | null;
  @ApiProperty({ type: SessionPrefectureDto, nullable: true }) prefecture!: SessionPrefectureDto | null;
  @ApiProperty({ type: SessionRegionDto, nullable: true }) region!: SessionRegionDto | null;
  @ApiProperty() seats!: number;
  @ApiProperty() confirmed!: number;
  @ApiProperty() waitlisted!: number;
  @ApiProperty() teamSize!: number;
  @ApiProperty({ description: 'Self-paced (ONLINE-A): one trainee per team, formed at enrollment' }) selfPaced!: boolean;
  @ApiProperty({ type: [PersonRefDto] }) instructors!: PersonRefDto[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) planId!: string | null;
  @ApiProperty({ type: CalendarOverrideRecordDto, nullable: true, description: 'The calendar rules an operator overrode, or null' })
  calendarOverride!: CalendarOverrideRecordDto | null;
  @ApiProperty({ enum: ['warn', 'refuse'], description: 'B-1: a trainee of another region is warned about (enrollment `warnings`) or refused' })
  otherRegion!: 'warn' | 'refuse';
  @ApiInstantField() createdAt!: Date;
  createdAtJst!: string;
  @ApiInstantField() updatedAt!: Date;
  updatedAtJst!: string;
  static from(v: SessionView): SessionDto {
    return withJst(SessionDto, { ...v, calendarOverride: v.calendarOverride ? withJst(CalendarOverrideRecordDto, v.calendarOverride) : null });
  }
}

export class TransitionResultDto extends SessionDto {
  @ApiProperty({ type: [String], description: 'What the operator should know now, e.g. that the range host cannot hold every overlapping session' })
  warnings!: string[];

  static override from(v: SessionView, warnings: string[] = []): TransitionResultDto {
    return Object.assign(new TransitionResultDto(), SessionDto.from(v), { warnings });
  }
}

export class SessionPageDto extends PageMetaDto {
  @ApiProperty({ type: [SessionDto] }) items!: SessionDto[];
}

export class SessionQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'B-1' }) @IsOptional() @IsString() course?: string;
  @ApiPropertyOptional({ example: 13 }) @IsOptional() @Type(() => Number) @IsPrefectureCode() prefecture?: number;
  @ApiPropertyOptional({ description: 'Region id or code (e.g. tohoku)' }) @IsOptional() @IsString() region?: string;

  @ApiPropertyOptional({ example: '2022-01', description: 'JST month of the start' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must look like 2022-01' })
  month?: string;

  @ApiPropertyOptional({ enum: SESSION_STATUSES }) @IsOptional() @IsIn(SESSION_STATUSES) status?: SessionStatus;
  @ApiPropertyOptional({ example: 2021 }) @IsOptional() @Type(() => Number) @IsInt() @Min(2000) @Max(2100) fiscalYear?: number;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() venueId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() instructorId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() planId?: string;
}

export class ExportQueryDto extends SessionQueryDto {}

export class CreateSessionDto {
  @ApiProperty({ example: 'A' }) @IsString() @IsNotEmpty() courseCode!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Required in person; absent for ONLINE-A' }) @IsOptional() @IsUUID() venueId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'B-1: the region served (default: the venue\'s)' }) @IsOptional() @IsUUID() regionId?: string;
  @ApiInstant('2030-11-19T10:00:00') @IsInstant() startsAt!: string;
  @ApiInstant('2030-11-19T17:00:00') @IsInstant() endsAt!: string;
  @ApiPropertyOptional({ description: "Default: the course's, at most the venue's" }) @IsOptional() @IsInt() @Min(1) @Max(10000) seats?: number;
  @ApiPropertyOptional({ default: 4 }) @IsOptional() @IsInt() @Min(1) @Max(20) teamSize?: number;
  @ApiPropertyOptional({ type: [String], format: 'uuid' }) @IsOptional() @IsArray() @ArrayUnique() @IsUUID('all', { each: true }) instructorIds?: string[];
  @ApiPropertyOptional({ type: CalendarOverrideDto, description: 'Lift named calendar rules with a reason (audited, shown on the session)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CalendarOverrideDto)
  override?: CalendarOverrideDto;
  @ApiPropertyOptional({ enum: ['warn', 'refuse'], default: 'warn', description: 'B-1 only: refuse trainees of another region instead of warning' })
  @IsOptional()
  @IsIn(['warn', 'refuse'])
  otherRegion?: 'warn' | 'refuse';
}

/** Everything of a new session but its course, each optional (the course never changes). */
export class UpdateSessionDto extends PartialType(OmitType(CreateSessionDto, ['courseCode'] as const)) {}

export class TransitionDto {
  @ApiProperty({ enum: SESSION_STATUSES, description: 'The status to move to' }) @IsIn(SESSION_STATUSES) status!: SessionStatus;
  @ApiPropertyOptional({ description: 'Why (kept on the session, e.g. a cancellation reason)' }) @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class EnrollmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ format: 'uuid' }) traineeId!: string;
  @ApiProperty() traineeName!: string;
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty() organisationName!: string;
  @ApiProperty({ enum: ['confirmed', 'waitlisted', 'cancelled'] }) status!: string;
  @ApiProperty({ description: 'Arrival order in the session (1 = first)' }) arrival!: number;
  @ApiProperty({ nullable: true, type: Number, description: '1 = next to be confirmed' }) waitlistPosition!: number | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) teamId!: string | null;
  @ApiInstantField({ nullable: true, example: '2030-10-01T00:00:00.000Z' }) confirmedAt!: Date | null;
  confirmedAtJst!: string | null;
  @ApiInstantField({ nullable: true, example: null }) cancelledAt!: Date | null;
  cancelledAtJst!: string | null;
  @ApiInstantField() createdAt!: Date;
  createdAtJst!: string;
  @ApiProperty({ nullable: true, type: String, example: 'Kanto', description: "B-1: the trainee's region when the session serves another one (a warning; a refusal only when the session's otherRegion is refuse)" })
  otherRegion!: string | null;
  @ApiProperty({ type: [String], example: ['Trainee 1 comes from region Kanto; this session serves region Tohoku'] }) warnings!: string[];
  static from(v: EnrollmentView): EnrollmentDto {
    return withJst(EnrollmentDto, v);
  }
}

export class CancellationDto {
  @ApiProperty({ type: EnrollmentDto }) cancelled!: EnrollmentDto;
  @ApiProperty({ type: EnrollmentDto, nullable: true, description: 'The first waitlisted trainee, now confirmed' }) promoted!: EnrollmentDto | null;
}

export class CreateEnrollmentDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() traineeId!: string;
}

export class EnrollmentPageDto extends PageMetaDto {
  @ApiProperty({ type: [EnrollmentDto] }) items!: EnrollmentDto[];
}

export class EnrollmentQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['confirmed', 'waitlisted', 'cancelled'] })
  @IsOptional()
  @IsIn(['confirmed', 'waitlisted', 'cancelled'])
  status?: 'confirmed' | 'waitlisted' | 'cancelled';
}

export class TeamMemberDto {
  @ApiProperty({ format: 'uuid' }) traineeId!: string;
  @ApiProperty({ format: 'uuid' }) enrollmentId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty() organisationName!: string;
}

export class TeamDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty() number!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [TeamMemberDto] }) members!: TeamMemberDto[];
  static from(v: TeamView): TeamDto {
    return Object.assign(new TeamDto(), v);
  }
}

export class TeamMoveDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() traineeId!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() toTeamId!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Swap with this member of the target team' }) @IsOptional() @IsUUID() swapWithTraineeId?: string;
}
