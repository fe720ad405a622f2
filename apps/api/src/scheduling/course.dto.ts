import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsPrefectureCodeList } from '../common/is-prefecture.js';
import type { CourseView } from '@app/scheduling';
import { IsName } from '../common/is-name.js';
import { ApiInstantField, withJst } from '../common/jst-fields.js';

export class CourseDto {
  @ApiProperty({ example: 'B-1' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'intermediate' }) level!: string;
  @ApiProperty({ enum: ['in_person', 'online'] }) format!: string;
  @ApiProperty() audience!: string;
  @ApiProperty({ type: [String] }) admittedOrganisationTypes!: string[];
  @ApiProperty({ enum: ['any_prefecture', 'per_region', 'listed_prefectures', 'online'] }) placement!: string;
  @ApiProperty({ type: [Number], description: 'For listed_prefectures: where it runs' }) prefectureCodes!: number[];
  @ApiProperty({ type: [Number], description: 'Calendar months of the fiscal year (April - March)' }) months!: number[];
  @ApiProperty({ nullable: true, type: Number, description: 'FY2021 plan; null for on-demand courses' }) plannedSessions!: number | null;
  @ApiProperty() durationDays!: number;
  @ApiProperty() defaultSeats!: number;
  @ApiProperty() defaultTeamSize!: number;
  @ApiProperty() instructorsPerSession!: number;
  @ApiProperty({ description: 'One trainee per team, teams formed on demand (ONLINE-A)' }) selfPaced!: boolean;
  @ApiInstantField() updatedAt!: Date;
  updatedAtJst!: string;
  static from(v: CourseView): CourseDto {
    return withJst(CourseDto, v);
  }
}

export class UpdateCourseDto {
  @ApiPropertyOptional() @IsOptional() @IsName(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsName(100) level?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(1000) audience?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsString({ each: true })
  admittedOrganisationTypes?: string[];

  @ApiPropertyOptional({ type: [Number] })
  @IsOptional()
  @IsPrefectureCodeList()
  prefectureCodes?: number[];

  @ApiPropertyOptional({ type: [Number] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(12, { each: true })
  months?: number[];

  @ApiPropertyOptional({ nullable: true, type: Number }) @IsOptional() @IsInt() @Min(0) @Max(10000) plannedSessions?: number | null;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(31) durationDays?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(10000) defaultSeats?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(20) defaultTeamSize?: number;
  @ApiPropertyOptional({ description: '0 for online courses (ONLINE-A), at least 1 in person' }) @IsOptional() @IsInt() @Min(0) @Max(10) instructorsPerSession?: number;
}
