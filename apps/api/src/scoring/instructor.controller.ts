import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Actor, actorOf, CurrentPrincipal, type Principal, RequiresRole, Resources, Role } from '@app/access';
import { CsvDownload } from '@app/csv';
import { LiveEvents } from '@app/queue';
import { BoardService, CopyDetector, ObjectiveService } from '@app/scoring';
import { map, type Observable } from 'rxjs';
import { CopyFlagDto, GradeReportDto, GradeResultDto, NoteDto, SessionBoardDto, TimelineEntryDto } from './scoring.dto.js';

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

  @Get('sessions/:sessionId/board')
  @Resources({ session: 'sessionId' })
  @ApiOkResponse({ type: SessionBoardDto })
  async sessionBoard(@Param('sessionId', ParseUUIDPipe) sessionId: string): Promise<SessionBoardDto> {
    return SessionBoardDto.from(await this.board.board(sessionId));
  }

  @Sse('sessions/:sessionId/stream')
  @Resources({ session: 'sessionId' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'Server-Sent Events: attack steps, objectives met, answers, hints, reports, clock changes' })
  stream(@Param('sessionId', ParseUUIDPipe) sessionId: string): Observable<MessageEvent> {
    return this.live.stream(sessionId).pipe(map((event) => ({ type: event.type, data: event })));
  }

  @Get('sessions/:sessionId/copy-flags')
  @RequiresRole(Role.Instructor, Role.Operator)
  @Resources({ session: 'sessionId' })
  @ApiOkResponse({ type: [CopyFlagDto], description: "Copy detection: values a team submitted that are another team's answer, with both teams, oldest first" })
  async copyFlags(@Param('sessionId', ParseUUIDPipe) sessionId: string): Promise<CopyFlagDto[]> {
    return (await this.copies.listForSession(sessionId)).map(CopyFlagDto.from);
  }

  @Get('ranges/:rangeId/timeline')
  @Resources({ range: 'rangeId' })
  @ApiOkResponse({ type: [TimelineEntryDto] })
  async timeline(@Param('rangeId', ParseUUIDPipe) rangeId: string): Promise<TimelineEntryDto[]> {
    return (await this.board.timeline(rangeId)).map(TimelineEntryDto.from);
  }

  @Post('ranges/:rangeId/notes')
  @Resources({ range: 'rangeId' })
  @ApiOkResponse({ type: TimelineEntryDto })
  async note(@Param('rangeId', ParseUUIDPipe) rangeId: string, @Body() body: NoteDto, @Actor() actor: string): Promise<TimelineEntryDto> {
    const note = await this.board.addNote(rangeId, actor, body.text);
    return TimelineEntryDto.from({ at: note.at, scenarioMs: null, kind: 'note', type: 'note', ref: note.id, phase: null, points: 0, summary: `${note.author}: ${note.text}` });
  }

  @Post('reports/:reportId/grade')
  @Resources({ report: 'reportId' })
  @HttpCode(200)
  @ApiOkResponse({ type: GradeResultDto })
  @ApiForbiddenResponse({ description: "A report of the grader's own team" })
  async grade(@Param('reportId', ParseUUIDPipe) reportId: string, @Body() body: GradeReportDto, @CurrentPrincipal() principal: Principal): Promise<GradeResultDto> {
    const rubric = { ...(body.rubric ?? {}), ...(body.comment ? { comment: body.comment } : {}) };
    return this.objectives.gradeReport(reportId, body.points, rubric, { id: actorOf(principal), role: principal.role, ...(principal.teamId ? { teamId: principal.teamId } : {}) });
  }

  @Get('sessions/:sessionId/export.json')
  @Resources({ session: 'sessionId' })
  @ApiOkResponse({ description: 'After-action review: every team timeline and score' })
  async exportJson(@Param('sessionId', ParseUUIDPipe) sessionId: string) {
    const data = await this.board.exportSession(sessionId);
    return { ...data, teams: data.teams.map((t) => ({ ...t, timeline: t.timeline.map(TimelineEntryDto.from) })) };
  }

  @Get('sessions/:sessionId/export.csv')
  @Resources({ session: 'sessionId' })
  @CsvDownload('scores.csv')
  @ApiOkResponse({ description: 'After-action review as CSV: one row per timeline entry of every team', schema: { type: 'string' } })
  async exportCsv(@Param('sessionId', ParseUUIDPipe) sessionId: string): Promise<string> {
    return this.board.exportSessionCsv(sessionId);
  }

  @Get('analytics/courses')
  @RequiresRole(Role.Instructor, Role.Operator)
  @ApiQuery({ name: 'course', required: false })
  @ApiOkResponse({ description: 'Per course: achievement rate of each objective and the Plan/Do share; no personal data' })
  async aggregate(@Query('course') course?: string) {
    const all = await this.board.aggregateByCourse();
    return course ? all.filter((c) => c.course === course) : all;
  }
}
