import { Module } from '@nestjs/common';
import { AnnualPlanner } from './annual-planner.service.js';
import { BookingGuard } from './booking-guard.js';
import { CourseCatalogService } from './course-catalog.service.js';
import { EnrollmentService } from './enrollment.service.js';
import { PeopleService } from './people.service.js';
import { ReferenceDataService } from './reference-data.service.js';
import { SessionTeamsReader } from './session-teams.reader.js';
import { SessionService } from './session.service.js';
import { TeamFormationService } from './team-formation.service.js';

const SERVICES = [
  AnnualPlanner,
  BookingGuard,
  CourseCatalogService,
  EnrollmentService,
  PeopleService,
  ReferenceDataService,
  SessionService,
  SessionTeamsReader,
  TeamFormationService,
];

/** Course catalogue, sessions, enrollment, teams and the annual planner. Needs DatabaseModule. */
@Module({ providers: SERVICES, exports: SERVICES })
export class SchedulingModule {}
