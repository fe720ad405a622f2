import { Module } from '@nestjs/common';
import { RANGE_TEMPLATE_SOURCE } from './blueprint.js';
import { SharedTemplateCatalog } from './shared-template-catalog.js';
import { TemplateCatalog } from './template-catalog.js';

/**
 * The template catalogue, shared by every process (reloads announced over
 * Redis), and provided as the RangeTemplateSource provisioning renders from.
 */
@Module({
  providers: [TemplateCatalog, SharedTemplateCatalog, { provide: RANGE_TEMPLATE_SOURCE, useExisting: SharedTemplateCatalog }],
  exports: [TemplateCatalog, SharedTemplateCatalog, RANGE_TEMPLATE_SOURCE],
})
export class TemplatesModule {}
