import { Module } from '@nestjs/common';
import { RANGE_TEMPLATE_SOURCE } from './blueprint.js';
import { TemplateCatalog } from './template-catalog.js';

/** The template catalogue, also provided as the RangeTemplateSource provisioning renders from. */
@Module({
  providers: [TemplateCatalog, { provide: RANGE_TEMPLATE_SOURCE, useExisting: TemplateCatalog }],
  exports: [TemplateCatalog, RANGE_TEMPLATE_SOURCE],
})
export class TemplatesModule {}
