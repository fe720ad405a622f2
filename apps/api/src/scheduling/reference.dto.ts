import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import type { OrganisationTypeView, OrganisationView, PrefectureView, RegionView, VenueView } from '@app/scheduling';
import { PageMetaDto, PageQueryDto } from './paging.dto.js';
import { IsName } from '../common/is-name.js';
import { ApiInstantField, withJst } from '../common/jst-fields.js';
import { IsPrefectureCode, IsPrefectureCodeList } from '../common/is-prefecture.js';

export class RegionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'tohoku' }) code!: string;
  @ApiProperty({ example: 'Tohoku' }) name!: string;
  @ApiProperty() sortOrder!: number;
  @ApiProperty({ type: [Number], description: 'JIS codes of its prefectures' }) prefectureCodes!: number[];
  static from(v: RegionView): RegionDto {
    return Object.assign(new RegionDto(), v);
  }
}

export class CreateRegionDto {
  @ApiProperty({ example: 'kanto-north' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,39}$/, { message: 'code must be 1-40 lowercase letters, digits or -' })
  code!: string;

  @ApiProperty() @IsName(100) name!: string;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(10000) sortOrder?: number;

  @ApiPropertyOptional({ type: [Number], description: 'Prefectures moved into this region' })
  @IsOptional()
  @IsPrefectureCodeList()
  prefectureCodes?: number[];
}

/** Any of a region's fields; prefectures listed are moved into it (others stay where they are). */
export class UpdateRegionDto extends PartialType(CreateRegionDto) {}

export class PrefectureDto {
  @ApiProperty({ example: 13 }) code!: number;
  @ApiProperty({ example: 'Tokyo' }) name!: string;
  @ApiProperty({ example: '東京都' }) nameJa!: string;
  @ApiProperty({ format: 'uuid' }) regionId!: string;
  @ApiProperty() regionName!: string;
  static from(v: PrefectureView): PrefectureDto {
    return Object.assign(new PrefectureDto(), v);
  }
}

export class OrganisationTypeDto {
  @ApiProperty({ example: 'local_government' }) code!: string;
  @ApiProperty({ example: 'Local government' }) name!: string;
  static from(v: OrganisationTypeView): OrganisationTypeDto {
    return Object.assign(new OrganisationTypeDto(), v);
  }
}

export class OrganisationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'local_government' }) typeCode!: string;
  @ApiProperty({ nullable: true, type: Number }) prefectureCode!: number | null;
  @ApiInstantField() createdAt!: Date;
  createdAtJst!: string;
  static from(v: OrganisationView): OrganisationDto {
    return withJst(OrganisationDto, v);
  }
}

export class OrganisationPageDto extends PageMetaDto {
  @ApiProperty({ type: [OrganisationDto] }) items!: OrganisationDto[];
}

export class CreateOrganisationDto {
  @ApiProperty() @IsName(200) name!: string;
  @ApiProperty({ example: 'local_government' }) @IsString() @IsNotEmpty() typeCode!: string;
  @ApiPropertyOptional() @IsOptional() @IsPrefectureCode() prefectureCode?: number;
}

export class OrganisationQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() typeCode?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsPrefectureCode() prefecture?: number;
  @ApiPropertyOptional({ description: 'Part of the name' }) @IsOptional() @IsString() name?: string;
}

export class VenueDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() prefectureCode!: number;
  @ApiProperty() prefectureName!: string;
  @ApiProperty() city!: string;
  @ApiProperty() seatCapacity!: number;
  @ApiProperty({ description: 'Team ranges its range host runs at once' }) rangeHostCapacity!: number;
  @ApiInstantField() createdAt!: Date;
  createdAtJst!: string;
  @ApiInstantField() updatedAt!: Date;
  updatedAtJst!: string;
  static from(v: VenueView): VenueDto {
    return withJst(VenueDto, v);
  }
}

export class VenuePageDto extends PageMetaDto {
  @ApiProperty({ type: [VenueDto] }) items!: VenueDto[];
}

export class CreateVenueDto {
  @ApiProperty() @IsName(200) name!: string;
  @ApiProperty({ example: 13 }) @IsPrefectureCode() prefectureCode!: number;
  @ApiProperty({ example: 'Chiyoda' }) @IsName(100) city!: string;
  @ApiProperty({ example: 40 }) @IsInt() @Min(1) @Max(10000) seatCapacity!: number;
  @ApiProperty({ example: 12 }) @IsInt() @Min(1) @Max(10000) rangeHostCapacity!: number;
}

/** Any of a venue's fields; each validated as on creation. */
export class UpdateVenueDto extends PartialType(CreateVenueDto) {}

export class VenueQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsPrefectureCode() prefecture?: number;
  @ApiPropertyOptional({ description: 'Region id or code' }) @IsOptional() @IsString() region?: string;
}
