import { Module } from '@nestjs/common';
import { SessionDayModule } from '@app/session-day';
import { InstructorControlsController } from './instructor-controls.controller.js';
import { SessionDayController } from './session-day.controller.js';

@Module({ imports: [SessionDayModule], controllers: [SessionDayController, InstructorControlsController] })
export class SessionDayApiModule {}
