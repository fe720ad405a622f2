import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Actor, RequiresRole, Resources, Role, TeamRateLimit } from '@app/access';
import { BoardService, EvaluationService, ObjectiveService } from '@app/scoring';
import { TEMPLATE_NAME } from '@app/templates';
import { AnswerDto, AnswerResultDto, CheckNowDto, HintDto, IncidentReportDto, ObjectiveStateDto, ReportResultDto, TeamStandingDto } from './scoring.dto.js';

/** An objective id of a template (not a uuid). */
const ObjectiveParam = ApiParam({ name: 'objectiveId', description: "The objective's id in the range's template", schema: { type: 'string', pattern: TEMPLATE_NAME.source, example: 'attacker-address' } });

/** What a team works with: its objectives, answers, hints, reports and "check now". */
@ApiTags('trainee')
@RequiresRole(Role.Trainee)
@Resources({ range: 'rangeId' })
@ApiNotFoundResponse({ description: 'Unknown range or objective' })
@Controller('ranges/:rangeId')
export class TraineeController {
  constructor(
    private readonly objectives: ObjectiveService,
    private readonly evaluation: EvaluationService,
    private readonly board: BoardService,
  ) {}

  @Get('standing')
  @ApiOperation({ summary: "The team's score and its range's scenario clock (the trainee console refreshes it on every stream event)" })
  @ApiOkResponse({ type: TeamStandingDto })
  async standing(@Param('rangeId', ParseUUIDPipe) rangeId: string): Promise<TeamStandingDto> {
    return TeamStandingDto.from(await this.board.teamStanding(rangeId));
  }

  @ApiOperation({ summary: "List my team's objectives" })
  @Get('objectives')
  @ApiOkResponse({ type: [ObjectiveStateDto] })
  async list(@Param('rangeId', ParseUUIDPipe) rangeId: string): Promise<ObjectiveStateDto[]> {
    return (await this.objectives.list(rangeId)).map(ObjectiveStateDto.from);
  }

  @ApiOperation({ summary: 'Answer an objective' })
  @ObjectiveParam
  @Post('objectives/:objectiveId/answers')
  @TeamRateLimit()
  @HttpCode(200)
  @ApiOkResponse({ type: AnswerResultDto })
  @ApiConflictResponse({ description: 'Already met, attempt limit reached, not an answer objective, or the clock is paused' })
  async answer(
    @Param('rangeId', ParseUUIDPipe) rangeId: string,
    @Param('objectiveId') objectiveId: string,
    @Body() body: AnswerDto,
    @Actor() actor: string,
  ): Promise<AnswerResultDto> {
    return AnswerResultDto.from(await this.objectives.submitAnswer(rangeId, objectiveId, body.value, actor));
  }

  @ApiOperation({ summary: 'Take the next hint of an objective' })
  @ObjectiveParam
  @Post('objectives/:objectiveId/hints')
  @TeamRateLimit()
  @HttpCode(200)
  @ApiOkResponse({ type: HintDto, description: 'The next hint; its cost is taken from the score' })
  @ApiConflictResponse({ description: 'No hints left, or the clock is paused' })
  async hint(
    @Param('rangeId', ParseUUIDPipe) rangeId: string,
    @Param('objectiveId') objectiveId: string,
    @Actor() actor: string,
  ): Promise<HintDto> {
    return this.objectives.takeHint(rangeId, objectiveId, actor);
  }

  @ApiOperation({ summary: 'Submit an incident report' })
  @ObjectiveParam
  @Post('objectives/:objectiveId/report')
  @ApiOkResponse({ type: ReportResultDto, description: 'IOCs are checked at once; the instructor grades the rest' })
  @ApiConflictResponse({ description: 'Already submitted, not a report objective, or the clock is paused' })
  @ApiBadRequestResponse({ description: 'More IOCs than REPORT_MAX_IOCS' })
  async report(
    @Param('rangeId', ParseUUIDPipe) rangeId: string,
    @Param('objectiveId') objectiveId: string,
    @Body() body: IncidentReportDto,
    @Actor() actor: string,
  ): Promise<ReportResultDto> {
    return ReportResultDto.from(await this.objectives.submitReport(rangeId, objectiveId, body, actor));
  }

  @ApiOperation({ summary: "Check my team's objectives now" })
  @Post('check-now')
  @TeamRateLimit()
  @HttpCode(200)
  @ApiOkResponse({ type: CheckNowDto })
  @ApiTooManyRequestsResponse({ description: 'Asked again too soon; retryAfterSeconds says when' })
  async checkNow(@Param('rangeId', ParseUUIDPipe) rangeId: string): Promise<CheckNowDto> {
    return CheckNowDto.from(await this.evaluation.checkNow(rangeId));
  }
}
