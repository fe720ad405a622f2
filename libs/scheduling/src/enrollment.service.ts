import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import {
  AuditTrail,
  CourseEntity,
  EnrollmentEntity,
  OrganisationTypeEntity,
  SessionEntity,
  type EnrollmentStatus,
} from '@app/database';
import { DataSource, In, type EntityManager } from 'typeorm';
import { promoteWaitlisted } from './enrollment-rules.js';
import { pageWindow, toPage } from './paging.js';
import { countEnrollments, loadEnrollments } from './session-queries.js';
import { TeamFormationService } from './team-formation.service.js';
import type { CancellationView, EnrollmentView, Page, PageRequest } from './views.js';

/** Statuses in which a trainee may still cancel (before provisioning starts). */
const CANCELLABLE: readonly string[] = ['open', 'closed'];

/**
 * Enrollment with eligibility, seats that hold under concurrency and a first-come waitlist.
 * Every change locks the session row (SELECT ... FOR UPDATE) first, so concurrent requests for
 * one session are serialised: seats are never oversold and arrival numbers follow lock order.
 */
@Injectable()
export class EnrollmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
    private readonly teams: TeamFormationService,
  ) {}

  /** A session's enrollments in arrival order, paged. */
  async list(sessionId: string, filter: PageRequest & { status?: EnrollmentStatus } = {}): Promise<Page<EnrollmentView>> {
    if (!(await this.dataSource.getRepository(SessionEntity).exists({ where: { id: sessionId } }))) {
      throw new NotFoundException(`session ${sessionId} does not exist`);
    }
    const { page, pageSize } = pageWindow(filter);
    const items = await loadEnrollments(this.dataSource.manager, sessionId, { status: filter.status, page, pageSize });
    return toPage(items, await countEnrollments(this.dataSource.manager, sessionId, filter), filter);
  }

  async enroll(sessionId: string, traineeId: string, actor: string): Promise<EnrollmentView> {
    return this.dataSource.transaction(async (m) => {
      // Eligibility first, before the lock: a session's course never changes, so the checks that
      // need no lock do not lengthen the queue on a popular session.
      const unlocked = await m.findOne(SessionEntity, { where: { id: sessionId } });
      if (!unlocked) throw new NotFoundException(`session ${sessionId} does not exist`);
      const [trainee] = await m.query(
        `SELECT t.id, t.name, o.name AS organisation_name, o.type_code FROM trainees t JOIN organisations o ON o.id = t.organisation_id WHERE t.id = $1`,
        [traineeId],
      );
      if (!trainee) throw new NotFoundException(`trainee ${traineeId} does not exist`);
      const course = await m.findOneByOrFail(CourseEntity, { code: unlocked.courseCode });
      if (!course.admittedOrganisationTypes.includes(trainee.type_code)) {
        const admitted = await m.find(OrganisationTypeEntity, { where: { code: In(course.admittedOrganisationTypes) }, order: { sortOrder: 'ASC' } });
        const type = await m.findOneBy(OrganisationTypeEntity, { code: trainee.type_code });
        throw new ConflictException(
          `not eligible: ${course.code} admits ${admitted.map((t) => t.name.toLowerCase()).join(', ')} only; ${trainee.organisation_name} is a ${type?.name.toLowerCase() ?? trainee.type_code}`,
        );
      }
      const session = await m.findOneOrFail(SessionEntity, { where: { id: sessionId }, lock: { mode: 'pessimistic_write' } });
      if (session.status === 'draft') throw new ConflictException('the session is not published yet (draft): enrollment opens when it is published');
      if (session.status !== 'open') throw new ConflictException(`enrollment is closed: the session is ${session.status}`);
      const existing = await m.findOne(EnrollmentEntity, { where: { sessionId, traineeId } });
      if (existing && existing.status !== 'cancelled') {
        throw new ConflictException(`trainee ${traineeId} is already enrolled in this session (${existing.status})`);
      }
      // One classroom at a time; self-paced windows (weeks long) overlap with anything and do not count.
      const [overlap] = course.selfPaced
        ? []
        : await m.query(
            `SELECT s.id, s.course_code FROM enrollments e JOIN sessions s ON s.id = e.session_id JOIN courses c ON c.code = s.course_code
             WHERE e.trainee_id = $1 AND e.status <> 'cancelled' AND s.status <> 'cancelled' AND s.id <> $2 AND NOT c.self_paced
               AND tstzrange(s.starts_at, s.ends_at) && tstzrange($3, $4) LIMIT 1`,
            [traineeId, sessionId, session.startsAt, session.endsAt],
          );
      if (overlap) throw new ConflictException(`trainee ${traineeId} is already enrolled in ${overlap.course_code} session ${overlap.id} at the same time`);

      const [{ confirmed }] = await m.query(`SELECT count(*)::int AS confirmed FROM enrollments WHERE session_id = $1 AND status = 'confirmed'`, [sessionId]);
      const status: EnrollmentStatus = confirmed < session.seats ? 'confirmed' : 'waitlisted';
      const arrival = session.enrollmentCounter + 1;
      await m.update(SessionEntity, { id: sessionId }, { enrollmentCounter: arrival });
      const values = { status, arrival, confirmedAt: status === 'confirmed' ? new Date() : null, cancelledAt: null };
      let id: string;
      if (existing) {
        await m.update(EnrollmentEntity, { id: existing.id }, values);
        id = existing.id;
      } else {
        id = (await m.save(EnrollmentEntity, m.create(EnrollmentEntity, { sessionId, traineeId, ...values }))).id;
      }
      if (course.selfPaced && status === 'confirmed') await this.teams.addSoloTeam(m, sessionId, id, traineeId);
      await this.audit.record({ actor, action: 'enrollment.create', subjectType: 'enrollment', subjectId: id, details: { sessionId, traineeId, status, arrival } }, m);
      const [view] = await loadEnrollments(m, sessionId, { ids: [id] });
      return view;
    });
  }

  /** Cancels an enrollment; a freed seat goes to the first on the waitlist (and their team place). */
  async cancel(sessionId: string, enrollmentId: string, actor: string): Promise<CancellationView> {
    return this.dataSource.transaction(async (m) => {
      const session = await m.findOne(SessionEntity, { where: { id: sessionId }, lock: { mode: 'pessimistic_write' } });
      if (!session) throw new NotFoundException(`session ${sessionId} does not exist`);
      const enrollment = await m.findOne(EnrollmentEntity, { where: { id: enrollmentId, sessionId } });
      if (!enrollment) throw new NotFoundException(`enrollment ${enrollmentId} does not exist in session ${sessionId}`);
      if (enrollment.status === 'cancelled') throw new ConflictException('the enrollment is already cancelled');
      if (!CANCELLABLE.includes(session.status)) {
        throw new ConflictException(`enrollments can be cancelled only before provisioning; the session is ${session.status}`);
      }
      await m.update(EnrollmentEntity, { id: enrollmentId }, { status: 'cancelled', cancelledAt: new Date() });
      const course = await m.findOneByOrFail(CourseEntity, { code: session.courseCode });
      const promoted = enrollment.status === 'confirmed' ? (await promoteWaitlisted(m, sessionId, session.seats))[0] : undefined;
      await this.teamAfterCancel(m, session, course, enrollmentId, promoted);
      await this.audit.record(
        {
          actor,
          action: 'enrollment.cancel',
          subjectType: 'enrollment',
          subjectId: enrollmentId,
          details: { sessionId, was: enrollment.status, promoted: promoted?.id ?? null },
        },
        m,
      );
      const views = await loadEnrollments(m, sessionId, { ids: [enrollmentId, ...(promoted ? [promoted.id] : [])] });
      return { cancelled: views.find((v) => v.id === enrollmentId)!, promoted: views.find((v) => v.id === promoted?.id) ?? null };
    });
  }

  private async teamAfterCancel(
    m: EntityManager,
    session: SessionEntity,
    course: CourseEntity,
    enrollmentId: string,
    promoted: { id: string; trainee_id: string } | undefined,
  ): Promise<void> {
    const replacement = promoted ? { enrollmentId: promoted.id, traineeId: promoted.trainee_id } : null;
    const [member] = await m.query(`SELECT 1 FROM team_members WHERE enrollment_id = $1`, [enrollmentId]);
    if (member) await this.teams.replaceMember(m, enrollmentId, replacement, course.selfPaced);
    else if (replacement && course.selfPaced) await this.teams.addSoloTeam(m, session.id, replacement.enrollmentId, replacement.traineeId);
  }
}
