import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, Max, Min } from 'class-validator';
import type { ClockView } from '@app/scenario';
import { ApiInstantField, withJst } from '../common/jst-fields.js';

export class ClockControlDto {
  @ApiProperty({ enum: ['start', 'pause', 'resume', 'stop', 'speed'] })
  @IsIn(['start', 'pause', 'resume', 'stop', 'speed'])
  action!: 'start' | 'pause' | 'resume' | 'stop' | 'speed';

  @ApiPropertyOptional({ minimum: 1, maximum: 60, description: 'Speed factor: 1 is real time, 60 for rehearsals' })
  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(60)
  speed?: number;
}

export class ClockDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) rangeId!: string | null;
  @ApiProperty({ enum: ['idle', 'running', 'paused', 'stopped'] }) state!: string;
  @ApiProperty() speed!: number;
  @ApiProperty({ description: 'Scenario time reached, in milliseconds' }) scenarioMs!: number;
  @ApiProperty() generation!: number;
  @ApiInstantField({ description: 'When the clock last changed (state, speed or generation)' }) updatedAt!: Date;
  updatedAtJst!: string;

  static from(view: ClockView): ClockDto {
    return withJst(ClockDto, {
      id: view.id,
      sessionId: view.sessionId,
      rangeId: view.rangeId,
      state: view.state,
      speed: view.speed,
      scenarioMs: view.scenarioMs,
      generation: view.generation,
      updatedAt: view.updatedAt,
    });
  }
}
