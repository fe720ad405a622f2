import { Injectable } from '@nestjs/common';
import { AuditTrail, SessionEntity, TeamEntity, TeamMemberEntity } from '@app/database';
import { DataSource, type EntityManager } from 'typeorm';
import { formTeams, MIN_TEAM_SIZE } from './domain/team-formation.js';
import { loadTeams } from './team-queries.js';
import type { TeamView } from './views.js';
import { SchedulingNotFoundError, TeamChangeRefusedError } from './errors.js';

export interface TeamMove {
  traineeId: string;
  toTeamId: string;
  /** Exchange places with this member of the target team instead of a one-way move. */
  swapWithTraineeId?: string;
}

/** Forms teams when enrollment closes, and lets operators adjust them before provisioning. */
@Injectable()
export class TeamFormationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  /** Replaces the session's teams by a fresh formation of its confirmed trainees (inside m). */
  async form(m: EntityManager, session: Pick<SessionEntity, 'id' | 'teamSize'>, actor: string): Promise<number> {
    await m.delete(TeamEntity, { sessionId: session.id });
    const confirmed: Array<{ id: string; trainee_id: string; organisation_id: string; arrival: number }> = await m.query(
      `SELECT e.id, e.trainee_id, t.organisation_id, e.arrival FROM enrollments e JOIN trainees t ON t.id = e.trainee_id
       WHERE e.session_id = $1 AND e.status = 'confirmed' ORDER BY e.arrival`,
      [session.id],
    );
    const byId = new Map(confirmed.map((c) => [c.id, c]));
    const teams = formTeams(
      confirmed.map((c) => ({ id: c.id, organisationId: c.organisation_id, arrival: c.arrival })),
      session.teamSize,
    );
    for (const [index, memberIds] of teams.entries()) {
      const team = await m.save(TeamEntity, m.create(TeamEntity, { sessionId: session.id, number: index + 1, name: `Team ${index + 1}` }));
      await m.insert(
        TeamMemberEntity,
        memberIds.map((id) => ({ enrollmentId: id, teamId: team.id, sessionId: session.id, traineeId: byId.get(id)!.trainee_id })),
      );
    }
    await this.audit.record(
      { actor, action: 'session.teams-formed', subjectType: 'session', subjectId: session.id, details: { teams: teams.map((t) => t.length) } },
      m,
    );
    return teams.length;
  }

  /** A self-paced trainee's own team, formed on demand at enrollment. */
  async addSoloTeam(m: EntityManager, sessionId: string, enrollmentId: string, traineeId: string): Promise<string> {
    const [{ next }] = await m.query(`SELECT COALESCE(max(number), 0) + 1 AS next FROM teams WHERE session_id = $1`, [sessionId]);
    const team = await m.save(TeamEntity, m.create(TeamEntity, { sessionId, number: next, name: `Team ${next}` }));
    await m.insert(TeamMemberEntity, { enrollmentId, teamId: team.id, sessionId, traineeId });
    return team.id;
  }

  /** Takes a cancelled member out of their team; the promoted trainee, if any, takes the place. */
  async replaceMember(
    m: EntityManager,
    cancelledEnrollmentId: string,
    promoted: { enrollmentId: string; traineeId: string } | null,
    selfPaced: boolean,
  ): Promise<void> {
    const [member] = await m.query(`SELECT team_id, session_id FROM team_members WHERE enrollment_id = $1`, [cancelledEnrollmentId]);
    if (!member) return;
    await m.delete(TeamMemberEntity, { enrollmentId: cancelledEnrollmentId });
    if (selfPaced) {
      await m.delete(TeamEntity, { id: member.team_id });
      if (promoted) await this.addSoloTeam(m, member.session_id, promoted.enrollmentId, promoted.traineeId);
      return;
    }
    if (promoted) {
      await m.insert(TeamMemberEntity, { enrollmentId: promoted.enrollmentId, teamId: member.team_id, sessionId: member.session_id, traineeId: promoted.traineeId });
    }
  }

  async list(sessionId: string): Promise<TeamView[]> {
    if (!(await this.dataSource.getRepository(SessionEntity).exists({ where: { id: sessionId } }))) {
      throw new SchedulingNotFoundError(`session ${sessionId} does not exist`);
    }
    return loadTeams(this.dataSource.manager, sessionId);
  }

  /** Forms the teams again from scratch (only while closed, before provisioning). */
  async reform(sessionId: string, actor: string): Promise<TeamView[]> {
    return this.dataSource.transaction(async (m) => {
      const session = await this.lockClosed(m, sessionId);
      await this.form(m, session, actor);
      return loadTeams(m, sessionId);
    });
  }

  async move(sessionId: string, move: TeamMove, actor: string): Promise<TeamView[]> {
    return this.dataSource.transaction(async (m) => {
      await this.lockClosed(m, sessionId);
      const members = await m.find(TeamMemberEntity, { where: { sessionId } });
      const member = members.find((x) => x.traineeId === move.traineeId);
      if (!member) throw new SchedulingNotFoundError(`trainee ${move.traineeId} is not in a team of session ${sessionId}`);
      const target = await m.findOne(TeamEntity, { where: { id: move.toTeamId, sessionId } });
      if (!target) throw new SchedulingNotFoundError(`team ${move.toTeamId} does not exist in session ${sessionId}`);
      if (member.teamId === target.id) throw new TeamChangeRefusedError(`trainee ${move.traineeId} is already in ${target.name}`);
      if (move.swapWithTraineeId) {
        const other = members.find((x) => x.traineeId === move.swapWithTraineeId);
        if (!other || other.teamId !== target.id) throw new SchedulingNotFoundError(`trainee ${move.swapWithTraineeId} is not in ${target.name}`);
        await m.update(TeamMemberEntity, { enrollmentId: other.enrollmentId }, { teamId: member.teamId });
      } else {
        const left = members.filter((x) => x.teamId === member.teamId).length - 1;
        if (left < MIN_TEAM_SIZE && members.length >= MIN_TEAM_SIZE) {
          throw new TeamChangeRefusedError(
            `the move would leave the trainee's team with ${left} member(s); no team may have fewer than ${MIN_TEAM_SIZE} (swap two trainees instead)`,
          );
        }
      }
      await m.update(TeamMemberEntity, { enrollmentId: member.enrollmentId }, { teamId: target.id });
      // Drop a team the move emptied (possible only in a session smaller than the minimum).
      await m.query(`DELETE FROM teams t WHERE t.session_id = $1 AND NOT EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = t.id)`, [sessionId]);
      await this.audit.record({ actor, action: 'session.team-move', subjectType: 'session', subjectId: sessionId, details: { ...move } }, m);
      return loadTeams(m, sessionId);
    });
  }

  private async lockClosed(m: EntityManager, sessionId: string): Promise<SessionEntity> {
    const session = await m.findOne(SessionEntity, { where: { id: sessionId }, lock: { mode: 'pessimistic_write' } });
    if (!session) throw new SchedulingNotFoundError(`session ${sessionId} does not exist`);
    if (session.status !== 'closed') {
      throw new TeamChangeRefusedError(`teams can be changed only while enrollment is closed and before provisioning; the session is ${session.status}`);
    }
    return session;
  }
}
