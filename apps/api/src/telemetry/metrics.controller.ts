import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags, ApiOperation } from '@nestjs/swagger';
import { ApiTextResponse, TEXT_EXAMPLES } from '../openapi/decorators.js';
import { RequiresRole, Role } from '@app/access';
import { OperationsMetrics } from '@app/telemetry';
import type { Response } from 'express';

/** Prometheus scrape target (outside /api/v1, where scrapers look for it). */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: OperationsMetrics) {}

  @ApiOperation({ summary: 'Prometheus metrics' })
  @Get()
  @RequiresRole(Role.Operator)
  @ApiProduces('text/plain')
  @ApiTextResponse('text/plain', 'Prometheus text exposition: API and workers, queue depths, ranges by state', TEXT_EXAMPLES.metrics)
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.type(this.metrics.contentType);
    return this.metrics.render();
  }
}
