import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { EnrollmentService } from '@app/scheduling';
import { Actor, RequiresRole, Role } from '@app/access';
import { CancellationDto, CreateEnrollmentDto, EnrollmentDto, EnrollmentPageDto, EnrollmentQueryDto } from './session.dto.js';

@ApiTags('enrollments')
@RequiresRole(Role.Operator)
@Controller('sessions/:id/enrollments')
export class EnrollmentsController {
  constructor(private readonly enrollments: EnrollmentService) {}

  @ApiOperation({ summary: "List a session's enrollments" })
  @Get()
  @ApiOkResponse({ type: EnrollmentPageDto, description: 'In arrival order, paged' })
  @ApiNotFoundResponse()
  async list(@Param('id', ParseUUIDPipe) id: string, @Query() query: EnrollmentQueryDto): Promise<EnrollmentPageDto> {
    const page = await this.enrollments.list(id, query);
    return { ...page, items: page.items.map(EnrollmentDto.from) };
  }

  @ApiOperation({ summary: 'Enroll a trainee in a session' })
  @Post()
  @ApiCreatedResponse({ type: EnrollmentDto, description: 'Confirmed while seats last, then waitlisted in arrival order' })
  @ApiNotFoundResponse({ description: 'Unknown session or trainee' })
  @ApiConflictResponse({ description: 'Not eligible, already enrolled, or the session is not open' })
  async enroll(@Param('id', ParseUUIDPipe) id: string, @Body() body: CreateEnrollmentDto, @Actor() actor: string): Promise<EnrollmentDto> {
    return EnrollmentDto.from(await this.enrollments.enroll(id, body.traineeId, actor));
  }

  @ApiOperation({ summary: 'Cancel an enrollment' })
  @Delete(':enrollmentId')
  @ApiOkResponse({ type: CancellationDto, description: 'Cancelled; the first waitlisted trainee is promoted' })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Already cancelled, or the session is being provisioned or later' })
  async cancel(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('enrollmentId', ParseUUIDPipe) enrollmentId: string,
    @Actor() actor: string,
  ): Promise<CancellationDto> {
    const result = await this.enrollments.cancel(id, enrollmentId, actor);
    return { cancelled: EnrollmentDto.from(result.cancelled), promoted: result.promoted ? EnrollmentDto.from(result.promoted) : null };
  }
}
