import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import { ApiTextResponse, TEXT_EXAMPLES } from '../openapi/decorators.js';
import { Actor, RequiresRole, Resources, Role } from '@app/access';
import { CsvDownload } from '@app/csv';
import { SessionService, TeamFormationService } from '@app/scheduling';
import { SessionLifecycle } from '@app/session-day';
import { instant } from '../common/is-instant.js';
import {
  CreateSessionDto,
  ExportQueryDto,
  SessionDto,
  SessionPageDto,
  SessionQueryDto,
  TeamDto,
  TeamMoveDto,
  TransitionDto,
  TransitionResultDto,
  UpdateSessionDto,
} from './session.dto.js';

@ApiTags('sessions')
@RequiresRole(Role.Operator)
@Controller('sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionService,
    private readonly lifecycle: SessionLifecycle,
  ) {}

  @ApiOperation({ summary: 'List sessions' })
  @Get()
  @ApiOkResponse({ type: SessionPageDto, description: 'Sessions in start order, filtered and paged' })
  async list(@Query() query: SessionQueryDto): Promise<SessionPageDto> {
    const page = await this.sessions.list(query);
    return { ...page, items: page.items.map(SessionDto.from) };
  }

  @ApiOperation({ summary: 'Export the schedule as CSV' })
  @Get('export.csv')
  @CsvDownload('schedule.csv')
  @ApiTextResponse('text/csv', 'The schedule (every session matching the filters) as CSV', TEXT_EXAMPLES.scheduleCsv)
  async exportCsv(@Query() query: ExportQueryDto): Promise<string> {
    return this.sessions.exportCsv(query);
  }

  @ApiOperation({ summary: 'Create a session by hand' })
  @Post()
  @ApiCreatedResponse({ type: SessionDto, description: 'A draft session' })
  @ApiBadRequestResponse({
    description:
      'Invalid fields, or the calendar refuses the dates (weekday, holiday, year-end, length, fiscal-year, months, past): `breaches` names each rule and JST date, `overridable` the rules an `override` may lift',
  })
  @ApiNotFoundResponse({ description: 'Unknown course, venue or instructor' })
  @ApiConflictResponse({ description: 'A rule is broken: months, place, seats, range-host capacity, double booking' })
  async create(@Body() body: CreateSessionDto, @Actor() actor: string): Promise<SessionDto> {
    const view = await this.sessions.create({ ...body, startsAt: instant(body.startsAt), endsAt: instant(body.endsAt) }, actor);
    return SessionDto.from(view);
  }

  @ApiOperation({ summary: 'Get a session' })
  @Get(':id')
  @RequiresRole(Role.Operator, Role.Instructor)
  @Resources({ session: 'id' })
  @ApiOkResponse({ type: SessionDto })
  @ApiNotFoundResponse()
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<SessionDto> {
    return SessionDto.from(await this.sessions.get(id));
  }

  @ApiOperation({ summary: 'Change a session' })
  @Patch(':id')
  @ApiOkResponse({ type: SessionDto })
  @ApiBadRequestResponse({ description: 'Invalid fields, or the calendar refuses the new dates (`breaches`, `overridable`; checked when the dates move)' })
  @ApiConflictResponse({ description: 'Not draft/open, or a rule is broken' })
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateSessionDto, @Actor() actor: string): Promise<SessionDto> {
    const view = await this.sessions.update(
      id,
      { ...body, startsAt: instant(body.startsAt), endsAt: instant(body.endsAt) },
      actor,
    );
    return SessionDto.from(view);
  }

  @ApiOperation({ summary: 'Delete a draft session' })
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Draft deleted' })
  @ApiConflictResponse({ description: 'Only drafts can be deleted' })
  async remove(@Param('id', ParseUUIDPipe) id: string, @Actor() actor: string): Promise<void> {
    await this.sessions.remove(id, actor);
  }

  @ApiOperation({ summary: 'Move a session to another status' })
  @Post(':id/transitions')
  @HttpCode(200)
  @ApiOkResponse({
    type: TransitionResultDto,
    description:
      'The session in its new status. Closing forms the teams (and warns when the range host cannot hold every overlapping session); ' +
      'provisioning requests the ranges; running starts the scenario clock; finished ends the session (final evaluation, archive); ' +
      'cancelled tears the ranges down. ready comes by itself when every range is ready',
  })
  @ApiConflictResponse({ description: 'Illegal transition, with the reason and the allowed next states' })
  async transition(@Param('id', ParseUUIDPipe) id: string, @Body() body: TransitionDto, @Actor() actor: string): Promise<TransitionResultDto> {
    const outcome = await this.lifecycle.transition(id, body.status, actor, body.reason);
    return TransitionResultDto.from(outcome.session, outcome.warnings);
  }
}

@ApiTags('teams')
@RequiresRole(Role.Operator)
@Controller('sessions/:id/teams')
export class TeamsController {
  constructor(private readonly teams: TeamFormationService) {}

  @ApiOperation({ summary: "List a session's teams" })
  @Get()
  @RequiresRole(Role.Operator, Role.Instructor)
  @Resources({ session: 'id' })
  @ApiOkResponse({ type: [TeamDto] })
  @ApiNotFoundResponse()
  async list(@Param('id', ParseUUIDPipe) id: string): Promise<TeamDto[]> {
    return (await this.teams.list(id)).map(TeamDto.from);
  }

  @ApiOperation({ summary: "Form a session's teams again" })
  @Post('form')
  @HttpCode(200)
  @ApiOkResponse({ type: [TeamDto], description: 'Teams formed again from scratch' })
  @ApiConflictResponse({ description: 'The session is not closed' })
  async reform(@Param('id', ParseUUIDPipe) id: string, @Actor() actor: string): Promise<TeamDto[]> {
    return (await this.teams.reform(id, actor)).map(TeamDto.from);
  }

  @ApiOperation({ summary: 'Move trainees between teams' })
  @Post('moves')
  @HttpCode(200)
  @ApiOkResponse({ type: [TeamDto], description: 'The teams after the move' })
  @ApiConflictResponse({ description: 'Not closed, or a team would fall below 3' })
  async move(@Param('id', ParseUUIDPipe) id: string, @Body() body: TeamMoveDto, @Actor() actor: string): Promise<TeamDto[]> {
    return (await this.teams.move(id, body, actor)).map(TeamDto.from);
  }
}
