import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { AnnualPlanView } from '@app/scheduling';
import { PageMetaDto, PageQueryDto } from './paging.dto.js';
import { CalendarOverrideDto } from './session.dto.js';
import { ApiInstantField, withJst } from '../common/jst-fields.js';

export class CourseTargetDto {
  @ApiProperty({ example: 'A' }) @IsString() @IsNotEmpty() course!: string;
  @ApiProperty({ example: 65, description: 'Target session count' }) @IsInt() @Min(0) @Max(1000) sessions!: number;
  @ApiProperty({ example: 30, description: 'Default seats per session' }) @IsInt() @Min(1) @Max(10000) seats!: number;
  @ApiPropertyOptional({ example: 4 }) @IsOptional() @IsInt() @Min(1) @Max(20) teamSize?: number;
}

export class CreatePlanDto {
  @ApiProperty({ example: 2021, description: 'Fiscal year (April - March)' }) @IsInt() @Min(2000) @Max(2100) fiscalYear!: number;

  @ApiProperty({ type: [CourseTargetDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => CourseTargetDto)
  courses!: CourseTargetDto[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Only these instructors (default: all active)' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsUUID('all', { each: true })
  instructorIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Only these venues (default: all)' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsUUID('all', { each: true })
  venueIds?: string[];

  @ApiPropertyOptional({ type: [String], example: ['2022-01-10'], description: 'Days without training (national holidays...)' })
  @IsOptional()
  @IsArray()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { each: true, message: 'each blackout date must look like 2022-01-10' })
  blackoutDates?: string[];

  @ApiPropertyOptional({ type: CalendarOverrideDto, description: 'A plan with sessions in the past needs `rules: ["past"]` and a reason (entering history; audited)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CalendarOverrideDto)
  override?: CalendarOverrideDto;
}

export class PlanDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() fiscalYear!: number;
  @ApiProperty({ enum: ['draft', 'published'] }) status!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The targets as given' }) request!: Record<string, unknown>;
  @ApiProperty({ type: [String] }) warnings!: string[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { A: 65, 'B-1': 21 } }) sessionsByCourse!: Record<string, number>;
  @ApiProperty() sessionCount!: number;
  @ApiInstantField() createdAt!: Date;
  createdAtJst!: string;
  @ApiInstantField({ nullable: true, example: '2030-10-02T00:00:00.000Z' }) publishedAt!: Date | null;
  publishedAtJst!: string | null;
  static from(v: AnnualPlanView): PlanDto {
    return withJst(PlanDto, v);
  }
}

export class PlanPageDto extends PageMetaDto {
  @ApiProperty({ type: [PlanDto] }) items!: PlanDto[];
}

export class PlanQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(2000) @Max(2100) fiscalYear?: number;
}

export class PlanFailureDto {
  @ApiProperty({ example: 'C' }) course!: string;
  @ApiProperty({ nullable: true, type: String, example: '2022-01' }) month!: string | null;
  @ApiProperty({ enum: ['target', 'coverage', 'months', 'calendar', 'venue', 'instructor', 'seat-capacity', 'range-host-capacity'] }) constraint!: string;
  @ApiProperty() message!: string;
}

export class PlanRefusalDto {
  @ApiProperty({ example: 409 }) statusCode!: number;
  @ApiProperty() message!: string;
  @ApiProperty({ type: [PlanFailureDto] }) failures!: PlanFailureDto[];
}
