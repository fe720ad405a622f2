import { Module } from '@nestjs/common';
import { SessionDayModule } from '@app/session-day';
import { InstructorControlsController } from './instructor-controls.controller.js';
import { SessionDayController } from './session-day.controller.js';
import { TraineeStreamController } from './trainee-stream.controller.js';

@Module({ imports: [SessionDayModule], controllers: [SessionDayController, InstructorControlsController, TraineeStreamController] })
export class SessionDayApiModule {}
