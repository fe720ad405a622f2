import { Module } from '@nestjs/common';
import { TerminalModule } from '@app/terminal';
import { TerminalGateway } from './terminal.gateway.js';

@Module({ imports: [TerminalModule], providers: [TerminalGateway] })
export class TerminalApiModule {}
