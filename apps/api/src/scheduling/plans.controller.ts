import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { AnnualPlanner } from '@app/scheduling';
import { Actor, RequiresRole, Role } from '@app/access';
import { CreatePlanDto, PlanDto, PlanPageDto, PlanQueryDto, PlanRefusalDto } from './plan.dto.js';

@ApiTags('annual plans')
@RequiresRole(Role.Operator)
@Controller('plans')
export class PlansController {
  constructor(private readonly planner: AnnualPlanner) {}

  @ApiOperation({ summary: 'Generate an annual plan' })
  @Post()
  @ApiCreatedResponse({ type: PlanDto, description: 'A draft schedule; its sessions are listed by GET /sessions?planId=' })
  @ApiConflictResponse({ type: PlanRefusalDto, description: 'The plan cannot be made: which constraint failed, for which course and month' })
  async generate(@Body() body: CreatePlanDto, @Actor() actor: string): Promise<PlanDto> {
    return PlanDto.from(await this.planner.generate(body, actor));
  }

  @ApiOperation({ summary: 'List annual plans' })
  @Get()
  @ApiOkResponse({ type: PlanPageDto })
  async list(@Query() query: PlanQueryDto): Promise<PlanPageDto> {
    const page = await this.planner.list(query);
    return { ...page, items: page.items.map(PlanDto.from) };
  }

  @ApiOperation({ summary: 'Get an annual plan' })
  @Get(':id')
  @ApiOkResponse({ type: PlanDto })
  @ApiNotFoundResponse()
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<PlanDto> {
    return PlanDto.from(await this.planner.get(id));
  }

  @ApiOperation({ summary: 'Publish a plan' })
  @Post(':id/publish')
  @HttpCode(200)
  @ApiOkResponse({ type: PlanDto, description: 'Every draft session of the plan is open for enrollment' })
  @ApiConflictResponse({ description: 'Already published, or a session cannot open' })
  async publish(@Param('id', ParseUUIDPipe) id: string, @Actor() actor: string): Promise<PlanDto> {
    return PlanDto.from(await this.planner.publish(id, actor));
  }

  @ApiOperation({ summary: 'Discard a draft plan' })
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The draft plan and its draft sessions are gone' })
  @ApiConflictResponse({ description: 'The plan is published' })
  async discard(@Param('id', ParseUUIDPipe) id: string, @Actor() actor: string): Promise<void> {
    await this.planner.discard(id, actor);
  }
}
