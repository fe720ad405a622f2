import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, RequiresRole, Resources, Role } from '@app/access';
import { InstructorControls } from '@app/session-day';
import { RangeDto } from '../ranges/ranges.dto.js';
import { ClockDto } from '../scenario/scenario.dto.js';
import {
  ExtendTeamDto,
  InjectDto,
  MessageDto,
  OneOffInjectDto,
  ResetTeamDto,
  SentInjectDto,
  SentMessageDto,
  TeamClockDto,
  TeamExtensionDto,
} from './instructor-controls.dto.js';

/** Live controls of a running session: messages, injects, one team's clock, one team's reset. */
@ApiTags('session day')
@RequiresRole(Role.Instructor)
@Resources({ session: 'id' })
@Controller('sessions/:id')
export class InstructorControlsController {
  constructor(private readonly controls: InstructorControls) {}

  @ApiOperation({ summary: 'Send a message to the trainees' })
  @Post('messages')
  @HttpCode(200)
  @ApiOkResponse({ type: SentMessageDto, description: "A message on the trainees' stream (every team, or one), kept in each team's timeline" })
  @ApiNotFoundResponse({ description: 'No live range (of that team) in the session' })
  async message(@Param('id', ParseUUIDPipe) id: string, @Body() body: MessageDto, @Actor() actor: string): Promise<SentMessageDto> {
    return SentMessageDto.from(await this.controls.message(id, body, actor));
  }

  @ApiOperation({ summary: 'Inject an attack step now' })
  @Post('injects')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: SentInjectDto, description: "Runs one of the template's attack steps now, for one team or all; once per range" })
  @ApiBadRequestResponse({ description: 'Unknown attack step' })
  async inject(@Param('id', ParseUUIDPipe) id: string, @Body() body: InjectDto, @Actor() actor: string): Promise<SentInjectDto> {
    return SentInjectDto.from(await this.controls.inject(id, body, actor));
  }

  @Post('one-off-injects')
  @HttpCode(202)
  @ApiOperation({
    summary: "Run a one-off attack step (not among the template's steps) now, for one team or all; checked as the template's steps are, run once per range",
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The session' })
  @ApiAcceptedResponse({
    type: SentInjectDto,
    description: 'Queued for each target range (once per range and injectId); the timeline notes it; trainees see its title',
    schema: { example: { injectId: '5b0e7f1c-3d2a-4c8e-9f6b-1a2b3c4d5e6f', stepId: 'extra-exploit', rangeIds: ['a4c1e2d3-5b6f-4a7e-8c9d-0e1f2a3b4c5d'] } },
  })
  @ApiBadRequestResponse({
    description: "The step is not a valid step of the session's template: every issue as a field of step (step.node, step.argv[0], step.id for a clash with the template's ids)",
  })
  @ApiNotFoundResponse({ description: 'The session (or that team) has no ready range' })
  async oneOffInject(@Param('id', ParseUUIDPipe) id: string, @Body() body: OneOffInjectDto, @Actor() actor: string): Promise<SentInjectDto> {
    return SentInjectDto.from(await this.controls.oneOffInject(id, body, actor));
  }

  @Post('teams/:teamId/extend')
  @HttpCode(200)
  @ApiOperation({
    summary: "Give one team extra time: its clock stops that much after the session's end (time bonus windows are not stretched)",
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The session' })
  @ApiParam({ name: 'teamId', format: 'uuid', description: 'A team of the session' })
  @ApiOkResponse({ type: TeamExtensionDto, description: "The team's new end; kept in its timeline and sent on its trainee stream" })
  @ApiBadRequestResponse({ description: 'minutes is not a whole number from 1 to 120' })
  @ApiNotFoundResponse({ description: 'No such session, team of the session, or no ready range of the team' })
  @ApiConflictResponse({ description: "The session is not ready or running, the team's time has already ended, or the team would have more than 240 extra minutes" })
  async extend(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('teamId', ParseUUIDPipe) teamId: string,
    @Body() body: ExtendTeamDto,
    @Actor() actor: string,
  ): Promise<TeamExtensionDto> {
    return TeamExtensionDto.from(await this.controls.extendTeam(id, teamId, body.minutes, actor));
  }

  @ApiOperation({ summary: "Pause or resume one team's clock" })
  @ApiConflictResponse({ description: 'The clock cannot do this now (e.g. it is idle or already paused)' })
  @Post('teams/:teamId/clock')
  @HttpCode(200)
  @ApiOkResponse({ type: ClockDto, description: "Pause or resume one team: its range gets its own clock, forked from the session's" })
  async teamClock(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('teamId', ParseUUIDPipe) teamId: string,
    @Body() body: TeamClockDto,
    @Actor() actor: string,
  ): Promise<ClockDto> {
    return ClockDto.from(await this.controls.teamClock(id, teamId, body.action, actor));
  }

  @ApiOperation({ summary: "Reset one team's range" })
  @Post('teams/:teamId/reset')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RangeDto, description: "The team's range goes back to T0; confirm with the team's name; kept in its timeline" })
  @ApiBadRequestResponse({ description: "The confirmation is not the team's name" })
  async reset(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('teamId', ParseUUIDPipe) teamId: string,
    @Body() body: ResetTeamDto,
    @Actor() actor: string,
  ): Promise<RangeDto> {
    return RangeDto.from(await this.controls.resetTeam(id, teamId, body.confirm, actor));
  }
}
