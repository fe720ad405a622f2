import { Module } from '@nestjs/common';
import { TerminalModule } from '@app/terminal';
import { TerminalGateway } from './terminal.gateway.js';
import { TerminalsController } from './terminals.controller.js';

@Module({ imports: [TerminalModule], controllers: [TerminalsController], providers: [TerminalGateway] })
export class TerminalApiModule {}
