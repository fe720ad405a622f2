import { Injectable } from '@nestjs/common';
import {
  AuditTrail,
  CourseEntity,
  EnrollmentEntity,
  OrganisationTypeEntity,
  RegionEntity,
  SessionEntity,
  type EnrollmentStatus,
} from '@app/database';
import { DataSource, In, type EntityManager } from 'typeorm';
import { eligibilityRefusal, promoteWaitlisted } from './enrollment-rules.js';
import { pageWindow, toPage } from './paging.js';
import { countEnrollments, loadEnrollments } from './session-queries.js';
import { TeamFormationService } from './team-formation.service.js';
import type { CancellationView, EnrollmentView, Page, PageRequest } from './views.js';
import { EnrollmentRefusedError, SchedulingNotFoundError } from './errors.js';

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
      throw new SchedulingNotFoundError(`session ${sessionId} does not exist`);
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
      if (!unlocked) throw new SchedulingNotFoundError(`session ${sessionId} does not exist`);
      // The trainee row is shared-locked until commit: an organisation change (which re-checks
      // every open enrollment) waits for this enrollment, or this one reads the new organisation.
      const [trainee] = await m.query(
        `SELECT t.id, t.name, o.id AS organisation_id, o.name AS organisation_name, o.type_code, ot.name AS type_name, r.id AS region_id, r.name AS region_name
         FROM trainees t JOIN organisations o ON o.id = t.organisation_id JOIN organisation_types ot ON ot.code = o.type_code
         LEFT JOIN prefectures p ON p.code = o.prefecture_code LEFT JOIN regions r ON r.id = p.region_id
         WHERE t.id = $1 FOR SHARE OF t`,
        [traineeId],
      );
      if (!trainee) throw new SchedulingNotFoundError(`trainee ${traineeId} does not exist`);
      const course = await m.findOneByOrFail(CourseEntity, { code: unlocked.courseCode });
      const admitted = await m.find(OrganisationTypeEntity, { where: { code: In(course.admittedOrganisationTypes) }, order: { sortOrder: 'ASC' } });
      const sessionRegion = unlocked.regionId ? await m.findOneBy(RegionEntity, { id: unlocked.regionId }) : null;
      const refusal = eligibilityRefusal({
        course,
        session: { regionId: unlocked.regionId, regionName: sessionRegion?.name ?? null, otherRegion: unlocked.otherRegion },
        organisation: { name: trainee.organisation_name, typeCode: trainee.type_code, typeName: trainee.type_name, regionId: trainee.region_id, regionName: trainee.region_name },
        admittedNames: admitted.map((t) => t.name),
      });
      if (refusal) throw new EnrollmentRefusedError(`not eligible: ${refusal}`);

      // From here on the session row is locked until commit. Taking the lock and the next arrival
      // number is one statement; a refusal below rolls the number back with the transaction.
      const [[session]]: [Array<{ status: string; seats: number; arrival: number; starts_at: Date; ends_at: Date } | undefined>] = await m.query(
        `UPDATE sessions SET enrollment_counter = enrollment_counter + 1 WHERE id = $1
         RETURNING status, seats, enrollment_counter AS arrival, starts_at, ends_at`,
        [sessionId],
      );
      if (!session) throw new SchedulingNotFoundError(`session ${sessionId} does not exist`);
      if (session.status === 'draft') throw new EnrollmentRefusedError('the session is not published yet (draft): enrollment opens when it is published');
      if (session.status !== 'open') throw new EnrollmentRefusedError(`enrollment is closed: the session is ${session.status}`);
      const [state]: [{ confirmed: number; waitlisted: number; existing: EnrollmentStatus | null }] = await m.query(
        `SELECT (SELECT count(*) FROM enrollments WHERE session_id = $1 AND status = 'confirmed')::int AS confirmed,
                (SELECT count(*) FROM enrollments WHERE session_id = $1 AND status = 'waitlisted')::int AS waitlisted,
                (SELECT status FROM enrollments WHERE session_id = $1 AND trainee_id = $2) AS existing`,
        [sessionId, traineeId],
      );
      if (state.existing && state.existing !== 'cancelled') {
        throw new EnrollmentRefusedError(`trainee ${traineeId} is already enrolled in this session (${state.existing})`);
      }
      // One classroom at a time; self-paced windows (weeks long) overlap with anything and do not count.
      const [overlap] = course.selfPaced
        ? []
        : await m.query(
            `SELECT s.id, s.course_code FROM enrollments e JOIN sessions s ON s.id = e.session_id JOIN courses c ON c.code = s.course_code
             WHERE e.trainee_id = $1 AND e.status <> 'cancelled' AND s.status <> 'cancelled' AND s.id <> $2 AND NOT c.self_paced
               AND tstzrange(s.starts_at, s.ends_at) && tstzrange($3, $4) LIMIT 1`,
            [traineeId, sessionId, session.starts_at, session.ends_at],
          );
      if (overlap) throw new EnrollmentRefusedError(`trainee ${traineeId} is already enrolled in ${overlap.course_code} session ${overlap.id} at the same time`);

      const status: EnrollmentStatus = state.confirmed < session.seats ? 'confirmed' : 'waitlisted';
      // A cancelled enrollment comes back at the end of the queue (new arrival number).
      const [row]: [{ id: string; confirmed_at: Date | null; created_at: Date }] = await m.query(
        `INSERT INTO enrollments (session_id, trainee_id, status, arrival, confirmed_at)
         VALUES ($1, $2, $3, $4, CASE WHEN $3 = 'confirmed' THEN now() END)
         ON CONFLICT (session_id, trainee_id) DO UPDATE
           SET status = EXCLUDED.status, arrival = EXCLUDED.arrival, confirmed_at = EXCLUDED.confirmed_at, cancelled_at = NULL, updated_at = now()
         RETURNING id, confirmed_at, created_at`,
        [sessionId, traineeId, status, session.arrival],
      );
      const teamId = course.selfPaced && status === 'confirmed' ? await this.teams.addSoloTeam(m, sessionId, row.id, traineeId) : null;
      await this.audit.record(
        { actor, action: 'enrollment.create', subjectType: 'enrollment', subjectId: row.id, details: { sessionId, traineeId, status, arrival: session.arrival } },
        m,
      );
      const [view] = await loadEnrollments(m, sessionId, { ids: [row.id] });
      return { ...view, teamId: view.teamId ?? teamId };
    });
  }

  /** Cancels an enrollment; a freed seat goes to the first on the waitlist (and their team place). */
  async cancel(sessionId: string, enrollmentId: string, actor: string): Promise<CancellationView> {
    return this.dataSource.transaction(async (m) => {
      const session = await m.findOne(SessionEntity, { where: { id: sessionId }, lock: { mode: 'pessimistic_write' } });
      if (!session) throw new SchedulingNotFoundError(`session ${sessionId} does not exist`);
      const enrollment = await m.findOne(EnrollmentEntity, { where: { id: enrollmentId, sessionId } });
      if (!enrollment) throw new SchedulingNotFoundError(`enrollment ${enrollmentId} does not exist in session ${sessionId}`);
      if (enrollment.status === 'cancelled') throw new EnrollmentRefusedError('the enrollment is already cancelled');
      if (!CANCELLABLE.includes(session.status)) {
        throw new EnrollmentRefusedError(`enrollments can be cancelled only before provisioning; the session is ${session.status}`);
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
