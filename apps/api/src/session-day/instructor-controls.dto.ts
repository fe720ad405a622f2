import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SentInject, SentMessage } from '@app/session-day';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { TEMPLATE_NAME } from '@app/templates';

export class MessageDto {
  @ApiProperty({ maxLength: 2000, example: 'Lunch break at 12:00; the scenario keeps running.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  text!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'One team; every team of the session when absent' })
  @IsOptional()
  @IsUUID()
  teamId?: string;
}

export class SentMessageDto {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ format: 'uuid', type: [String], description: 'The teams it went to' }) teamIds!: string[];

  static from(v: SentMessage): SentMessageDto {
    return { at: v.at.toISOString(), teamIds: v.teamIds };
  }
}

export class InjectDto {
  @ApiProperty({ pattern: TEMPLATE_NAME.source, example: 'exploit', description: "An attack step of the session's template" })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]*$/, { message: 'stepId is an attack step id such as exploit' })
  @MaxLength(100)
  stepId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'One team; every team of the session when absent' })
  @IsOptional()
  @IsUUID()
  teamId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Idempotency key: the same inject sent again runs once' })
  @IsOptional()
  @IsUUID()
  injectId?: string;
}

export class SentInjectDto {
  @ApiProperty({ format: 'uuid' }) injectId!: string;
  @ApiProperty({ pattern: TEMPLATE_NAME.source }) stepId!: string;
  @ApiProperty({ format: 'uuid', type: [String] }) rangeIds!: string[];

  static from(v: SentInject): SentInjectDto {
    return { ...v };
  }
}

export class TeamClockDto {
  @ApiProperty({ enum: ['pause', 'resume'] })
  @IsIn(['pause', 'resume'])
  action!: 'pause' | 'resume';
}

export class ResetTeamDto {
  @ApiProperty({ description: "The team's name, as confirmation" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  confirm!: string;
}
