import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiOperation, ApiConflictResponse } from '@nestjs/swagger';
import { Actor, RequiresRole, Resources, Role } from '@app/access';
import { InstructorControls } from '@app/session-day';
import { RangeDto } from '../ranges/ranges.dto.js';
import { ClockDto } from '../scenario/scenario.dto.js';
import { InjectDto, MessageDto, ResetTeamDto, SentInjectDto, SentMessageDto, TeamClockDto } from './instructor-controls.dto.js';

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
