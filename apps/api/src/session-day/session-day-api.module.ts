import { Module } from '@nestjs/common';
import { SessionDayModule } from '@app/session-day';
import { SessionDayController } from './session-day.controller.js';

@Module({ imports: [SessionDayModule], controllers: [SessionDayController] })
export class SessionDayApiModule {}
