import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { RequiresRole, Role } from '@app/access';
import { OperationsMetrics } from '@app/telemetry';
import type { Response } from 'express';

/** Prometheus scrape target (outside /api/v1, where scrapers look for it). */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: OperationsMetrics) {}

  @Get()
  @RequiresRole(Role.Operator)
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition: API and workers, queue depths, ranges by state' })
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.type(this.metrics.contentType);
    return this.metrics.render();
  }
}
