import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, type Principal, RequiresRole, Resources, Role } from '@app/access';
import { ScenarioClockService } from '@app/scenario';
import { ClockControlDto, ClockDto } from './scenario.dto.js';

@ApiTags('scenario')
@Controller()
export class ScenarioController {
  constructor(private readonly clocks: ScenarioClockService) {}

  @ApiOperation({ summary: "Get a session's scenario clock" })
  @Get('sessions/:sessionId/scenario')
  @RequiresRole(Role.Instructor, Role.Operator)
  @Resources({ session: 'sessionId' })
  @ApiOkResponse({ type: ClockDto })
  @ApiNotFoundResponse({ description: 'The session clock was never started' })
  async sessionClock(@Param('sessionId', ParseUUIDPipe) sessionId: string): Promise<ClockDto> {
    return ClockDto.from(await this.clocks.current({ sessionId }));
  }

  @ApiOperation({ summary: "Control a session's scenario clock" })
  @Post('sessions/:sessionId/scenario')
  @HttpCode(200)
  @RequiresRole(Role.Instructor, Role.Operator)
  @Resources({ session: 'sessionId' })
  @ApiOkResponse({ type: ClockDto, description: 'Start, pause, resume, stop or change the speed of the session scenario' })
  @ApiConflictResponse({ description: 'Illegal clock transition, with the reason' })
  async controlSession(
    @Param('sessionId', ParseUUIDPipe) sessionId: string,
    @Body() body: ClockControlDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ClockDto> {
    // Until the access guard supplies the authenticated principal, the caller is the route's role.
    return ClockDto.from(await this.clocks.control({ sessionId }, body.action, { id: actorOf(principal), role: principal.role, ...(principal.teamId ? { teamId: principal.teamId } : {}) }, body.speed));
  }

  @ApiOperation({ summary: "Control one range's scenario clock" })
  @Post('sessions/:sessionId/ranges/:rangeId/scenario')
  @HttpCode(200)
  @RequiresRole(Role.Instructor, Role.Operator, Role.Trainee)
  @Resources({ session: 'sessionId', range: 'rangeId' })
  @ApiOkResponse({ type: ClockDto, description: "A range's own clock (Online A: self-paced). A trainee may only start it; pause, resume, stop and speed are for instructors and operators" })
  @ApiConflictResponse({ description: 'Illegal clock transition, with the reason' })
  @ApiForbiddenResponse({ description: 'A trainee asked for anything but starting a self-paced range clock' })
  async controlRange(
    @Param('sessionId', ParseUUIDPipe) sessionId: string,
    @Param('rangeId', ParseUUIDPipe) rangeId: string,
    @Body() body: ClockControlDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ClockDto> {
    // Until the access guard supplies the authenticated principal, the caller is the route's most trusted role.
    return ClockDto.from(await this.clocks.control({ sessionId, rangeId }, body.action, { id: actorOf(principal), role: principal.role, ...(principal.teamId ? { teamId: principal.teamId } : {}) }, body.speed));
  }
}
