import { Module } from '@nestjs/common';
import { RangesModule } from '@app/ranges';
import { RangesController, SessionRangesController } from './ranges.controller.js';

@Module({ imports: [RangesModule], controllers: [SessionRangesController, RangesController] })
export class RangesApiModule {}
