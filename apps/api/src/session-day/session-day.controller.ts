import { Body, Controller, Get, Header, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags, ApiOperation } from '@nestjs/swagger';
import { ApiTextResponse, TEXT_EXAMPLES } from '../openapi/decorators.js';
import { SessionArchiver, SessionLifecycle } from '@app/session-day';
import { Actor, RequiresRole, Resources, Role } from '@app/access';
import { ConfigureSessionDayDto, SessionArchiveDto, SessionDayDto } from './session-day.dto.js';

/** A session's day: where it is in its life cycle, its settings, and its after-action archive. */
@ApiTags('session day')
@Resources({ session: 'id' })
@Controller('sessions/:id')
export class SessionDayController {
  constructor(
    private readonly lifecycle: SessionLifecycle,
    private readonly archiver: SessionArchiver,
  ) {}

  @ApiOperation({ summary: "Get a session's day" })
  @Get('day')
  @RequiresRole(Role.Operator, Role.Instructor)
  @ApiOkResponse({ type: SessionDayDto, description: 'Status, template, provisioning time, ranges, waiting position, capacity warning, hold, archive and teardown times' })
  @ApiNotFoundResponse()
  async day(@Param('id', ParseUUIDPipe) id: string): Promise<SessionDayDto> {
    return SessionDayDto.from(await this.lifecycle.view(id));
  }

  @ApiOperation({ summary: "Configure a session's day" })
  @Put('day')
  @RequiresRole(Role.Operator)
  @ApiOkResponse({ type: SessionDayDto, description: "Override the session's template, or hold its ranges after the end" })
  @ApiNotFoundResponse({ description: 'Unknown session or template' })
  async configure(@Param('id', ParseUUIDPipe) id: string, @Body() body: ConfigureSessionDayDto, @Actor() actor: string): Promise<SessionDayDto> {
    return SessionDayDto.from(await this.lifecycle.configure(id, body, actor));
  }

  @ApiOperation({ summary: "Get a finished session's archive" })
  @Get('archive')
  @RequiresRole(Role.Operator, Role.Instructor)
  @ApiOkResponse({ type: SessionArchiveDto, description: 'The after-action export frozen at the end (readable after the ranges are gone)' })
  @ApiNotFoundResponse({ description: 'The session has not finished' })
  async archive(@Param('id', ParseUUIDPipe) id: string): Promise<SessionArchiveDto> {
    return SessionArchiveDto.from(await this.archiver.get(id));
  }

  @ApiOperation({ summary: "Get a finished session's archive as CSV" })
  @Get('archive.csv')
  @RequiresRole(Role.Operator, Role.Instructor)
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiProduces('text/csv')
  @ApiTextResponse('text/csv', 'Every team timeline of the archive as CSV', TEXT_EXAMPLES.reviewCsv)
  async archiveCsv(@Param('id', ParseUUIDPipe) id: string): Promise<string> {
    return (await this.archiver.get(id)).exportCsv;
  }
}
