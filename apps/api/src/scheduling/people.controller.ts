import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { PeopleService } from '@app/scheduling';
import { Actor, RequiresRole, Role } from '@app/access';
import {
  CreateInstructorDto,
  CreateTraineeDto,
  InstructorDto,
  InstructorPageDto,
  InstructorQueryDto,
  TraineeDto,
  TraineePageDto,
  TraineeQueryDto,
  UpdateInstructorDto,
  UpdateTraineeDto,
} from './people.dto.js';

@ApiTags('people')
@RequiresRole(Role.Operator)
@Controller()
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @ApiOperation({ summary: 'List trainees' })
  @Get('trainees')
  @ApiOkResponse({ type: TraineePageDto })
  async trainees(@Query() query: TraineeQueryDto): Promise<TraineePageDto> {
    const page = await this.people.listTrainees(query);
    return { ...page, items: page.items.map(TraineeDto.from) };
  }

  @ApiOperation({ summary: 'Get a trainee' })
  @Get('trainees/:id')
  @ApiOkResponse({ type: TraineeDto })
  @ApiNotFoundResponse()
  async trainee(@Param('id', ParseUUIDPipe) id: string): Promise<TraineeDto> {
    return TraineeDto.from(await this.people.getTrainee(id));
  }

  @ApiOperation({ summary: 'Register a trainee' })
  @Post('trainees')
  @ApiCreatedResponse({ type: TraineeDto })
  @ApiConflictResponse({ description: 'The e-mail is taken' })
  async createTrainee(@Body() body: CreateTraineeDto, @Actor() actor: string): Promise<TraineeDto> {
    return TraineeDto.from(await this.people.createTrainee(body, actor));
  }

  @ApiOperation({ summary: 'Change a trainee' })
  @Patch('trainees/:id')
  @ApiOkResponse({ type: TraineeDto })
  @ApiConflictResponse({
    description: 'The e-mail is taken, or a new organisation would make an open enrollment ineligible (`enrollments`: each with the reason; cancel them first)',
  })
  async updateTrainee(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateTraineeDto, @Actor() actor: string): Promise<TraineeDto> {
    return TraineeDto.from(await this.people.updateTrainee(id, body, actor));
  }

  @ApiOperation({ summary: 'List instructors' })
  @Get('instructors')
  @ApiOkResponse({ type: InstructorPageDto })
  async instructors(@Query() query: InstructorQueryDto): Promise<InstructorPageDto> {
    const page = await this.people.listInstructors(query);
    return { ...page, items: page.items.map(InstructorDto.from) };
  }

  @ApiOperation({ summary: 'Get an instructor' })
  @Get('instructors/:id')
  @ApiOkResponse({ type: InstructorDto })
  @ApiNotFoundResponse()
  async instructor(@Param('id', ParseUUIDPipe) id: string): Promise<InstructorDto> {
    return InstructorDto.from(await this.people.getInstructor(id));
  }

  @ApiOperation({ summary: 'Register an instructor' })
  @Post('instructors')
  @ApiCreatedResponse({ type: InstructorDto })
  @ApiConflictResponse({ description: 'The e-mail is taken' })
  async createInstructor(@Body() body: CreateInstructorDto, @Actor() actor: string): Promise<InstructorDto> {
    return InstructorDto.from(await this.people.createInstructor(body, actor));
  }

  @ApiOperation({ summary: 'Change an instructor' })
  @ApiConflictResponse({ description: 'The e-mail is taken' })
  @Patch('instructors/:id')
  @ApiOkResponse({ type: InstructorDto })
  async updateInstructor(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateInstructorDto, @Actor() actor: string): Promise<InstructorDto> {
    return InstructorDto.from(await this.people.updateInstructor(id, body, actor));
  }
}
