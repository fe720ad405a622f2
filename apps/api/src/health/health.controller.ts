import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { Public } from '@app/access';
import type { Response } from 'express';
import { HealthDto } from './health.dto.js';
import { HealthService } from './health.service.js';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @ApiOperation({ summary: 'Health of the API and its dependencies' })
  @Get()
  @ApiOkResponse({ type: HealthDto, description: 'Every dependency is up' })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'At least one dependency is down' })
  async get(@Res({ passthrough: true }) res: Response): Promise<HealthDto> {
    const report = await this.health.check();
    res.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}
