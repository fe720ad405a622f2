import { Module } from '@nestjs/common';
import { RangesModule } from '@app/ranges';
import { SessionDayModule } from '@app/session-day';
import { RangesController, SessionRangesController } from './ranges.controller.js';

@Module({ imports: [RangesModule, SessionDayModule], controllers: [SessionRangesController, RangesController] })
export class RangesApiModule {}
