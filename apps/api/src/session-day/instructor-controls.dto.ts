import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_TEAM_EXTENSION_MINUTES, type SentInject, type SentMessage, type TeamExtension } from '@app/session-day';
import { IsDefined, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { TEMPLATE_NAME } from '@app/templates';
import { ApiInstantField, withJst } from '../common/jst-fields.js';

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
  @ApiInstantField() at!: string;
  atJst!: string;
  @ApiProperty({ format: 'uuid', type: [String], description: 'The teams it went to' }) teamIds!: string[];

  static from(v: SentMessage): SentMessageDto {
    return withJst(SentMessageDto, { at: v.at.toISOString(), teamIds: v.teamIds });
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

/** The shape of a one-off step, for the document; the template language checks it (libs/templates checkOneOffStep). */
export class OneOffStepDto {
  @ApiProperty({ pattern: TEMPLATE_NAME.source, example: 'extra-exploit', description: "A new step id (not one of the template's)" }) id!: string;
  @ApiProperty({ example: 'attacker', description: "A node the template's steps run on" }) node!: string;
  @ApiProperty({ type: [String], example: ['exploit', 'http://www/cgi-bin/ping', 'host', 'cat /etc/passwd'], description: "argv; its command one the template's steps use; ${variables} are the range's" })
  argv!: string[];
  @ApiProperty({ example: { ja: '追加の攻撃', en: 'An extra attack' }, description: 'What trainees see of the step' }) title!: { ja: string; en: string };
  @ApiPropertyOptional({ example: 'discovery', description: 'MITRE ATT&CK tactic' }) stage?: string;
  @ApiPropertyOptional({ example: { argv: ['probe-injection', 'http://www/cgi-bin/ping', 'host'] }, description: 'Blocked when its exit code differs (default 0)' })
  precondition?: { node?: string; argv: string[]; expectExitCode?: number };
  @ApiPropertyOptional({ example: 30, minimum: 1, maximum: 600 }) timeoutSeconds?: number;
}

export class OneOffInjectDto {
  @ApiProperty({ type: OneOffStepDto, description: "One attack step as a template writes it, without offsetSeconds: checked exactly as the template's own steps" })
  @IsDefined()
  @IsObject()
  step!: Record<string, unknown>;

  @ApiPropertyOptional({ format: 'uuid', example: '0d7f3f5e-8a39-4c1e-9a53-3f1b6f2c7d10', description: 'One team; every team of the session when absent' })
  @IsOptional()
  @IsUUID()
  teamId?: string;

  @ApiPropertyOptional({ format: 'uuid', example: '5b0e7f1c-3d2a-4c8e-9f6b-1a2b3c4d5e6f', description: 'Idempotency key: the same inject sent again runs once' })
  @IsOptional()
  @IsUUID()
  injectId?: string;
}

export class ExtendTeamDto {
  @ApiProperty({ example: 15, minimum: 1, maximum: 120, description: `Extra minutes for the team (they add up, at most ${MAX_TEAM_EXTENSION_MINUTES} in all)` })
  @IsInt()
  @Min(1)
  @Max(120)
  minutes!: number;
}

export class TeamExtensionDto {
  @ApiProperty({ format: 'uuid', example: '3f2b8a61-6a0e-4c55-b1c9-2f0d9e8a7b41' }) sessionId!: string;
  @ApiProperty({ format: 'uuid', example: '0d7f3f5e-8a39-4c1e-9a53-3f1b6f2c7d10' }) teamId!: string;
  @ApiProperty({ format: 'uuid', example: 'a4c1e2d3-5b6f-4a7e-8c9d-0e1f2a3b4c5d', description: "The team's range" }) rangeId!: string;
  @ApiProperty({ example: 15, description: 'Given by this request' }) minutes!: number;
  @ApiProperty({ example: 25, description: 'Given to the team in all' }) extraMinutes!: number;
  @ApiInstantField({ example: '2031-01-14T08:25:00.000Z', description: "When the team's clock stops: the session's end plus its extra time" }) endsAt!: string;
  endsAtJst!: string;
  @ApiInstantField({ example: '2031-01-14T08:00:00.000Z', description: "The session's end: the other teams' clocks stop then" }) sessionEndsAt!: string;
  sessionEndsAtJst!: string;

  static from(v: TeamExtension): TeamExtensionDto {
    return withJst(TeamExtensionDto, { ...v, endsAt: v.endsAt.toISOString(), sessionEndsAt: v.sessionEndsAt.toISOString() });
  }
}
