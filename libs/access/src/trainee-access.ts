import { Injectable } from '@nestjs/common';
import { csvTable } from '@app/csv';
import { AuditTrail, TraineeAccessCodeEntity } from '@app/database';
import { jstLabel, jstWallTime } from '@app/time';
import { DataSource, type EntityManager } from 'typeorm';
import { CredentialStore, returnedRows, type IssuedCredential } from './credential-store.js';
import { AccessConflictError, AccessNotFoundError, NotAuthenticatedError } from './errors.js';
import { RateLimiter } from './rate-limiter.js';
import { newAccessCode, normalizeAccessCode, secretHash } from './secrets.js';

/** One trainee's new access code, as printed for the venue or sent by e-mail (the code is shown only here). */
export interface IssuedAccessCode {
  traineeId: string;
  traineeName: string;
  email: string;
  organisation: string;
  teamId: string;
  teamName: string;
  code: string;
  expiresAt: Date;
}

export interface AccessCodeSheet {
  sessionId: string;
  courseCode: string;
  courseName: string;
  startsAt: Date;
  endsAt: Date;
  codes: IssuedAccessCode[];
}

interface MemberRow {
  trainee_id: string;
  trainee_name: string;
  email: string;
  organisation: string;
  team_id: string;
  team_name: string;
}

interface SessionRow {
  id: string;
  course_code: string;
  course_name: string;
  starts_at: Date;
  ends_at: Date;
}

/**
 * Trainee access codes: one per trainee per session, for the members of the session's teams. Stored
 * as sha256 (a code is 54 random bits and logins are rate limited); the code itself is answered
 * once. A code expires at the session's end; reissuing revokes the old one and its sessions.
 */
@Injectable()
export class TraineeAccess {
  constructor(
    private readonly dataSource: DataSource,
    private readonly credentials: CredentialStore,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditTrail,
  ) {}

  private async sessionOf(manager: EntityManager, sessionId: string): Promise<SessionRow> {
    const [session]: SessionRow[] = await manager.query(
      `SELECT s.id, s.course_code, c.name AS course_name, s.starts_at, s.ends_at FROM sessions s JOIN courses c ON c.code = s.course_code WHERE s.id = $1 FOR UPDATE OF s`,
      [sessionId],
    );
    if (!session) throw new AccessNotFoundError(`session ${sessionId} does not exist`);
    if (session.ends_at.getTime() <= Date.now()) throw new AccessConflictError(`session ${sessionId} has ended; its access codes would be expired`);
    return session;
  }

  private members(manager: EntityManager, sessionId: string, traineeId?: string): Promise<MemberRow[]> {
    return manager.query(
      `SELECT tr.id AS trainee_id, tr.name AS trainee_name, tr.email, o.name AS organisation, t.id AS team_id, t.name AS team_name
         FROM team_members m JOIN teams t ON t.id = m.team_id JOIN trainees tr ON tr.id = m.trainee_id JOIN organisations o ON o.id = tr.organisation_id
        WHERE m.session_id = $1 AND ($2::uuid IS NULL OR m.trainee_id = $2)
        ORDER BY t.number, tr.name`,
      [sessionId, traineeId ?? null],
    );
  }

  private async issue(manager: EntityManager, session: SessionRow, member: MemberRow): Promise<IssuedAccessCode> {
    const code = newAccessCode();
    await manager.insert(TraineeAccessCodeEntity, { sessionId: session.id, traineeId: member.trainee_id, codeHash: secretHash(code), expiresAt: session.ends_at, revokedAt: null });
    return {
      traineeId: member.trainee_id,
      traineeName: member.trainee_name,
      email: member.email,
      organisation: member.organisation,
      teamId: member.team_id,
      teamName: member.team_name,
      code,
      expiresAt: session.ends_at,
    };
  }

  private sheet(session: SessionRow, codes: IssuedAccessCode[]): AccessCodeSheet {
    return { sessionId: session.id, courseCode: session.course_code, courseName: session.course_name, startsAt: session.starts_at, endsAt: session.ends_at, codes };
  }

  /** Codes for every team member of the session who has no live code yet (call again after team changes). */
  async issueForSession(sessionId: string, actor: string): Promise<AccessCodeSheet> {
    return this.dataSource.transaction(async (manager) => {
      const session = await this.sessionOf(manager, sessionId);
      const members = await this.members(manager, sessionId);
      if (members.length === 0) throw new AccessConflictError(`session ${sessionId} has no teams yet: form the teams first`);
      const live: Array<{ trainee_id: string }> = await manager.query(
        `SELECT trainee_id FROM trainee_access_codes WHERE session_id = $1 AND revoked_at IS NULL`,
        [sessionId],
      );
      const holding = new Set(live.map((r) => r.trainee_id));
      const codes: IssuedAccessCode[] = [];
      for (const member of members) if (!holding.has(member.trainee_id)) codes.push(await this.issue(manager, session, member));
      await this.audit.record(
        { actor, action: 'access-codes.issued', subjectType: 'session', subjectId: sessionId, details: { trainees: codes.map((c) => c.traineeId) } },
        manager,
      );
      return this.sheet(session, codes);
    });
  }

  /** A new code for one trainee: the old one and every session opened with it stop working at once. */
  async reissue(sessionId: string, traineeId: string, actor: string): Promise<AccessCodeSheet> {
    const { sheet, revoked } = await this.dataSource.transaction(async (manager) => {
      const session = await this.sessionOf(manager, sessionId);
      const [member] = await this.members(manager, sessionId, traineeId);
      if (!member) throw new AccessNotFoundError(`trainee ${traineeId} is not in a team of session ${sessionId}`);
      const old = returnedRows<{ id: string }>(
        await manager.query(
          `UPDATE trainee_access_codes SET revoked_at = now() WHERE session_id = $1 AND trainee_id = $2 AND revoked_at IS NULL RETURNING id`,
          [sessionId, traineeId],
        ),
      );
      const code = await this.issue(manager, session, member);
      await this.audit.record({ actor, action: 'access-code.reissued', subjectType: 'trainee', subjectId: traineeId, details: { sessionId } }, manager);
      return { sheet: this.sheet(session, [code]), revoked: old.map((o) => o.id) };
    });
    for (const id of revoked) await this.credentials.revokeOfAccessCode(id);
    return sheet;
  }

  /** The caller's own enrolment (trainee principal), with their team's live range if there is one. */
  async profile(traineeId: string, sessionId: string, teamId: string): Promise<TraineeProfile> {
    const [row]: Array<{ name: string; email: string; organisation: string; course_code: string; starts_at: Date; ends_at: Date; team_name: string; range_id: string | null }> =
      await this.dataSource.query(
        `SELECT tr.name, tr.email, o.name AS organisation, s.course_code, s.starts_at, s.ends_at, t.name AS team_name,
                (SELECT r.id FROM ranges r WHERE r.team_id = t.id AND r.session_id = s.id AND r.status <> 'destroyed' ORDER BY r.created_at DESC LIMIT 1) AS range_id
           FROM trainees tr JOIN organisations o ON o.id = tr.organisation_id, sessions s, teams t
          WHERE tr.id = $1 AND s.id = $2 AND t.id = $3`,
        [traineeId, sessionId, teamId],
      );
    if (!row) throw new AccessNotFoundError('your team no longer exists; ask the operator for a new access code');
    return {
      traineeId,
      name: row.name,
      email: row.email,
      organisation: row.organisation,
      sessionId,
      courseCode: row.course_code,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      teamId,
      teamName: row.team_name,
      rangeId: row.range_id,
    };
  }

  /** A trainee's login with their code: a session bound to their current team in that session. */
  async login(codeInput: string, address: string): Promise<IssuedCredential> {
    const subjects = [`address:${address}`];
    await this.limiter.checkLogin(subjects);
    const code = normalizeAccessCode(codeInput);
    const rows: Array<{ id: string; trainee_id: string; session_id: string; expires_at: Date; team_id: string | null }> = code
      ? await this.dataSource.query(
          `SELECT c.id, c.trainee_id, c.session_id, c.expires_at, m.team_id
             FROM trainee_access_codes c LEFT JOIN team_members m ON m.session_id = c.session_id AND m.trainee_id = c.trainee_id
            WHERE c.code_hash = $1 AND c.revoked_at IS NULL`,
          [secretHash(code)],
        )
      : [];
    const row = rows[0];
    if (!row || row.expires_at.getTime() <= Date.now() || !row.team_id) {
      const delay = await this.limiter.loginFailed(subjects);
      await this.audit.record({ actor: 'anonymous', action: 'auth.trainee-login-failed', subjectType: 'access-code', subjectId: row?.id ?? 'unknown', details: { delaySeconds: delay }, address });
      throw new NotAuthenticatedError('unknown or expired access code');
    }
    const issued = await this.credentials.openTraineeSession(
      { traineeId: row.trainee_id, teamId: row.team_id, sessionId: row.session_id, accessCodeId: row.id, endsAt: row.expires_at },
      address,
    );
    await this.audit.record({ actor: `trainee:${row.trainee_id}`, action: 'auth.trainee-login', subjectType: 'trainee', subjectId: row.trainee_id, credentialId: issued.credential.id, address });
    return issued;
  }
}

/**
 * The sheet as CSV for printing at the venue (one row per trainee), written by the one CSV writer
 * so it opens right in Excel on a Japanese PC: a BOM, names guarded against formulas, and the
 * expiry as an ISO instant and as a JST wall time.
 */
export function accessCodesCsv(sheet: AccessCodeSheet): string {
  return csvTable(
    ['team', 'trainee', 'organisation', 'email', 'code', 'expires', 'expires_jst'],
    sheet.codes.map((c) => [c.teamName, c.traineeName, c.organisation, c.email, c.code, c.expiresAt, jstWallTime(c.expiresAt)]),
  );
}

/** One e-mail text per trainee (Online A sends codes by mail), separated by a line of dashes. */
export function accessCodesEmailText(sheet: AccessCodeSheet): string {
  return sheet.codes
    .map((c) =>
      [
        `To: ${c.email}`,
        `Subject: CYDER ${sheet.courseCode} access code / アクセスコード`,
        '',
        `${c.traineeName} 様`,
        '',
        `${sheet.courseName} (${jstLabel(sheet.startsAt)} - ${jstLabel(sheet.endsAt)})`,
        `Team / チーム: ${c.teamName}`,
        `Access code / アクセスコード: ${c.code}`,
        `Valid until / 有効期限: ${jstLabel(c.expiresAt)}`,
        '',
        'Keep this code to yourself; it is yours only. / このコードは本人専用です。',
      ].join('\n'),
    )
    .join('\n\n----------------------------------------\n\n');
}

/** A trainee's own enrolment: who they are, their session, team and the team's live range. */
export interface TraineeProfile {
  traineeId: string;
  name: string;
  email: string;
  organisation: string;
  sessionId: string;
  courseCode: string;
  startsAt: Date;
  endsAt: Date;
  teamId: string;
  teamName: string;
  rangeId: string | null;
}
