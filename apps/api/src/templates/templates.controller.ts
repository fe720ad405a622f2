import { BadRequestException, Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { TemplateCatalog, TemplateNotFoundError, templateHash } from '@app/templates';
import {
  TemplateDetailDto,
  TemplateInvalidDto,
  TemplateSummaryDto,
  TemplateValidationDto,
  ValidateTemplateBodyDto,
  toDetail,
  toSummary,
} from './templates.dto.js';

@ApiTags('templates')
@Controller('templates')
export class TemplatesController {
  constructor(private readonly catalog: TemplateCatalog) {}

  @Get()
  @ApiOkResponse({ type: [TemplateSummaryDto], description: 'Every range template, by id' })
  list(): TemplateSummaryDto[] {
    return this.catalog.list().map((e) => toSummary(e.template, e.hash));
  }

  @Post('validate')
  @HttpCode(200)
  @ApiOkResponse({ type: TemplateValidationDto, description: 'The template is valid (nothing is saved)' })
  @ApiBadRequestResponse({ type: TemplateInvalidDto, description: 'Every error of the template, each with its path' })
  validate(@Body() body: ValidateTemplateBodyDto): TemplateValidationDto {
    const { template, issues } = this.catalog.check(body.yaml);
    if (!template) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'Template is invalid', valid: false, errors: issues });
    }
    return { valid: true, summary: toSummary(template, templateHash(body.yaml)) };
  }

  @Get(':id')
  @ApiOkResponse({ type: TemplateDetailDto })
  @ApiNotFoundResponse({ description: 'No template with this id' })
  get(@Param('id') id: string): TemplateDetailDto {
    try {
      return toDetail(this.catalog.get(id));
    } catch (err) {
      if (err instanceof TemplateNotFoundError) throw new NotFoundException(err.message);
      throw err;
    }
  }
}
