import { Module } from '@nestjs/common';
import { RangesModule } from '@app/ranges';
import { ScenarioModule } from '@app/scenario';
import { CommandRecorder } from './command-recorder.js';
import { TerminalConnections } from './terminal-connection.js';
import { TerminalTargets } from './terminal-targets.js';
import { TerminalTickets } from './terminal-tickets.js';
import { TerminalService } from './terminal.service.js';

/** Interactive terminals on range nodes. Needs DatabaseModule, QueueModule, DockerModule (global); the API only. */
@Module({
  imports: [RangesModule, ScenarioModule],
  providers: [TerminalService, TerminalTargets, TerminalTickets, CommandRecorder, TerminalConnections],
  exports: [TerminalService, TerminalConnections],
})
export class TerminalModule {}
