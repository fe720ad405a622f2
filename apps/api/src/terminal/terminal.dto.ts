import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import type { TerminalView, TicketView } from '@app/terminal';
import { ApiInstantField, withJst } from '../common/jst-fields.js';

export class NodeParamDto {
  @ApiProperty({ example: 'ws' })
  @Matches(/^[a-z][a-z0-9-]{0,62}$/, { message: 'node must be a node name (lower-case letters, digits, -)' })
  node!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  rangeId!: string;
}

export class TerminalTicketRequestDto {
  @ApiPropertyOptional({ enum: ['shell', 'watch'], default: 'shell', description: 'watch: instructors and operators, read-only (take-over on request)' })
  @IsOptional()
  @IsIn(['shell', 'watch'])
  mode?: 'shell' | 'watch';

  @ApiPropertyOptional({ format: 'uuid', description: 'watch: the terminal to watch (default: the node\'s most recently opened)' })
  @IsOptional()
  @IsUUID()
  terminalId?: string;
}

export class TerminalTicketDto {
  @ApiProperty() ticket!: string;
  @ApiInstantField() expiresAt!: Date;
  expiresAtJst!: string;
  @ApiProperty({ enum: ['shell', 'watch'] }) mode!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) terminalId!: string | null;
  @ApiProperty({ example: '/api/v1/terminal?ticket=…', description: 'Path of the WebSocket to open with it' }) path!: string;

  static from(t: TicketView): TerminalTicketDto {
    return withJst(TerminalTicketDto, { ticket: t.ticket, expiresAt: t.expiresAt, mode: t.mode, terminalId: t.terminalId, path: `/api/v1/terminal?ticket=${t.ticket}` });
  }
}

export class TerminalOwnerDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['operator', 'instructor', 'trainee'] }) role!: string;
  @ApiProperty() displayName!: string;
}

export class TerminalDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) rangeId!: string;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ format: 'uuid' }) teamId!: string;
  @ApiProperty() node!: string;
  @ApiProperty() shellUser!: string;
  @ApiProperty({ type: TerminalOwnerDto }) openedBy!: TerminalOwnerDto;
  @ApiInstantField({ example: '2030-11-19T01:20:00.000Z' }) openedAt!: Date;
  openedAtJst!: string;
  @ApiInstantField({ example: '2030-11-19T01:24:00.000Z' }) lastInputAt!: Date;
  lastInputAtJst!: string;
  @ApiProperty({ enum: ['starting', 'ready', 'closing', 'closed'] }) state!: string;
  @ApiProperty({ nullable: true, type: Number, description: "The shell's session id inside the node" }) sid!: number | null;
  @ApiProperty() watchers!: number;
  @ApiProperty({ nullable: true, type: String, description: 'The instructor holding the keyboard' }) heldBy!: string | null;

  static from(v: TerminalView): TerminalDto {
    return withJst(TerminalDto, { ...v, openedBy: { ...v.openedBy } });
  }
}
