import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import { RequiresRole, Role } from '@app/access';
import { SharedTemplateCatalog, TEMPLATE_NAME, templateHash } from '@app/templates';
import {
  TemplateDetailDto,
  TemplateInvalidDto,
  TemplateReloadDto,
  TemplateReloadRefusedDto,
  TemplateSummaryDto,
  TemplateValidationDto,
  ValidateTemplateBodyDto,
  toDetail,
  toSummary,
} from './templates.dto.js';

/**
 * Templates hold every expected answer, IOC and hint: no route here is for
 * trainees (they see their range's nodes through the ranges routes only).
 */
@ApiTags('templates')
@Controller('templates')
export class TemplatesController {
  constructor(private readonly shared: SharedTemplateCatalog) {}

  @Get()
  @RequiresRole(Role.Operator, Role.Instructor)
  @ApiOperation({ summary: 'List the range templates (no answers)' })
  @ApiOkResponse({ type: [TemplateSummaryDto], description: 'Every range template, by id' })
  list(): TemplateSummaryDto[] {
    return this.shared.catalog.list().map((e) => toSummary(e.template, e.hash));
  }

  @Post('validate')
  @HttpCode(200)
  @RequiresRole(Role.Operator)
  @ApiOperation({ summary: 'Validate a template without saving it' })
  @ApiOkResponse({ type: TemplateValidationDto, description: 'The template is valid (nothing is saved)' })
  @ApiBadRequestResponse({ type: TemplateInvalidDto, description: 'Every error of the template, each with its path (at most 100, and how many more)' })
  @ApiPayloadTooLargeResponse({ description: 'The body is larger than a template can be, even JSON-escaped' })
  validate(@Body() body: ValidateTemplateBodyDto): TemplateValidationDto {
    const { template, issues, omittedIssues } = this.shared.catalog.check(body.yaml);
    if (!template) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: omittedIssues ? `Template is invalid (${issues.length} of ${issues.length + omittedIssues} errors listed)` : 'Template is invalid',
        valid: false,
        errors: issues,
        omittedErrors: omittedIssues,
      });
    }
    return { valid: true, summary: toSummary(template, templateHash(body.yaml)) };
  }

  @Post('reload')
  @HttpCode(200)
  @RequiresRole(Role.Operator)
  @ApiOperation({ summary: 'Reload the template catalogue from RANGE_TEMPLATES_DIR, in every API and worker process' })
  @ApiOkResponse({ type: TemplateReloadDto, description: 'The new catalogue: what was added, changed and removed' })
  @ApiBadRequestResponse({ type: TemplateReloadRefusedDto, description: 'A file is broken: every error of every file; the last good catalogue stays' })
  async reload(): Promise<TemplateReloadDto> {
    const result = await this.shared.reload();
    return { ...result, templates: this.list() };
  }

  @Get(':id')
  @RequiresRole(Role.Operator, Role.Instructor)
  @ApiOperation({ summary: 'One template with its source: every answer, IOC and hint (operators and instructors only)' })
  @ApiParam({ name: 'id', description: "The template's id (its file name)", schema: { type: 'string', pattern: TEMPLATE_NAME.source, example: 'course-a' } })
  @ApiOkResponse({ type: TemplateDetailDto })
  @ApiNotFoundResponse({ description: 'No template with this id' })
  get(@Param('id') id: string): TemplateDetailDto {
    return toDetail(this.shared.catalog.get(id));
  }
}
