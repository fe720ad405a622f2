import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { AuditTrail } from '@app/database';
import pg from 'pg';
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

/** What a PostgreSQL trigger announces when an instructor's assignment changes or a session is deleted (migration 1764301700000). */
export const ACCESS_CHANGED_CHANNEL = 'cyder_access_changed';

/** Owners of ranges and reports never change (a range keeps its session and team; a report its range): kept without expiry, up to this many. */
const MAX_FIXED_OWNERS = 50_000;
const MAX_CHANGING_ENTRIES = 50_000;
const RELISTEN_MS = 1000;

type Owner = Omit<ResourceOwner, 'instructorAssigned'>;

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
export class ResourceResolver implements OnApplicationShutdown {
  private readonly logger = new Logger(ResourceResolver.name);
  /** `range:<id>` / `report:<id>` -> its session and team: fixed for ever, so never stale. */
  private readonly fixedOwners = new Map<string, Owner>();
  /**
   * Things that can change (an instructor's assignment `<instructor>:<session>`, a session's
   * existence), trusted only while the listener below is connected, and at most ACCESS_CACHE_MS
   * (as validated tokens are): every change is announced by PostgreSQL itself on commit.
   */
  private readonly assignments = new Map<string, { assigned: boolean; until: number }>();
  private readonly sessions = new Map<string, number>();
  /** Bumped on every announced change: an answer read before a change is never kept after it. */
  private generation = 0;
  private listener: pg.Client | null = null;
  private listening = false;
  private closed = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
    private readonly config: AppConfig,
  ) {}

  /** Listens for assignment changes and session deletions (LISTEN on its own connection); called once at boot. */
  async listen(): Promise<void> {
    if (this.listener || this.closed) return;
    const client = new pg.Client({ connectionString: this.config.DATABASE_URL, application_name: 'cyder-access-listener' });
    this.listener = client;
    const lost = (why: string) => {
      if (this.listener !== client) return;
      this.listener = null;
      this.listening = false;
      this.forgetChanging();
      client.end().catch(() => undefined);
      if (!this.closed) {
        this.logger.warn(`access change listener lost (${why}); assignments are read from PostgreSQL on every request until it is back`);
        setTimeout(() => void this.listen().catch(() => undefined), RELISTEN_MS).unref();
      }
    };
    client.on('notification', () => this.forgetChanging());
    client.on('error', (err: Error) => lost(err.message));
    client.on('end', () => lost('connection ended'));
    try {
      await client.connect();
      await client.query(`LISTEN ${ACCESS_CHANGED_CHANNEL}`);
      if (this.listener === client) this.listening = true;
    } catch (err) {
      lost((err as Error).message);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const client = this.listener;
    this.listener = null;
    this.listening = false;
    await client?.end().catch(() => undefined);
  }

  private forgetChanging(): void {
    this.generation += 1;
    this.assignments.clear();
    this.sessions.clear();
  }

  async authorize(principal: Principal, declared: ResourceParams, params: Record<string, string | undefined>, context: { route: string; address: string }): Promise<void> {
    if (principal.role === Role.Operator) return;
    const owners: ResourceOwner[] = [];
    for (const [kind, param] of Object.entries(declared) as Array<[ResourceKind, string]>) {
      const id = params[param];
      if (id === undefined) continue;
      const resolved = await this.resolve(kind, id, principal.role === Role.Instructor ? (principal.instructorId ?? null) : null);
      let owner = resolved.owner;
      if (principal.role === Role.Trainee) {
        const own = owner !== null && owner.sessionId === principal.sessionId && (owner.teamId === null || owner.teamId === principal.teamId);
        // Another team's thing known from memory is refused only after the same one query an unknown id costs.
        if (!own && resolved.fromMemory) owner = await this.ownerOf(kind, id);
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
   * The owner of a thing from memory when it is known there (fixed owners; an assignment or a
   * session's existence while the listener runs), else from the one query, remembered for next time.
   */
  private async resolve(kind: ResourceKind, id: string, instructorId: string | null): Promise<{ owner: ResourceOwner | null; fromMemory: boolean }> {
    if (!UUID.test(id)) return { owner: null, fromMemory: false };
    const now = Date.now();
    const key = `${kind}:${id.toLowerCase()}`;
    let known: Owner | undefined = this.fixedOwners.get(key);
    if (!known && kind === 'session' && this.listening && (this.sessions.get(key) ?? 0) > now) known = { sessionId: id.toLowerCase(), teamId: null };
    if (known) {
      if (instructorId === null) return { owner: { ...known, instructorAssigned: false }, fromMemory: true };
      const assignment = this.listening ? this.assignments.get(`${instructorId}:${known.sessionId}`) : undefined;
      if (assignment && assignment.until > now) return { owner: { ...known, instructorAssigned: assignment.assigned }, fromMemory: true };
    }
    const generation = this.generation;
    const owner = await this.ownerOf(kind, id, instructorId);
    if (owner) this.remember(key, kind, owner, instructorId, generation);
    return { owner, fromMemory: false };
  }

  private remember(key: string, kind: ResourceKind, owner: ResourceOwner, instructorId: string | null, generation: number): void {
    if (kind === 'range' || kind === 'report') {
      if (this.fixedOwners.size >= MAX_FIXED_OWNERS) this.fixedOwners.clear();
      this.fixedOwners.set(key, { sessionId: owner.sessionId, teamId: owner.teamId });
    }
    // A change announced while the query ran may not be in its answer: keep nothing of it.
    if (!this.listening || generation !== this.generation) return;
    const until = Date.now() + this.config.ACCESS_CACHE_MS;
    if (this.sessions.size >= MAX_CHANGING_ENTRIES || this.assignments.size >= MAX_CHANGING_ENTRIES) this.forgetChanging();
    if (kind === 'session') this.sessions.set(key, until);
    if (instructorId !== null) this.assignments.set(`${instructorId}:${owner.sessionId}`, { assigned: owner.instructorAssigned, until });
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
