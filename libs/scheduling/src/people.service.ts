import { Injectable } from '@nestjs/common';
import { AuditTrail, CourseEntity, InstructorEntity, OrganisationEntity, TraineeEntity } from '@app/database';
import { DataSource, In, type EntityManager } from 'typeorm';
import { pageWindow, SqlWhere, toPage } from './paging.js';
import type { InstructorView, Page, PageRequest, TraineeView } from './views.js';
import { SchedulingNotFoundError, SchedulingRuleError } from './errors.js';
import { eligibilityRefusal } from './enrollment-rules.js';
import { jstLabel } from '@app/time';

export interface TraineeInput {
  name: string;
  email: string;
  organisationId: string;
}

export interface InstructorInput {
  name: string;
  email: string;
  courseCodes: string[];
  active?: boolean;
}

/**
 * Trainees and instructors: minimal personal data (CPSF). Every change is audited in the same
 * transaction; the audit records which fields changed, never their personal values.
 */
@Injectable()
export class PeopleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  async listTrainees(filter: PageRequest & { organisationId?: string; email?: string }): Promise<Page<TraineeView>> {
    const where = new SqlWhere();
    if (filter.organisationId) where.add((p) => `t.organisation_id = ${p(filter.organisationId)}`);
    if (filter.email) where.add((p) => `lower(t.email) = lower(${p(filter.email)})`);
    const from = `FROM trainees t JOIN organisations o ON o.id = t.organisation_id`;
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n ${from} ${where.sql}`, where.params);
    const { pageSize, offset } = pageWindow(filter);
    const rows = await this.dataSource.query(
      `SELECT t.*, o.name AS organisation_name, o.type_code ${from} ${where.sql} ORDER BY t.name, t.id LIMIT ${where.next(pageSize)} OFFSET ${where.next(offset)}`,
      where.params,
    );
    return toPage(rows.map(traineeView), n, filter);
  }

  async getTrainee(id: string, manager: EntityManager = this.dataSource.manager): Promise<TraineeView> {
    const [row] = await manager.query(
      `SELECT t.*, o.name AS organisation_name, o.type_code FROM trainees t JOIN organisations o ON o.id = t.organisation_id WHERE t.id = $1`,
      [id],
    );
    if (!row) throw new SchedulingNotFoundError(`trainee ${id} does not exist`);
    return traineeView(row);
  }

  async createTrainee(input: TraineeInput, actor: string): Promise<TraineeView> {
    const id = await this.dataSource.transaction(async (m) => {
      await this.requireOrganisation(m, input.organisationId);
      const saved = await m.save(TraineeEntity, m.create(TraineeEntity, input));
      await this.audit.record(
        { actor, action: 'trainee.create', subjectType: 'trainee', subjectId: saved.id, details: { organisationId: input.organisationId } },
        m,
      );
      return saved.id;
    });
    return this.getTrainee(id);
  }

  async updateTrainee(id: string, input: Partial<TraineeInput>, actor: string): Promise<TraineeView> {
    await this.dataSource.transaction(async (m) => {
      const trainee = await m.findOne(TraineeEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!trainee) throw new SchedulingNotFoundError(`trainee ${id} does not exist`);
      if (input.organisationId) await this.requireOrganisation(m, input.organisationId);
      if (input.organisationId && input.organisationId !== trainee.organisationId) await this.recheckEligibility(m, trainee, input.organisationId);
      await m.update(TraineeEntity, { id }, input);
      await this.audit.record({ actor, action: 'trainee.update', subjectType: 'trainee', subjectId: id, details: { fields: Object.keys(input) } }, m);
    });
    return this.getTrainee(id);
  }

  /**
   * An organisation change re-checks every open enrollment (not cancelled, session not finished or
   * cancelled) against the new organisation. One that would become ineligible refuses the change
   * (409 naming each enrollment and why): the operator cancels those enrollments first (which
   * promotes the waitlist) or keeps the organisation. Refusing, not flagging, keeps every
   * confirmed enrollment eligible, so team formation and provisioning never meet one that is not.
   * The trainee row is locked first; an enrollment in flight holds it shared (enroll), so none slips past.
   */
  private async recheckEligibility(m: EntityManager, trainee: TraineeEntity, organisationId: string): Promise<void> {
    const [organisation] = await m.query(
      `SELECT o.name, o.type_code, ot.name AS type_name, r.id AS region_id, r.name AS region_name
       FROM organisations o JOIN organisation_types ot ON ot.code = o.type_code
       LEFT JOIN prefectures p ON p.code = o.prefecture_code LEFT JOIN regions r ON r.id = p.region_id WHERE o.id = $1`,
      [organisationId],
    );
    const open: Array<{
      id: string; status: string; session_id: string; course_code: string; placement: string; admitted: string[];
      starts_at: Date; region_id: string | null; region_name: string | null; other_region: 'warn' | 'refuse';
    }> = await m.query(
      `SELECT e.id, e.status, s.id AS session_id, s.course_code, c.placement, c.admitted_organisation_types AS admitted,
              s.starts_at, s.region_id, r.name AS region_name, s.other_region
       FROM enrollments e JOIN sessions s ON s.id = e.session_id JOIN courses c ON c.code = s.course_code LEFT JOIN regions r ON r.id = s.region_id
       WHERE e.trainee_id = $1 AND e.status <> 'cancelled' AND s.status NOT IN ('finished', 'cancelled')
       ORDER BY s.starts_at`,
      [trainee.id],
    );
    const typeNames = new Map<string, string>((await m.query(`SELECT code, name FROM organisation_types ORDER BY sort_order`)).map((t: { code: string; name: string }) => [t.code, t.name]));
    const refused = open
      .map((e) => ({
        enrollmentId: e.id,
        sessionId: e.session_id,
        status: e.status,
        reason: eligibilityRefusal({
          course: { code: e.course_code, placement: e.placement, admittedOrganisationTypes: e.admitted },
          session: { regionId: e.region_id, regionName: e.region_name, otherRegion: e.other_region },
          organisation: { name: organisation.name, typeCode: organisation.type_code, typeName: organisation.type_name, regionId: organisation.region_id, regionName: organisation.region_name },
          admittedNames: e.admitted.map((code) => typeNames.get(code) ?? code),
        }),
        label: `${e.course_code} session ${e.session_id} (${jstLabel(e.starts_at)})`,
      }))
      .filter((e) => e.reason !== null);
    if (refused.length > 0) {
      throw new SchedulingRuleError(
        `${trainee.name} cannot move to ${organisation.name}: ${refused.map((e) => `the ${e.status} enrollment in ${e.label} would not be eligible (${e.reason})`).join('; ')}; cancel ${refused.length === 1 ? 'that enrollment' : 'those enrollments'} first`,
        { enrollments: refused.map(({ enrollmentId, sessionId, reason }) => ({ enrollmentId, sessionId, reason })) },
      );
    }
  }

  async listInstructors(filter: PageRequest & { course?: string; active?: boolean }): Promise<Page<InstructorView>> {
    const where = new SqlWhere();
    if (filter.course) where.add((p) => `${p(filter.course)} = ANY(course_codes)`);
    if (filter.active !== undefined) where.add((p) => `active = ${p(filter.active)}`);
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM instructors ${where.sql}`, where.params);
    const { pageSize, offset } = pageWindow(filter);
    const rows = await this.dataSource.query(
      `SELECT * FROM instructors ${where.sql} ORDER BY name, id LIMIT ${where.next(pageSize)} OFFSET ${where.next(offset)}`,
      where.params,
    );
    return toPage(
      rows.map((r: Record<string, any>) => ({
        id: r.id,
        name: r.name,
        email: r.email,
        courseCodes: r.course_codes,
        active: r.active,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      })),
      n,
      filter,
    );
  }

  async getInstructor(id: string): Promise<InstructorView> {
    const row = await this.dataSource.getRepository(InstructorEntity).findOne({ where: { id } });
    if (!row) throw new SchedulingNotFoundError(`instructor ${id} does not exist`);
    return instructorView(row);
  }

  async createInstructor(input: InstructorInput, actor: string): Promise<InstructorView> {
    const id = await this.dataSource.transaction(async (m) => {
      await this.requireCourses(m, input.courseCodes);
      const saved = await m.save(InstructorEntity, m.create(InstructorEntity, { ...input, active: input.active ?? true }));
      await this.audit.record(
        { actor, action: 'instructor.create', subjectType: 'instructor', subjectId: saved.id, details: { courseCodes: input.courseCodes } },
        m,
      );
      return saved.id;
    });
    return this.getInstructor(id);
  }

  async updateInstructor(id: string, input: Partial<InstructorInput>, actor: string): Promise<InstructorView> {
    await this.dataSource.transaction(async (m) => {
      if (!(await m.exists(InstructorEntity, { where: { id } }))) throw new SchedulingNotFoundError(`instructor ${id} does not exist`);
      if (input.courseCodes) await this.requireCourses(m, input.courseCodes);
      await m.update(InstructorEntity, { id }, input);
      await this.audit.record(
        { actor, action: 'instructor.update', subjectType: 'instructor', subjectId: id, details: { fields: Object.keys(input) } },
        m,
      );
    });
    return this.getInstructor(id);
  }

  private async requireOrganisation(m: EntityManager, id: string): Promise<void> {
    if (!(await m.exists(OrganisationEntity, { where: { id } }))) throw new SchedulingNotFoundError(`organisation ${id} does not exist`);
  }

  private async requireCourses(m: EntityManager, codes: string[]): Promise<void> {
    const known = await m.count(CourseEntity, { where: { code: In(codes) } });
    if (known !== new Set(codes).size) throw new SchedulingNotFoundError(`unknown course among ${codes.join(', ')}`);
  }
}

function traineeView(r: Record<string, any>): TraineeView {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    organisationTypeCode: r.type_code,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function instructorView(r: InstructorEntity): InstructorView {
  return { id: r.id, name: r.name, email: r.email, courseCodes: r.courseCodes, active: r.active, createdAt: r.createdAt, updatedAt: r.updatedAt };
}
