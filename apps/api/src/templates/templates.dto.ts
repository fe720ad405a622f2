import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { MAX_TEMPLATE_BYTES, TEMPLATE_NAME, templateOverview, type CatalogEntry, type RangeTemplate } from '@app/templates';

export class LocalizedTextDto {
  @ApiProperty()
  ja!: string;

  @ApiProperty()
  en!: string;
}

export class TemplateSummaryDto {
  @ApiProperty({ pattern: TEMPLATE_NAME.source, example: 'course-a' })
  id!: string;

  @ApiProperty({ example: '1.0.0' })
  version!: string;

  @ApiProperty({ description: 'sha256 of the template source; a range records it' })
  hash!: string;

  @ApiProperty({ type: LocalizedTextDto })
  title!: LocalizedTextDto;

  @ApiProperty({ type: LocalizedTextDto })
  description!: LocalizedTextDto;

  @ApiProperty({ type: [String], example: ['A'] })
  courses!: string[];

  @ApiPropertyOptional({ example: 'beginner' })
  level?: string;

  @ApiProperty({ example: 180 })
  durationMinutes!: number;

  @ApiProperty({ type: [String], description: 'Network segments, one Docker network each per range' })
  networks!: string[];

  @ApiProperty({ type: [String], description: 'Node names' })
  nodes!: string[];

  @ApiProperty()
  attackSteps!: number;

  @ApiProperty({ description: 'Objectives per phase', example: { detect: 2, analyze: 3 } })
  objectivesByPhase!: Record<string, number>;

  @ApiProperty({
    example: 1500,
    description: 'The most a team can score: every objective\'s points and time bonus (credits for blocked attack steps, BLOCKED_STEP_POINTS, are not counted)',
  })
  maxScore!: number;
}

export class TemplateDetailDto extends TemplateSummaryDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The template after validation, with its defaults' })
  template!: RangeTemplate;

  @ApiProperty({ description: 'The YAML source the hash is computed from' })
  source!: string;
}

/**
 * The validate route's body limit: a template of MAX_TEMPLATE_BYTES, JSON-escaped.
 * Escaping at most triples valid YAML text (a 2-byte UTF-8 character becomes
 * "\u00e9", 6 bytes), so a template the parser would accept is never refused
 * with 413 for its envelope.
 */
export const VALIDATE_BODY_LIMIT_BYTES = 3 * MAX_TEMPLATE_BYTES + 1024;

export class ValidateTemplateBodyDto {
  @ApiProperty({ description: `The template as YAML text (at most ${MAX_TEMPLATE_BYTES} bytes)` })
  @IsString()
  @MaxLength(MAX_TEMPLATE_BYTES)
  yaml!: string;
}

export class TemplateIssueDto {
  @ApiProperty({ example: 'nodes[2].networks[0]' })
  path!: string;

  @ApiProperty({ example: 'unknown network "dmz2"' })
  message!: string;
}

export class TemplateValidationDto {
  @ApiProperty({ example: true })
  valid!: boolean;

  @ApiProperty({ type: TemplateSummaryDto, description: 'What the template would provide (its hash is of the body sent)' })
  summary!: TemplateSummaryDto;
}

export class TemplateInvalidDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Template is invalid' })
  message!: string;

  @ApiProperty({ example: false })
  valid!: boolean;

  @ApiProperty({ type: [TemplateIssueDto], description: 'Every problem, each with its path (at most 100)' })
  errors!: TemplateIssueDto[];

  @ApiProperty({ example: 0, description: 'How many more problems there are beyond those listed' })
  omittedErrors!: number;
}

export class TemplateReloadDto {
  @ApiProperty({ description: 'sha256 over every template id and hash: every process reports the same one' })
  digest!: string;

  @ApiProperty({ type: [String] })
  added!: string[];

  @ApiProperty({ type: [String], description: 'Templates whose file changed (ranges already rendered keep their blueprint and its hash)' })
  changed!: string[];

  @ApiProperty({ type: [String] })
  removed!: string[];

  @ApiProperty({ type: [String] })
  unchanged!: string[];

  @ApiProperty({ type: [TemplateSummaryDto] })
  templates!: TemplateSummaryDto[];
}

export class TemplateFileIssueDto extends TemplateIssueDto {
  @ApiProperty({ example: 'course-a.yaml' })
  file!: string;
}

export class TemplateReloadRefusedDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'The template catalogue was not reloaded: the last good catalogue stays' })
  message!: string;

  @ApiProperty({ type: [TemplateFileIssueDto], description: 'Every problem of every file' })
  errors!: TemplateFileIssueDto[];

  @ApiProperty({ type: [TemplateSummaryDto], description: 'The catalogue still in use' })
  templates!: TemplateSummaryDto[];
}

export function toSummary(template: RangeTemplate, hash: string): TemplateSummaryDto {
  return templateOverview(template, hash);
}

export function toDetail(entry: CatalogEntry): TemplateDetailDto {
  return { ...toSummary(entry.template, entry.hash), template: entry.template, source: entry.source };
}
