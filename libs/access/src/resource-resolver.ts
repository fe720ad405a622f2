import { Injectable, Logger } from '@nestjs/common';
import { AuditTrail } from '@app/database';
import { DataSource } from 'typeorm';
import { AccessDeniedError, AccessNotFoundError } from './errors.js';
import { actorOf, type Principal } from './principal.js';
import { Role, type ResourceKind, type ResourceParams } from './roles.js';

/** Where a thing a route names belongs. */
export interface ResourceOwner {
  sessionId: string;
  /** Null for a session as a whole. */
  teamId: string | null;
  /** Whether the instructor asked about is assigned to the session (false when none was asked about). */
  instructorAssigned: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const OWNER_QUERIES: Record<ResourceKind, string> = {
  session: `SELECT id AS session_id, NULL::uuid AS team_id FROM sessions WHERE id = $1`,
  range: `SELECT session_id, team_id FROM ranges WHERE id = $1`,
  team: `SELECT session_id, id AS team_id FROM teams WHERE id = $1`,
  report: `SELECT r.session_id, r.team_id FROM incident_reports i JOIN ranges r ON r.id = i.range_id WHERE i.id = $1`,
};

/** The not-found sentence of each kind: the same words the domain services use for an unknown id. */
const NOT_FOUND: Record<ResourceKind, (id: string) => string> = {
  session: (id) => `session ${id} does not exist`,
  range: (id) => `range ${id} does not exist`,
  team: (id) => `team ${id} does not exist`,
  report: (id) => `report ${id} does not exist`,
};

/**
 * Decides whether the caller may reach the things a route names. Operators reach everything (the
 * handler answers for unknown ids). Instructors reach the sessions they are assigned to
 * (session_instructors), 403 otherwise. Trainees reach their own team's things and their own
 * session; anything else answers exactly as an unknown id: the same 404 body, after the same one
 * query, and the refusal is written to the audit trail without waiting for it.
 */
@Injectable()
export class ResourceResolver {
  private readonly logger = new Logger(ResourceResolver.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  async authorize(principal: Principal, declared: ResourceParams, params: Record<string, string | undefined>, context: { route: string; address: string }): Promise<void> {
    if (principal.role === Role.Operator) return;
    const owners: ResourceOwner[] = [];
    for (const [kind, param] of Object.entries(declared) as Array<[ResourceKind, string]>) {
      const id = params[param];
      if (id === undefined) continue;
      const owner = await this.ownerOf(kind, id, principal.role === Role.Instructor ? (principal.instructorId ?? null) : null);
      if (principal.role === Role.Trainee) {
        const own = owner !== null && owner.sessionId === principal.sessionId && (owner.teamId === null || owner.teamId === principal.teamId);
        if (!own) {
          if (owner) this.recordRefusal(principal, kind, id, context);
          throw new AccessNotFoundError(NOT_FOUND[kind](id));
        }
      } else if (owner === null) {
        // Instructors are staff: an unknown id is simply unknown.
        throw new AccessNotFoundError(NOT_FOUND[kind](id));
      }
      owners.push(owner!);
    }
    // Several things on one route (a session and one of its ranges) must belong together.
    if (owners.some((o) => o.sessionId !== owners[0]!.sessionId)) {
      const [kind, param] = Object.entries(declared).at(-1)! as [ResourceKind, string];
      throw new AccessNotFoundError(NOT_FOUND[kind](params[param] ?? ''));
    }
    if (principal.role === Role.Instructor && owners.length > 0) {
      if (!owners[0]!.instructorAssigned) {
        this.recordRefusal(principal, 'session', owners[0]!.sessionId, context);
        throw new AccessDeniedError('you are not an instructor of this session');
      }
    }
  }

  /**
   * The session and team of a thing, or null when there is no such thing (a malformed id is no
   * thing); with an instructor id, whether that instructor is assigned to the session (same query).
   */
  async ownerOf(kind: ResourceKind, id: string, instructorId: string | null = null): Promise<ResourceOwner | null> {
    if (!UUID.test(id)) return null;
    const rows: Array<{ session_id: string; team_id: string | null; assigned: boolean }> = await this.dataSource.query(
      `SELECT o.session_id, o.team_id,
              EXISTS (SELECT 1 FROM session_instructors si WHERE si.session_id = o.session_id AND si.instructor_id = $2::uuid AND si.active) AS assigned
         FROM (${OWNER_QUERIES[kind]}) o`,
      [id, instructorId],
    );
    const row = rows[0];
    return row ? { sessionId: row.session_id, teamId: row.team_id, instructorAssigned: row.assigned } : null;
  }

  private recordRefusal(principal: Principal, kind: ResourceKind, id: string, context: { route: string; address: string }): void {
    // Not awaited: the refusal must take as long as an unknown id does.
    this.audit
      .record({
        actor: actorOf(principal),
        action: 'access.refused',
        subjectType: kind,
        subjectId: id,
        details: { route: context.route, ...(principal.teamId ? { ownTeamId: principal.teamId } : {}) },
        credentialId: principal.credentialId,
        address: context.address,
      })
      .catch((err: Error) => this.logger.warn(`refusal not recorded: ${err.message}`));
  }
}
