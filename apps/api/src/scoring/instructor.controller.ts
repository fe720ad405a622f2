import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiQuery, ApiTags, ApiOperation, ApiConflictResponse } from '@nestjs/swagger';
import { ApiJsonExampleResponse, ApiTextResponse, TEXT_EXAMPLES } from '../openapi/decorators.js';
import { Actor, actorOf, CurrentPrincipal, type Principal, RequiresRole, Resources, Role } from '@app/access';
import { CsvDownload } from '@app/csv';
import { LiveEvents } from '@app/queue';
import { BoardService, CopyDetector, ObjectiveService } from '@app/scoring';
import { map, type Observable } from 'rxjs';
import { eventWithJst } from '../common/jst-fields.js';
import { jstWallTime } from '@app/time';
import { CopyFlagDto, GradeReportDto, GradeResultDto, NoteDto, ReportDto, SessionBoardDto, TimelineEntryDto } from './scoring.dto.js';

/** What instructors watch and do: the board, timelines, the live stream, grading, notes, exports. */
@ApiTags('instructor')
@RequiresRole(Role.Instructor)
@Controller()
export class InstructorController {
  constructor(
    private readonly board: BoardService,
    private readonly objectives: ObjectiveService,
    private readonly live: LiveEvents,
    private readonly copies: CopyDetector,
  ) {}

  @ApiOperation({ summary: "Get a session's board" })
  @Get('sessions/:sessionId/board')
  @Resources({ session: 'sessionId' })
  @ApiOkResponse({ type: SessionBoardDto })
  async sessionBoard(@Param('sessionId', ParseUUIDPipe) sessionId: string): Promise<SessionBoardDto> {
    return SessionBoardDto.from(await this.board.board(sessionId));
  }

  @ApiOperation({ summary: 'Watch a session live (Server-Sent Events)' })
  @Sse('sessions/:sessionId/stream')
  @Resources({ session: 'sessionId' })
  @ApiProduces('text/event-stream')
  @ApiTextResponse('text/event-stream', 'Server-Sent Events: attack steps, objectives met, answers, hints, reports, clock changes', TEXT_EXAMPLES.instructorStream)
  stream(@Param('sessionId', ParseUUIDPipe) sessionId: string): Observable<MessageEvent> {
    return this.live.stream(sessionId).pipe(map((event) => ({ type: event.type, data: eventWithJst(event) })));
  }

  @ApiOperation({ summary: 'List suspected copied answers' })
  @Get('sessions/:sessionId/copy-flags')
  @RequiresRole(Role.Instructor, Role.Operator)
  @Resources({ session: 'sessionId' })
  @ApiOkResponse({ type: [CopyFlagDto], description: "Copy detection: values a team submitted that are another team's answer, with both teams, oldest first" })
  async copyFlags(@Param('sessionId', ParseUUIDPipe) sessionId: string): Promise<CopyFlagDto[]> {
    return (await this.copies.listForSession(sessionId)).map(CopyFlagDto.from);
  }

  @ApiOperation({ summary: "Get a range's timeline" })
  @Get('ranges/:rangeId/timeline')
  @Resources({ range: 'rangeId' })
  @ApiOkResponse({ type: [TimelineEntryDto] })
  async timeline(@Param('rangeId', ParseUUIDPipe) rangeId: string): Promise<TimelineEntryDto[]> {
    return (await this.board.timeline(rangeId)).map(TimelineEntryDto.from);
  }

  @ApiOperation({ summary: "Add an instructor note to a team's timeline" })
  @Post('ranges/:rangeId/notes')
  @Resources({ range: 'rangeId' })
  @ApiOkResponse({ type: TimelineEntryDto })
  async note(@Param('rangeId', ParseUUIDPipe) rangeId: string, @Body() body: NoteDto, @Actor() actor: string): Promise<TimelineEntryDto> {
    const note = await this.board.addNote(rangeId, actor, body.text);
    return TimelineEntryDto.from({ at: note.at, scenarioMs: null, kind: 'note', type: 'note', ref: note.id, phase: null, points: 0, summary: `${note.author}: ${note.text}` });
  }

  @Get('reports/:reportId')
  @Resources({ report: 'reportId' })
  @ApiOperation({ summary: 'One incident report as submitted, with its IOC results and grade (to grade it)' })
  @ApiOkResponse({ type: ReportDto })
  @ApiNotFoundResponse({ description: 'Unknown report' })
  async report(@Param('reportId', ParseUUIDPipe) reportId: string): Promise<ReportDto> {
    return ReportDto.from(await this.board.report(reportId));
  }

  @ApiOperation({ summary: 'Grade an incident report' })
  @ApiConflictResponse({ description: 'Already graded, more points than the rubric gives, or the session has finished (scores frozen)' })
  @Post('reports/:reportId/grade')
  @Resources({ report: 'reportId' })
  @HttpCode(200)
  @ApiOkResponse({ type: GradeResultDto })
  @ApiForbiddenResponse({ description: "A report of the grader's own team" })
  async grade(@Param('reportId', ParseUUIDPipe) reportId: string, @Body() body: GradeReportDto, @CurrentPrincipal() principal: Principal): Promise<GradeResultDto> {
    const rubric = { ...(body.rubric ?? {}), ...(body.comment ? { comment: body.comment } : {}) };
    return this.objectives.gradeReport(reportId, body.points, rubric, { id: actorOf(principal), role: principal.role, ...(principal.teamId ? { teamId: principal.teamId } : {}) });
  }

  @ApiOperation({ summary: "Export a session's after-action review as JSON" })
  @Get('sessions/:sessionId/export.json')
  @Resources({ session: 'sessionId' })
  @ApiJsonExampleResponse('After-action review: the clock, every team with its score, last event and timeline (each instant with its JST wall time beside it)', {
    sessionId: '5f0c7a4e-3b1d-4c8e-9a2f-6d1e8b7c4a90',
    exportedAt: '2030-11-19T08:05:00.000Z',
    exportedAtJst: '2030-11-19T17:05:00+09:00',
    teams: [{ teamId: '0b8e2d6c-71f4-4a3e-b5c9-2e6f1a7d8c34', teamName: 'Team 1', score: 350, timeline: [{ at: '2030-11-19T02:10:00.000Z', atJst: '2030-11-19T11:10:00+09:00', scenarioMs: 600000, type: 'answer', ref: 'attacker-address', phase: 'detect', points: 100, summary: 'attacker-address answered' }] }],
  })
  async exportJson(@Param('sessionId', ParseUUIDPipe) sessionId: string) {
    const data = await this.board.exportSession(sessionId);
    // The board's own mapping gives the clock and each team's last event their JST wall times.
    const { clock, teams } = SessionBoardDto.from(data);
    return {
      sessionId,
      exportedAt: data.exportedAt,
      exportedAtJst: jstWallTime(data.exportedAt),
      clock,
      teams: teams.map((t, i) => ({ ...t, timeline: data.teams[i]!.timeline.map(TimelineEntryDto.from) })),
    };
  }

  @ApiOperation({ summary: "Export a session's after-action review as CSV" })
  @Get('sessions/:sessionId/export.csv')
  @Resources({ session: 'sessionId' })
  @CsvDownload('scores.csv')
  @ApiTextResponse('text/csv', 'After-action review as CSV: one row per timeline entry of every team', TEXT_EXAMPLES.reviewCsv)
  async exportCsv(@Param('sessionId', ParseUUIDPipe) sessionId: string): Promise<string> {
    return this.board.exportSessionCsv(sessionId);
  }

  @ApiOperation({ summary: 'Course analytics without personal data' })
  @Get('analytics/courses')
  @RequiresRole(Role.Instructor, Role.Operator)
  @ApiQuery({ name: 'course', required: false })
  @ApiJsonExampleResponse('Per course: achievement rate of each objective and the Plan/Do share; no personal data', [
    { course: 'A', sessions: 12, teams: 48, objectives: [{ id: 'attacker-address', achievementRate: 0.82 }] },
  ])
  async aggregate(@Query('course') course?: string) {
    const all = await this.board.aggregateByCourse();
    return course ? all.filter((c) => c.course === course) : all;
  }
}
