import type { EntityManager } from 'typeorm';
import type { TeamView } from './views.js';

/** Teams of a session in number order, members by name. */
export async function loadTeams(manager: EntityManager, sessionId: string): Promise<TeamView[]> {
  const teams: Array<{ id: string; number: number; name: string }> = await manager.query(
    `SELECT id, number, name FROM teams WHERE session_id = $1 ORDER BY number`,
    [sessionId],
  );
  const members: Array<{ team_id: string; trainee_id: string; enrollment_id: string; name: string; organisation_id: string; organisation_name: string }> =
    await manager.query(
      `SELECT tm.team_id, tm.trainee_id, tm.enrollment_id, t.name, o.id AS organisation_id, o.name AS organisation_name
       FROM team_members tm JOIN trainees t ON t.id = tm.trainee_id JOIN organisations o ON o.id = t.organisation_id
       WHERE tm.session_id = $1 ORDER BY o.name, t.name, t.id`,
      [sessionId],
    );
  return teams.map((team) => ({
    id: team.id,
    sessionId,
    number: team.number,
    name: team.name,
    members: members
      .filter((m) => m.team_id === team.id)
      .map((m) => ({
        traineeId: m.trainee_id,
        enrollmentId: m.enrollment_id,
        name: m.name,
        organisationId: m.organisation_id,
        organisationName: m.organisation_name,
      })),
  }));
}
