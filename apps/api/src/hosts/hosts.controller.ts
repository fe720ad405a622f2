import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequiresRole, Role } from '@app/access';
import { RangeHosts, RangeService } from '@app/ranges';
import { HostEvacuationDto, RangeHostDto } from './hosts.dto.js';

@ApiTags('hosts')
@RequiresRole(Role.Operator)
@Controller('hosts')
export class HostsController {
  constructor(
    private readonly hosts: RangeHosts,
    private readonly ranges: RangeService,
  ) {}

  @ApiOperation({ summary: 'The range hosts, up or down, with what each holds' })
  @Get()
  @ApiOkResponse({ type: [RangeHostDto], description: 'Every registered host; one whose heartbeat is late is marked down (and its ready ranges degraded) by this read' })
  async list(): Promise<RangeHostDto[]> {
    return (await this.hosts.list()).map((h) => RangeHostDto.from(h));
  }

  @ApiOperation({ summary: "Provision a down host's ranges again on the up hosts" })
  @Post(':name/evacuate')
  @HttpCode(202)
  @ApiParam({ name: 'name', example: 'host-a', description: 'The down host' })
  @ApiAcceptedResponse({ type: HostEvacuationDto, description: 'Each live range of the host is placed on an up host and provisioned there again (same blueprint, variables and addresses)' })
  @ApiNotFoundResponse({ description: 'No host of that name is registered' })
  @ApiConflictResponse({ description: 'The host is up, or no other host is up to take its ranges' })
  async evacuate(@Param('name') name: string): Promise<HostEvacuationDto> {
    return HostEvacuationDto.from(await this.ranges.evacuateHost(name));
  }
}
