import { Inject, Injectable, Optional, ServiceUnavailableException } from '@nestjs/common';
import { RANGE_TEMPLATE_SOURCE, type RangeBlueprint, type RangeTemplateSource, type TemplateSummary } from '@app/templates';

/**
 * The RangeTemplateSource of the application (libs/templates provides it
 * under RANGE_TEMPLATE_SOURCE; tests may provide a fixture). Provisioning
 * depends on nothing else of the template language.
 */
@Injectable()
export class TemplateCatalogue {
  constructor(@Optional() @Inject(RANGE_TEMPLATE_SOURCE) private readonly source?: RangeTemplateSource) {}

  private get required(): RangeTemplateSource {
    if (!this.source) {
      throw new ServiceUnavailableException('no range template catalogue is installed (RANGE_TEMPLATE_SOURCE is not provided)');
    }
    return this.source;
  }

  describe(templateId: string): Promise<TemplateSummary> {
    return this.required.describe(templateId);
  }

  render(templateId: string, subnets: Record<string, string>, seed?: string): Promise<RangeBlueprint> {
    return this.required.render(templateId, subnets, seed);
  }
}
