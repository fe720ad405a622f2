import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresRole, Role } from '@app/access';
import { RangeHosts } from '@app/ranges';
import { RangeHostDto } from './hosts.dto.js';

@ApiTags('hosts')
@RequiresRole(Role.Operator)
@Controller('hosts')
export class HostsController {
  constructor(private readonly hosts: RangeHosts) {}

  @ApiOperation({ summary: 'The range hosts, up or down, with what each holds' })
  @Get()
  @ApiOkResponse({ type: [RangeHostDto], description: 'Every registered host; one whose heartbeat is late is marked down (and its ready ranges degraded) by this read' })
  async list(): Promise<RangeHostDto[]> {
    return (await this.hosts.list()).map((h) => RangeHostDto.from(h));
  }
}
