import { Module } from '@nestjs/common';
import { SchedulingModule } from '@app/scheduling';
import { SessionDayModule } from '@app/session-day';
import { CoursesController } from './courses.controller.js';
import { EnrollmentsController } from './enrollments.controller.js';
import { PeopleController } from './people.controller.js';
import { PlansController } from './plans.controller.js';
import { ReferenceDataController } from './reference-data.controller.js';
import { SessionsController, TeamsController } from './sessions.controller.js';

/** The operators' planning side: catalogue, reference data, people, sessions, enrollment, teams, plans. */
@Module({
  imports: [SchedulingModule, SessionDayModule],
  controllers: [
    ReferenceDataController,
    CoursesController,
    PeopleController,
    SessionsController,
    TeamsController,
    EnrollmentsController,
    PlansController,
  ],
})
export class SchedulingApiModule {}
