import { jstPeriod } from '@app/time';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { maxTeams } from './domain/team-formation.js';
import { DoubleBookingError, SchedulingRuleError } from './errors.js';

export interface BookingRequest {
  /** The session being changed, so it does not conflict with itself. */
  sessionId?: string;
  courseCode: string;
  venue: { id: string; name: string; rangeHostCapacity: number } | null;
  startsAt: Date;
  endsAt: Date;
  seats: number;
  teamSize: number;
  instructorIds: string[];
}

const NONE = '00000000-0000-0000-0000-000000000000';

/**
 * Refuses double booking of venues and instructors and range-host overload with a readable
 * reason. The exclusion constraints on sessions and session_instructors stay the final guard
 * against concurrent writers (their violation also answers 409).
 */
@Injectable()
export class BookingGuard {
  async check(m: EntityManager, req: BookingRequest): Promise<void> {
    const self = req.sessionId ?? NONE;
    if (req.venue) {
      const [clash] = await m.query(
        `SELECT id, course_code, starts_at, ends_at FROM sessions
         WHERE venue_id = $1 AND status <> 'cancelled' AND id <> $2 AND tstzrange(starts_at, ends_at) && tstzrange($3, $4)
         ORDER BY starts_at LIMIT 1`,
        [req.venue.id, self, req.startsAt, req.endsAt],
      );
      if (clash) {
        throw new DoubleBookingError(
          `venue ${req.venue.name} is already booked by ${clash.course_code} session ${clash.id} (${jstPeriod(clash.starts_at, clash.ends_at)})`,
          'venue',
        );
      }
      const needed = maxTeams(req.seats, req.teamSize);
      const [{ teams }] = await m.query(
        `SELECT COALESCE(sum(CASE WHEN c.self_paced THEN s.seats ELSE ceil(s.seats::numeric / s.team_size) END), 0)::int AS teams
         FROM sessions s JOIN courses c ON c.code = s.course_code
         WHERE s.venue_id = $1 AND s.status <> 'cancelled' AND s.id <> $2 AND tstzrange(s.starts_at, s.ends_at) && tstzrange($3, $4)`,
        [req.venue.id, self, req.startsAt, req.endsAt],
      );
      if (needed + teams > req.venue.rangeHostCapacity) {
        throw new SchedulingRuleError(
          `${req.courseCode} with ${req.seats} seats in teams of ${req.teamSize} needs up to ${needed} team ranges at once; the range host of venue ${req.venue.name} runs at most ${req.venue.rangeHostCapacity}${teams ? ` and already has ${teams} booked then` : ''}`,
        );
      }
    }
    if (req.instructorIds.length > 0) {
      const [clash] = await m.query(
        `SELECT i.name, s.id, s.course_code, s.starts_at, s.ends_at
         FROM session_instructors si JOIN sessions s ON s.id = si.session_id JOIN instructors i ON i.id = si.instructor_id
         WHERE si.instructor_id = ANY($1) AND si.active AND si.session_id <> $2 AND tstzrange(si.starts_at, si.ends_at) && tstzrange($3, $4)
         ORDER BY s.starts_at LIMIT 1`,
        [req.instructorIds, self, req.startsAt, req.endsAt],
      );
      if (clash) {
        throw new DoubleBookingError(
          `instructor ${clash.name} is already teaching ${clash.course_code} session ${clash.id} (${jstPeriod(clash.starts_at, clash.ends_at)})`,
          'instructor',
        );
      }
    }
  }
}
