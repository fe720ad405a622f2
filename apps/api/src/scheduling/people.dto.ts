import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayUnique, IsArray, IsBoolean, IsEmail, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { InstructorView, TraineeView } from '@app/scheduling';
import { PageMetaDto, PageQueryDto } from './paging.dto.js';
import { IsName } from '../common/is-name.js';
import { ApiInstantField, withJst } from '../common/jst-fields.js';

export class TraineeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty() organisationName!: string;
  @ApiProperty() organisationTypeCode!: string;
  @ApiInstantField() createdAt!: Date;
  createdAtJst!: string;
  @ApiInstantField() updatedAt!: Date;
  updatedAtJst!: string;
  static from(v: TraineeView): TraineeDto {
    return withJst(TraineeDto, v);
  }
}

export class TraineePageDto extends PageMetaDto {
  @ApiProperty({ type: [TraineeDto] }) items!: TraineeDto[];
}

export class CreateTraineeDto {
  @ApiProperty() @IsName(200) name!: string;
  @ApiProperty({ description: 'Work e-mail' }) @IsEmail() @MaxLength(320) email!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() organisationId!: string;
}

/** Any of a trainee's fields; each validated as on creation. */
export class UpdateTraineeDto extends PartialType(CreateTraineeDto) {}

export class TraineeQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() organisationId?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() email?: string;
}

export class InstructorDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ type: [String], description: 'Courses the instructor may teach' }) courseCodes!: string[];
  @ApiProperty() active!: boolean;
  @ApiInstantField() createdAt!: Date;
  createdAtJst!: string;
  @ApiInstantField() updatedAt!: Date;
  updatedAtJst!: string;
  static from(v: InstructorView): InstructorDto {
    return withJst(InstructorDto, v);
  }
}

export class InstructorPageDto extends PageMetaDto {
  @ApiProperty({ type: [InstructorDto] }) items!: InstructorDto[];
}

export class CreateInstructorDto {
  @ApiProperty() @IsName(200) name!: string;
  @ApiProperty() @IsEmail() @MaxLength(320) email!: string;
  @ApiProperty({ type: [String], example: ['A', 'B-1'] }) @IsArray() @ArrayUnique() @IsString({ each: true }) courseCodes!: string[];
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() active?: boolean;
}

/** Any of an instructor's fields; each validated as on creation. */
export class UpdateInstructorDto extends PartialType(CreateInstructorDto) {}

export class InstructorQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Qualified for this course' }) @IsOptional() @IsString() course?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;
}
