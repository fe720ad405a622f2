import { ApiProperty } from '@nestjs/swagger';
import { ApiInstantField } from '../common/jst-fields.js';

export class DependencyHealthDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status!: 'up' | 'down';

  @ApiProperty({ description: 'Round-trip time of the probe in milliseconds' })
  latencyMs!: number;

  @ApiProperty({ required: false, description: 'Why the dependency is down' })
  error?: string;

  @ApiProperty({ required: false, description: 'Setting that points at this dependency' })
  setting?: string;
}

export class HealthDependenciesDto {
  @ApiProperty({ type: DependencyHealthDto })
  database!: DependencyHealthDto;

  @ApiProperty({ type: DependencyHealthDto })
  redis!: DependencyHealthDto;

  @ApiProperty({ type: DependencyHealthDto })
  docker!: DependencyHealthDto;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'] })
  status!: 'ok' | 'degraded';

  @ApiInstantField()
  checkedAt!: string;

  checkedAtJst!: string;

  @ApiProperty({ type: HealthDependenciesDto })
  dependencies!: HealthDependenciesDto;
}
