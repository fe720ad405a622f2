import { Module } from '@nestjs/common';
import { RangesModule } from '@app/ranges';
import { HostsController } from './hosts.controller.js';

@Module({ imports: [RangesModule], controllers: [HostsController] })
export class HostsApiModule {}
