import { Injectable } from '@nestjs/common';
import { CourseEntity, SessionEntity } from '@app/database';
import { DataSource, type EntityManager } from 'typeorm';
import { loadTeams } from './team-queries.js';
import type { SessionTeams } from './views.js';
import { SchedulingNotFoundError } from './errors.js';

/**
 * The read side range provisioning (libs/ranges) uses: a session with its teams and members.
 * Team and session ids are UUIDs and stable from team formation until the session ends.
 */
@Injectable()
export class SessionTeamsReader {
  constructor(private readonly dataSource: DataSource) {}

  async teamsOfSession(sessionId: string, manager: EntityManager = this.dataSource.manager): Promise<SessionTeams> {
    const session = await manager.findOne(SessionEntity, { where: { id: sessionId } });
    if (!session) throw new SchedulingNotFoundError(`session ${sessionId} does not exist`);
    const course = await manager.findOneByOrFail(CourseEntity, { code: session.courseCode });
    return {
      session: {
        id: session.id,
        courseCode: session.courseCode,
        status: session.status,
        startsAt: session.startsAt,
        endsAt: session.endsAt,
        venueId: session.venueId,
        teamSize: session.teamSize,
        selfPaced: course.selfPaced,
      },
      teams: await loadTeams(manager, sessionId),
    };
  }
}
