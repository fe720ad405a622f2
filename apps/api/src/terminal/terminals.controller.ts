import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequiresRole, Resources, Role } from '@app/access';
import { TerminalService } from '@app/terminal';
import { NodeParamDto, TerminalDto, TerminalTicketDto, TerminalTicketRequestDto } from './terminal.dto.js';

/** Tickets for the terminal WebSocket, and the operators' view of open terminals. */
@ApiTags('terminals')
@Controller()
export class TerminalsController {
  constructor(private readonly terminals: TerminalService) {}

  @ApiOperation({ summary: 'Get a terminal ticket for a node' })
  @Post('ranges/:rangeId/nodes/:node/terminal-tickets')
  @RequiresRole(Role.Trainee, Role.Instructor, Role.Operator)
  @Resources({ range: 'rangeId' })
  @ApiCreatedResponse({ type: TerminalTicketDto, description: 'A single-use ticket, valid 30 s: open `ws …/api/v1/terminal?ticket=…` with it' })
  @ApiNotFoundResponse({ description: "Unknown range or node (another team's range too: the attempt is audited)" })
  @ApiConflictResponse({ description: 'Refused, with `reason`: no-shell, range-not-active, node-not-running, user-limit, node-limit, not-watchable' })
  async ticket(
    @Param('rangeId', ParseUUIDPipe) rangeId: string,
    @Param() params: NodeParamDto,
    @Body() body: TerminalTicketRequestDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TerminalTicketDto> {
    return TerminalTicketDto.from(await this.terminals.issueTicket(principal, rangeId, params.node, body.mode ?? 'shell', body.terminalId));
  }

  @ApiOperation({ summary: 'List the open terminals' })
  @Get('terminals')
  @RequiresRole(Role.Operator)
  @ApiOkResponse({ type: [TerminalDto], description: 'Terminals open in this API process' })
  list(): TerminalDto[] {
    return this.terminals.list().map(TerminalDto.from);
  }

  @ApiOperation({ summary: 'Close a terminal' })
  @Delete('terminals/:id')
  @RequiresRole(Role.Operator)
  @HttpCode(200)
  @ApiOkResponse({ type: TerminalDto, description: 'Closed: its clients were told, its processes killed' })
  @ApiNotFoundResponse({ description: 'No such open terminal' })
  async close(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<TerminalDto> {
    return TerminalDto.from(await this.terminals.close(id, principal));
  }
}
