import { AnnualPlanEntity } from './annual-plan.entity.js';
import { CourseEntity } from './course.entity.js';
import { EnrollmentEntity } from './enrollment.entity.js';
import { InstructorEntity } from './instructor.entity.js';
import { OrganisationTypeEntity } from './organisation-type.entity.js';
import { OrganisationEntity } from './organisation.entity.js';
import { PrefectureEntity } from './prefecture.entity.js';
import { RegionEntity } from './region.entity.js';
import { SessionInstructorEntity } from './session-instructor.entity.js';
import { SessionEntity } from './session.entity.js';
import { TeamMemberEntity } from './team-member.entity.js';
import { TeamEntity } from './team.entity.js';
import { TraineeEntity } from './trainee.entity.js';
import { VenueEntity } from './venue.entity.js';

export type { AnnualPlanStatus } from './annual-plan.entity.js';
export type { CourseFormat, CoursePlacement } from './course.entity.js';
export type { EnrollmentStatus } from './enrollment.entity.js';
export type { CalendarOverrideRecord, OtherRegionPolicy, SessionStatus } from './session.entity.js';
export {
  AnnualPlanEntity,
  CourseEntity,
  EnrollmentEntity,
  InstructorEntity,
  OrganisationEntity,
  OrganisationTypeEntity,
  PrefectureEntity,
  RegionEntity,
  SessionEntity,
  SessionInstructorEntity,
  TeamEntity,
  TeamMemberEntity,
  TraineeEntity,
  VenueEntity,
};

/** Course catalogue, reference data, sessions, enrollment and teams (libs/scheduling). */
export const SCHEDULING_ENTITIES = [
  RegionEntity,
  PrefectureEntity,
  OrganisationTypeEntity,
  OrganisationEntity,
  VenueEntity,
  CourseEntity,
  InstructorEntity,
  TraineeEntity,
  AnnualPlanEntity,
  SessionEntity,
  SessionInstructorEntity,
  EnrollmentEntity,
  TeamEntity,
  TeamMemberEntity,
];
