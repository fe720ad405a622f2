import { Injectable } from '@nestjs/common';
import { AuditTrail, CourseEntity, OrganisationTypeEntity, PrefectureEntity } from '@app/database';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { CourseView } from './views.js';
import { SchedulingNotFoundError, SchedulingRuleError } from './errors.js';

export type CourseUpdate = Partial<
  Pick<
    CourseView,
    | 'name'
    | 'level'
    | 'audience'
    | 'admittedOrganisationTypes'
    | 'prefectureCodes'
    | 'months'
    | 'plannedSessions'
    | 'durationDays'
    | 'defaultSeats'
    | 'defaultTeamSize'
    | 'instructorsPerSession'
  >
>;

/** The course catalogue (A, B-1, B-2, C, ONLINE-A), seeded by migration and editable. */
@Injectable()
export class CourseCatalogService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  async list(): Promise<CourseView[]> {
    const rows = await this.dataSource.getRepository(CourseEntity).find({ order: { code: 'ASC' } });
    return rows.map(courseView);
  }

  async get(code: string, manager: EntityManager = this.dataSource.manager): Promise<CourseView> {
    const row = await manager.findOne(CourseEntity, { where: { code } });
    if (!row) throw new SchedulingNotFoundError(`course ${code} does not exist`);
    return courseView(row);
  }

  async update(code: string, input: CourseUpdate, actor: string): Promise<CourseView> {
    await this.dataSource.transaction(async (m) => {
      const course = await m.findOne(CourseEntity, { where: { code }, lock: { mode: 'pessimistic_write' } });
      if (!course) throw new SchedulingNotFoundError(`course ${code} does not exist`);
      if (input.admittedOrganisationTypes) {
        const known = await m.count(OrganisationTypeEntity, { where: { code: In(input.admittedOrganisationTypes) } });
        if (known !== new Set(input.admittedOrganisationTypes).size) throw new SchedulingNotFoundError(`unknown organisation type among ${input.admittedOrganisationTypes.join(', ')}`);
      }
      if (input.prefectureCodes?.length) {
        const known = await m.count(PrefectureEntity, { where: { code: In(input.prefectureCodes) } });
        if (known !== new Set(input.prefectureCodes).size) throw new SchedulingNotFoundError(`unknown prefecture code among ${input.prefectureCodes.join(', ')}`);
      }
      if (course.placement === 'listed_prefectures' && input.prefectureCodes && input.prefectureCodes.length === 0) {
        throw new SchedulingRuleError(`${code} runs only in listed prefectures; the list cannot be empty`);
      }
      if (input.instructorsPerSession !== undefined && (course.placement === 'online') !== (input.instructorsPerSession === 0)) {
        throw new SchedulingRuleError(
          course.placement === 'online'
            ? `${code} is online and self-paced: its sessions need no instructor, so instructorsPerSession stays 0`
            : `${code} is held in person: a session needs at least 1 instructor`,
        );
      }
      if (course.selfPaced && input.defaultTeamSize !== undefined && input.defaultTeamSize !== 1) {
        throw new SchedulingRuleError(`${code} is self-paced: one trainee per team`);
      }
      await m.update(CourseEntity, { code }, { ...input });
      await this.audit.record({ actor, action: 'course.update', subjectType: 'course', subjectId: code, details: { ...input } }, m);
    });
    return this.get(code);
  }
}

export function courseView(c: CourseEntity): CourseView {
  return {
    code: c.code,
    name: c.name,
    level: c.level,
    format: c.format,
    audience: c.audience,
    admittedOrganisationTypes: c.admittedOrganisationTypes,
    placement: c.placement,
    prefectureCodes: c.prefectureCodes,
    months: c.months,
    plannedSessions: c.plannedSessions,
    durationDays: c.durationDays,
    defaultSeats: c.defaultSeats,
    defaultTeamSize: c.defaultTeamSize,
    instructorsPerSession: c.instructorsPerSession,
    selfPaced: c.selfPaced,
    updatedAt: c.updatedAt,
  };
}
