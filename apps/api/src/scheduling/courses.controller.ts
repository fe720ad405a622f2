import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { CourseCatalogService } from '@app/scheduling';
import { Actor, RequiresRole, Role } from '@app/access';
import { CourseDto, UpdateCourseDto } from './course.dto.js';

@ApiTags('courses')
@RequiresRole(Role.Operator)
@Controller('courses')
export class CoursesController {
  constructor(private readonly catalog: CourseCatalogService) {}

  @ApiOperation({ summary: 'List the course catalogue' })
  @Get()
  @ApiOkResponse({ type: [CourseDto], description: 'The catalogue: A, B-1, B-2, C, ONLINE-A' })
  async list(): Promise<CourseDto[]> {
    return (await this.catalog.list()).map(CourseDto.from);
  }

  @ApiOperation({ summary: 'Get a course' })
  @Get(':code')
  @ApiOkResponse({ type: CourseDto })
  @ApiNotFoundResponse()
  async get(@Param('code') code: string): Promise<CourseDto> {
    return CourseDto.from(await this.catalog.get(code));
  }

  @ApiOperation({ summary: 'Change a course' })
  @Patch(':code')
  @ApiOkResponse({ type: CourseDto })
  @ApiNotFoundResponse()
  @ApiConflictResponse()
  async update(@Param('code') code: string, @Body() body: UpdateCourseDto, @Actor() actor: string): Promise<CourseDto> {
    return CourseDto.from(await this.catalog.update(code, body, actor));
  }
}
