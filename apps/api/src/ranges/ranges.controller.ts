import { instant } from '../common/is-instant.js';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import { Actor, CurrentPrincipal, type Principal, RequiresRole, Resources, Role } from '@app/access';
import { RangeService } from '@app/ranges';
import { SessionLifecycle } from '@app/session-day';
import { ProvisionSessionRangesDto, RangeDto, RangeEventDto, RangeRequestDto, SessionRangesDto, TraineeRangeDto } from './ranges.dto.js';

const date = (value?: string) => instant(value);

@ApiTags('ranges')
@RequiresRole(Role.Operator)
@Controller('sessions/:sessionId/ranges')
export class SessionRangesController {
  constructor(
    private readonly ranges: RangeService,
    private readonly lifecycle: SessionLifecycle,
  ) {}

  @ApiOperation({ summary: 'Request the ranges of a session' })
  @Post()
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: RangeRequestDto,
    description: 'Ranges created (the session becomes provisioning); one flow provisions them. When the range host is full, status "waiting" and the place in line',
  })
  @ApiBadRequestResponse({ description: 'Invalid body' })
  @ApiNotFoundResponse({ description: 'Unknown session, team of the session or template' })
  @ApiConflictResponse({
    description:
      'The session is not closed with teams (with the allowed next states), every team already has a range, or a quota would be passed: `quota` (session: one live range per team; host: RANGE_MAX_LIVE_PER_HOST), `limit`, `live`, `requested`',
  })
  async provision(
    @Param('sessionId', ParseUUIDPipe) sessionId: string,
    @Body() body: ProvisionSessionRangesDto,
    @Actor() actor: string,
  ): Promise<RangeRequestDto> {
    const outcome = await this.lifecycle.requestRanges(
      sessionId,
      {
        templateId: body.templateId,
        teamIds: body.teamIds,
        provisionAt: date(body.provisionAt),
        startsAt: date(body.startsAt),
        leadMinutes: body.leadMinutes,
        teardownAt: date(body.teardownAt),
      },
      actor,
    );
    return RangeRequestDto.fromOutcome(sessionId, outcome);
  }

  @ApiOperation({ summary: "List a session's ranges" })
  @Get()
  @RequiresRole(Role.Operator, Role.Instructor)
  @Resources({ session: 'sessionId' })
  @ApiOkResponse({ type: SessionRangesDto })
  @ApiNotFoundResponse({ description: 'The session has no ranges' })
  async list(@Param('sessionId', ParseUUIDPipe) sessionId: string): Promise<SessionRangesDto> {
    return SessionRangesDto.from(await this.ranges.listForSession(sessionId));
  }
}

@ApiTags('ranges')
@RequiresRole(Role.Operator)
@Controller('ranges')
export class RangesController {
  constructor(private readonly ranges: RangeService) {}

  @ApiOperation({ summary: 'Get a range' })
  @Get(':id')
  @RequiresRole(Role.Operator, Role.Instructor, Role.Trainee)
  @Resources({ range: 'id' })
  @ApiOkResponse({
    type: RangeDto,
    description:
      'Status, failure reason, template hash, and each node with its state, addresses and health. Trainees get TraineeRangeDto: their own range, only the nodes the template shows them (name, role, addresses, health)',
  })
  @ApiNotFoundResponse()
  async get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<RangeDto | TraineeRangeDto> {
    if (principal.role === Role.Trainee) return TraineeRangeDto.from(await this.ranges.traineeView(id));
    return RangeDto.from(await this.ranges.get(id));
  }

  @ApiOperation({ summary: "List a range's events" })
  @Get(':id/events')
  @RequiresRole(Role.Operator, Role.Instructor)
  @Resources({ range: 'id' })
  @ApiOkResponse({ type: [RangeEventDto], description: 'What happened to the range, oldest first' })
  @ApiNotFoundResponse()
  async events(@Param('id', ParseUUIDPipe) id: string): Promise<RangeEventDto[]> {
    return (await this.ranges.listEvents(id)).map((e) => RangeEventDto.from(e));
  }

  @ApiOperation({ summary: 'Retry provisioning a range' })
  @Post(':id/retry')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RangeDto, description: 'Provisioning of this range alone starts again' })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Only a failed or degraded range can be retried' })
  async retry(@Param('id', ParseUUIDPipe) id: string): Promise<RangeDto> {
    return RangeDto.from(await this.ranges.retry(id));
  }

  @ApiOperation({ summary: 'Reset a range to T0' })
  @Post(':id/reset')
  @RequiresRole(Role.Operator, Role.Instructor)
  @Resources({ range: 'id' })
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RangeDto, description: 'The range goes back to T0 in place' })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Only a ready or degraded range can be reset' })
  async reset(@Param('id', ParseUUIDPipe) id: string): Promise<RangeDto> {
    return RangeDto.from(await this.ranges.reset(id));
  }

  @ApiOperation({ summary: 'Tear a range down' })
  @Post(':id/teardown')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RangeDto, description: 'The range is being torn down' })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The range is already destroyed' })
  async teardown(@Param('id', ParseUUIDPipe) id: string): Promise<RangeDto> {
    return RangeDto.from(await this.ranges.teardown(id));
  }

  @ApiOperation({ summary: 'Force the cleanup of a range' })
  @Post(':id/force-cleanup')
  @RequiresRole(Role.Operator)
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: RangeDto,
    description: 'Torn down and finished even when the engine keeps a network (subnets released; the reconciler removes the network later)',
  })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The range is already destroyed' })
  async forceCleanup(@Param('id', ParseUUIDPipe) id: string): Promise<RangeDto> {
    return RangeDto.from(await this.ranges.forceCleanup(id));
  }

  @ApiOperation({ summary: 'Tear a range down' })
  @Delete(':id')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RangeDto, description: 'Same as POST /ranges/:id/teardown' })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The range is already destroyed' })
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<RangeDto> {
    return RangeDto.from(await this.ranges.teardown(id));
  }
}
