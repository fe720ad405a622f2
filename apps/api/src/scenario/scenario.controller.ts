import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, ApiActor, RequiresRole, Role } from '@app/access';
import { ScenarioClockService } from '@app/scenario';
import { ClockControlDto, ClockDto } from './scenario.dto.js';

@ApiTags('scenario')
@ApiActor()
@Controller()
export class ScenarioController {
  constructor(private readonly clocks: ScenarioClockService) {}

  @Get('sessions/:sessionId/scenario')
  @RequiresRole(Role.Instructor, Role.Operator)
  @ApiOkResponse({ type: ClockDto })
  @ApiNotFoundResponse({ description: 'The session clock was never started' })
  async sessionClock(@Param('sessionId', ParseUUIDPipe) sessionId: string): Promise<ClockDto> {
    return ClockDto.from(await this.clocks.current({ sessionId }));
  }

  @Post('sessions/:sessionId/scenario')
  @HttpCode(200)
  @RequiresRole(Role.Instructor)
  @ApiOkResponse({ type: ClockDto, description: 'Start, pause, resume, stop or change the speed of the session scenario' })
  @ApiConflictResponse({ description: 'Illegal clock transition, with the reason' })
  async controlSession(
    @Param('sessionId', ParseUUIDPipe) sessionId: string,
    @Body() body: ClockControlDto,
    @Actor() actor: string,
  ): Promise<ClockDto> {
    return ClockDto.from(await this.clocks.control({ sessionId }, body.action, actor, body.speed));
  }

  @Post('sessions/:sessionId/ranges/:rangeId/scenario')
  @HttpCode(200)
  @RequiresRole(Role.Instructor, Role.Trainee)
  @ApiOkResponse({ type: ClockDto, description: "A range's own clock (Online A: self-paced)" })
  @ApiConflictResponse({ description: 'Illegal clock transition, with the reason' })
  async controlRange(
    @Param('sessionId', ParseUUIDPipe) sessionId: string,
    @Param('rangeId', ParseUUIDPipe) rangeId: string,
    @Body() body: ClockControlDto,
    @Actor() actor: string,
  ): Promise<ClockDto> {
    return ClockDto.from(await this.clocks.control({ sessionId, rangeId }, body.action, actor, body.speed));
  }
}
