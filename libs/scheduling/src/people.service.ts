import { Injectable } from '@nestjs/common';
import { AuditTrail, CourseEntity, InstructorEntity, OrganisationEntity, TraineeEntity } from '@app/database';
import { DataSource, In, type EntityManager } from 'typeorm';
import { pageWindow, SqlWhere, toPage } from './paging.js';
import type { InstructorView, Page, PageRequest, TraineeView } from './views.js';
import { SchedulingNotFoundError } from './errors.js';

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
      if (!(await m.exists(TraineeEntity, { where: { id } }))) throw new SchedulingNotFoundError(`trainee ${id} does not exist`);
      if (input.organisationId) await this.requireOrganisation(m, input.organisationId);
      await m.update(TraineeEntity, { id }, input);
      await this.audit.record({ actor, action: 'trainee.update', subjectType: 'trainee', subjectId: id, details: { fields: Object.keys(input) } }, m);
    });
    return this.getTrainee(id);
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
