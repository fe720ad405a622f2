import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, rangeHostName } from '@app/config';
import { RangeEntity, RangeEventEntity, RangeHostEntity, RangeNodeEntity, type RangeStatus, SessionRangeSetEntity } from '@app/database';
import { joinFieldErrors, type FieldError } from '@app/errors';
import { JobName, JobQueue } from '@app/queue';
import { SessionTeamsReader } from '@app/scheduling';
import { isVisibleToTrainees, RANGE_TEMPLATE_SOURCE, type RangeBlueprint, type RangeTemplateSource } from '@app/templates';
import { randomBytes } from 'node:crypto';
import { DataSource, type EntityManager, In, Not } from 'typeorm';
import {
  InvalidRangeRequestError,
  RangeHostNotFoundError,
  RangeHostStateError,
  RangeNotFoundError,
  RangeQuotaExceededError,
  RangeSetConflictError,
  RangeStatusError,
  RangeTargetNotFoundError,
} from './errors.js';
import { RangeEventLog } from './range-event-log.js';
import { RangeHosts } from './range-hosts.js';
import { RangeProvisioner } from './range-provisioner.js';

export interface ProvisionSessionInput {
  templateId: string;
  /** The teams to give a range; the scheduled session's teams when absent. */
  teamIds?: string[];
  /** Absolute time to start provisioning. */
  provisionAt?: Date;
  /** The session's start; provisioning starts leadMinutes before it. */
  startsAt?: Date;
  leadMinutes?: number;
  teardownAt?: Date;
}

export interface RangeNodeView {
  name: string;
  state: string;
  container: string | null;
  addresses: Record<string, string>;
  health: string;
  lastError: string | null;
}

/** A node as a trainee sees it: only nodes the template shows them, and only their name, role, addresses and health. */
export interface TraineeRangeNodeView {
  name: string;
  role: string;
  addresses: Record<string, string>;
  health: string;
  /** Whether the template gives trainees a shell on it (the console shows a terminal tab). */
  shell: boolean;
}

/** A team's range as its trainees see it: no template, hash, subnets, containers, errors or hidden nodes. */
export interface TraineeRangeView {
  id: string;
  status: RangeStatus;
  nodes: TraineeRangeNodeView[];
  readyAt: Date | null;
}

export interface RangeView {
  id: string;
  sessionId: string;
  teamId: string;
  templateId: string;
  templateHash: string;
  status: RangeStatus;
  failureReason: string | null;
  /** The range host that holds it (null: a range of a version before hosts). */
  host: string | null;
  subnets: Record<string, string>;
  nodes: RangeNodeView[];
  createdAt: Date;
  readyAt: Date | null;
  destroyedAt: Date | null;
}

export interface SessionRangesView {
  sessionId: string;
  status: string;
  provisionAt: Date | null;
  teardownAt: Date | null;
  readyAt: Date | null;
  ranges: RangeView[];
}

const DEFAULT_LEAD_MINUTES = 30;

/** What evacuating a down host did: each range moved (and provisioned again on its new host), and the ones left. */
export interface HostEvacuation {
  host: string;
  moved: Array<{ rangeId: string; to: string }>;
  /** Ranges being torn down (or failed by an unfinished teardown) stay: their teardown finishes when the host is back. */
  left: Array<{ rangeId: string; status: RangeStatus }>;
}

/** Statuses of a range that an evacuation provisions again elsewhere. */
const MOVABLE: RangeStatus[] = ['pending', 'provisioning', 'ready', 'degraded', 'failed', 'resetting'];

/** Range use cases of the API: create a session's ranges, read them, retry, reset, tear down. */
@Injectable()
export class RangeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    @Inject(RANGE_TEMPLATE_SOURCE) private readonly templates: RangeTemplateSource,
    private readonly events: RangeEventLog,
    private readonly provisioner: RangeProvisioner,
    private readonly sessionTeams: SessionTeamsReader,
    private readonly config: AppConfig,
    private readonly hosts: RangeHosts,
  ) {}

  /** The teams formed for a scheduled session (libs/scheduling); 409 when none are formed yet. */
  private async teamsOfScheduledSession(sessionId: string): Promise<string[]> {
    const { teams } = await this.sessionTeams.teamsOfSession(sessionId);
    if (teams.length === 0) throw new RangeSetConflictError(`session ${sessionId} has no teams yet: close its enrollment to form them`);
    return teams.map((t) => t.id);
  }

  /** When provisioning starts for this request. */
  private static provisionTime(input: Omit<ProvisionSessionInput, 'templateId'>, now: Date): Date {
    return input.provisionAt ?? (input.startsAt ? new Date(input.startsAt.getTime() - (input.leadMinutes ?? DEFAULT_LEAD_MINUTES) * 60_000) : now);
  }

  /** Refuses (400, every failing field at once) a request that contradicts itself, before anything is looked up. */
  checkRequest(input: Omit<ProvisionSessionInput, 'templateId'>, now = new Date()): void {
    const provisionAt = RangeService.provisionTime(input, now);
    const fields: FieldError[] = [];
    const refuse = (field: string, message: string) => fields.push({ field, messages: [message] });
    if (input.teamIds && new Set(input.teamIds).size !== input.teamIds.length) refuse('teamIds', 'teamIds lists a team twice');
    if (input.provisionAt && input.startsAt) refuse('provisionAt', 'give provisionAt or startsAt (with leadMinutes), not both');
    if (input.leadMinutes !== undefined && !input.startsAt) refuse('leadMinutes', 'leadMinutes needs startsAt');
    if (input.teardownAt && input.teardownAt <= provisionAt) refuse('teardownAt', 'teardownAt must be after the provisioning time');
    if (fields.length) throw new InvalidRangeRequestError(joinFieldErrors(fields), fields);
  }

  /**
   * Creates ranges for teams of a scheduled session and enqueues their flow. The session and
   * each team must exist (404 otherwise; the foreign keys hold it too), and two quotas are
   * kept: a session has at most one live range per team, the host at most
   * RANGE_MAX_LIVE_PER_HOST (409 with the figures).
   */
  async provisionSession(sessionId: string, input: ProvisionSessionInput, now = new Date()): Promise<SessionRangesView> {
    this.checkRequest(input, now);
    const teamIds = input.teamIds ?? (await this.teamsOfScheduledSession(sessionId));
    const provisionAt = RangeService.provisionTime(input, now);

    // An unknown template is a TemplateNotFoundError (404).
    const summary = await this.templates.describe(input.templateId);

    const { ranges, set } = await this.dataSource.transaction(async (manager) => {
      // One request per session at a time, so the "one live range per team" check below holds.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`range-set:${sessionId}`]);
      const teamCount = await this.checkTargets(manager, sessionId, teamIds);
      const taken = await manager.find(RangeEntity, { where: { sessionId, teamId: In(teamIds), status: Not('destroyed') } });
      if (taken.length) {
        throw new RangeSetConflictError(`team(s) ${taken.map((r) => r.teamId).join(', ')} already have a range in this session (${taken.map((r) => r.id).join(', ')})`);
      }
      await this.checkQuotas(manager, sessionId, teamCount, teamIds.length);
      // Under the host quota lock taken above, so two requests do not both count the same free room.
      const placement = await this.hosts.place(manager, teamIds.length, summary.footprint?.containers ?? 1);
      const rows = teamIds.map((teamId, i) =>
        manager.create(RangeEntity, {
          sessionId,
          teamId,
          hostName: placement[i]!,
          templateId: input.templateId,
          templateHash: summary.hash,
          status: 'pending' as const,
          seed: randomBytes(16).toString('hex'),
        }),
      );
      const saved = await manager.save(rows);
      let set = await manager.findOne(SessionRangeSetEntity, { where: { sessionId } });
      const scheduled = provisionAt.getTime() > now.getTime();
      if (!set) set = manager.create(SessionRangeSetEntity, { sessionId, generation: 0 });
      set.generation += 1;
      set.status = scheduled ? 'scheduled' : 'provisioning';
      set.provisionAt = provisionAt;
      set.teardownAt = input.teardownAt ?? set.teardownAt ?? null;
      set.readyAt = null;
      set = await manager.save(set);
      for (const r of saved) {
        await this.events.append(
          r.id,
          'range.created',
          `range for team ${r.teamId} from template ${r.templateId} on host ${r.hostName}`,
          { provisionAt, teardownAt: input.teardownAt ?? null, host: r.hostName },
          manager,
        );
      }
      return { ranges: saved, set };
    });

    const delay = Math.max(0, provisionAt.getTime() - now.getTime());
    // One flow: a child job per range; the parent runs when every child has finished (ready or failed).
    await this.jobs.addFlow(
      { name: JobName.CompleteSessionRanges, data: { v: 1, sessionId }, key: { sessionId, generation: set.generation } },
      ranges.map((r) => ({
        name: JobName.ProvisionRange,
        data: { v: 1, rangeId: r.id },
        key: { rangeId: r.id, generation: r.provisionGeneration },
        delay,
      })),
    );
    if (input.teardownAt) await this.scheduleSessionTeardown(sessionId, set.generation, input.teardownAt, now);
    return this.listForSession(sessionId);
  }

  /** 404 for an unknown session or a team not of it (in the request's transaction); the session's team count. */
  private async checkTargets(manager: EntityManager, sessionId: string, teamIds: string[]): Promise<number> {
    // FOR SHARE: the session and its teams stay while the ranges are written.
    const [session] = (await manager.query(`SELECT id FROM sessions WHERE id = $1 FOR SHARE`, [sessionId])) as Array<{ id: string }>;
    if (!session) throw new RangeTargetNotFoundError(`session ${sessionId} does not exist`);
    const teams = (await manager.query(`SELECT id FROM teams WHERE session_id = $1 FOR SHARE`, [sessionId])) as Array<{ id: string }>;
    const unknown = teamIds.filter((id) => !teams.some((t) => t.id === id));
    if (unknown.length) throw new RangeTargetNotFoundError(`team(s) ${unknown.join(', ')} of session ${sessionId} do not exist`);
    return teams.length;
  }

  /** 409 with the figures when the request would pass a quota: a session's team count, the host's RANGE_MAX_LIVE_PER_HOST. */
  private async checkQuotas(manager: EntityManager, sessionId: string, teamCount: number, requested: number): Promise<void> {
    const sessionLive = await manager.count(RangeEntity, { where: { sessionId, status: Not('destroyed') } });
    if (sessionLive + requested > teamCount) throw new RangeQuotaExceededError('session', teamCount, sessionLive, requested);
    // The host quota counts every session's ranges: one request at a time host-wide, so two cannot both pass it.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('range-host-quota', 0))`);
    const hostLive = await manager.count(RangeEntity, { where: { status: Not('destroyed') } });
    const limit = this.config.RANGE_MAX_LIVE_PER_HOST;
    if (hostLive + requested > limit) throw new RangeQuotaExceededError('host', limit, hostLive, requested);
  }

  private async scheduleSessionTeardown(sessionId: string, generation: number, at: Date, now: Date): Promise<void> {
    // A newer schedule replaces the older one.
    for (let g = 1; g < generation; g++) await this.jobs.cancel(JobName.TeardownSessionRanges, { sessionId, generation: g });
    await this.jobs.add(JobName.TeardownSessionRanges, { v: 1, sessionId }, { sessionId, generation }, { delay: Math.max(0, at.getTime() - now.getTime()) });
  }

  private async load(rangeId: string): Promise<RangeEntity> {
    const range = await this.dataSource.getRepository(RangeEntity).findOne({ where: { id: rangeId } });
    if (!range) throw new RangeNotFoundError(`range ${rangeId} does not exist`);
    return range;
  }

  async get(rangeId: string): Promise<RangeView> {
    const range = await this.load(rangeId);
    return (await this.views([range]))[0]!;
  }

  /**
   * The range as its trainees see it. The attacker, the C2 and every node the template hides stay
   * out (the attacker's address is itself an answer); a range not yet rendered shows no nodes.
   */
  async traineeView(rangeId: string): Promise<TraineeRangeView> {
    const range = await this.load(rangeId);
    const blueprint = range.blueprint as RangeBlueprint | null;
    const visible = new Map((blueprint?.nodes ?? []).filter((n) => isVisibleToTrainees(n)).map((n) => [n.name, n]));
    const nodes = await this.dataSource.getRepository(RangeNodeEntity).find({ where: { rangeId }, order: { name: 'ASC' } });
    return {
      id: range.id,
      status: range.status,
      nodes: nodes
        .filter((n) => visible.has(n.name))
        .map((n) => ({ name: n.name, role: visible.get(n.name)!.role, addresses: n.addresses, health: n.health, shell: visible.get(n.name)!.shell === true })),
      readyAt: range.readyAt,
    };
  }

  async listForSession(sessionId: string): Promise<SessionRangesView> {
    const set = await this.dataSource.getRepository(SessionRangeSetEntity).findOne({ where: { sessionId } });
    if (!set) throw new RangeNotFoundError(`session ${sessionId} has no ranges`);
    const ranges = await this.dataSource.getRepository(RangeEntity).find({ where: { sessionId }, order: { createdAt: 'ASC' } });
    return {
      sessionId,
      status: set.status,
      provisionAt: set.provisionAt,
      teardownAt: set.teardownAt,
      readyAt: set.readyAt,
      ranges: await this.views(ranges),
    };
  }

  async listEvents(rangeId: string): Promise<RangeEventEntity[]> {
    await this.load(rangeId);
    return this.events.list(rangeId);
  }

  /** A failed (or degraded) range is provisioned again on its own: missing objects are created, existing ones kept. */
  async retry(rangeId: string): Promise<RangeView> {
    const range = await this.transition(rangeId, ['failed', 'degraded'], 'pending', 'retry', (r) => ({ provisionGeneration: r.provisionGeneration + 1 }));
    await this.jobs.add(JobName.ProvisionRange, { v: 1, rangeId }, { rangeId, generation: range.provisionGeneration });
    return this.get(rangeId);
  }

  async reset(rangeId: string): Promise<RangeView> {
    const range = await this.transition(rangeId, ['ready', 'degraded'], 'resetting', 'reset', (r) => ({ resetGeneration: r.resetGeneration + 1 }));
    await this.jobs.add(JobName.ResetRange, { v: 1, rangeId }, { rangeId, generation: range.resetGeneration });
    return this.get(rangeId);
  }

  async teardown(rangeId: string): Promise<RangeView> {
    const range = await this.load(rangeId);
    if (range.status === 'destroyed') throw new RangeStatusError(`range ${rangeId} is already destroyed`, range.status);
    if (range.status !== 'tearing_down') {
      await this.transition(rangeId, ['pending', 'provisioning', 'ready', 'failed', 'degraded', 'resetting'], 'tearing_down', 'teardown');
    }
    // A teardown that failed every attempt (e.g. a stuck network) runs again when asked again.
    await this.jobs.add(JobName.TeardownRange, { v: 1, rangeId }, { rangeId });
    return this.get(rangeId);
  }

  /**
   * An operator's forced cleanup: the range is torn down like any teardown, and finished even when
   * the engine keeps a network (its subnets are released; the reconciler removes the network later).
   * From any state but destroyed, also a range stuck tearing down or failed by an unfinished teardown.
   */
  async forceCleanup(rangeId: string): Promise<RangeView> {
    await this.transition(
      rangeId,
      ['pending', 'provisioning', 'ready', 'failed', 'degraded', 'resetting', 'tearing_down'],
      'tearing_down',
      'force the cleanup of',
      () => ({ teardownForced: true, nextTeardownAt: null }),
    );
    await this.events.append(rangeId, 'teardown.force-requested', 'an operator forced the cleanup');
    await this.jobs.add(JobName.TeardownRange, { v: 1, rangeId }, { rangeId });
    return this.get(rangeId);
  }

  /**
   * An operator moves every live range of a down host to the up hosts (placed as new ranges are) and
   * provisions each again there from its stored blueprint: same variables, subnets (the pool is shared)
   * and addresses, so its answers and scores stay valid. Its delayed attack steps and its evaluation
   * schedule move with it. 404 for an unknown host; 409 when it is up or no other host is up.
   */
  async evacuateHost(name: string): Promise<HostEvacuation> {
    const { moved, left } = await this.dataSource.transaction(async (manager) => {
      // One placement at a time host-wide, as for requests (the same lock as the host quota).
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('range-host-quota', 0))`);
      await this.hosts.sweep();
      const host = await manager.findOne(RangeHostEntity, { where: { name }, lock: { mode: 'pessimistic_write' } });
      if (!host) throw new RangeHostNotFoundError(`range host ${name} is not registered`);
      if (host.state !== 'down') throw new RangeHostStateError(`range host ${name} is up: only a down host is evacuated (its worker serves its ranges)`);
      const ranges = await manager.find(RangeEntity, { where: { hostName: name, status: Not('destroyed') }, lock: { mode: 'pessimistic_write' }, order: { createdAt: 'ASC' } });
      // A range failed by an unfinished teardown (its attempts counted) is on its way out: it stays.
      const movable = ranges.filter((r) => MOVABLE.includes(r.status) && !(r.status === 'failed' && r.teardownAttempts > 0));
      const moved: HostEvacuation['moved'] = [];
      for (const range of movable) {
        const containers = (range.blueprint as RangeBlueprint | null)?.nodes.length ?? 1;
        const [to] = await this.hosts.place(manager, 1, containers, [name], true);
        if (!to) throw new RangeHostStateError(`no other range host is up to take the ranges of ${name}`);
        await manager.update(
          RangeEntity,
          { id: range.id },
          { hostName: to, status: 'pending', failureReason: null, readyAt: null, provisionGeneration: range.provisionGeneration + 1 },
        );
        await manager.update(RangeNodeEntity, { rangeId: range.id }, { state: 'pending', containerId: null, health: 'unknown', lastError: null });
        await this.events.append(range.id, 'range.relocated', `host ${name} is down: provisioned again on host ${to}`, { from: name, to, was: range.status }, manager);
        moved.push({ rangeId: range.id, to });
        range.provisionGeneration += 1;
      }
      const left = ranges.filter((r) => !movable.includes(r)).map((r) => ({ rangeId: r.id, status: r.status }));
      return { moved: moved.map((m) => ({ ...m, generation: movable.find((r) => r.id === m.rangeId)!.provisionGeneration })), left };
    });
    for (const m of moved) {
      await this.jobs.moveRangeJobs(m.rangeId, name, m.to);
      // A range of a session not yet due is provisioned at the session's time, as it would have been.
      const [due] = (await this.dataSource.query(
        `SELECT s.provision_at FROM session_range_sets s JOIN ranges r ON r.session_id = s.session_id WHERE r.id = $1`,
        [m.rangeId],
      )) as Array<{ provision_at: Date | null }>;
      const delay = Math.max(0, (due?.provision_at?.getTime() ?? 0) - Date.now());
      await this.jobs.add(JobName.ProvisionRange, { v: 1, rangeId: m.rangeId }, { rangeId: m.rangeId, generation: m.generation }, { delay });
    }
    return { host: name, moved: moved.map(({ rangeId, to }) => ({ rangeId, to })), left };
  }

  private async transition(
    rangeId: string,
    from: RangeStatus[],
    to: RangeStatus,
    action: string,
    extra: (r: RangeEntity) => Partial<Omit<RangeEntity, 'blueprint'>> = () => ({}),
  ): Promise<RangeEntity> {
    return this.dataSource.transaction(async (manager) => {
      const range = await manager.findOne(RangeEntity, { where: { id: rangeId }, lock: { mode: 'pessimistic_write' } });
      if (!range) throw new RangeNotFoundError(`range ${rangeId} does not exist`);
      if (!from.includes(range.status)) {
        throw new RangeStatusError(`cannot ${action} range ${rangeId}: it is ${range.status} (${action} needs ${from.join(' or ')})`, range.status);
      }
      const patch: Partial<Omit<RangeEntity, 'blueprint'>> = { ...extra(range), status: to, ...(to === 'pending' ? { failureReason: null } : {}) };
      await manager.update(RangeEntity, { id: rangeId }, patch);
      Object.assign(range, patch);
      await this.events.append(rangeId, `${action}.requested`, `${action} requested (was ${from.length === 1 ? from[0] : 'one of ' + from.join(', ')})`, {}, manager);
      return range;
    });
  }

  private async views(ranges: RangeEntity[]): Promise<RangeView[]> {
    if (ranges.length === 0) return [];
    const ids = ranges.map((r) => r.id);
    const nodes = await this.dataSource.getRepository(RangeNodeEntity).find({ where: { rangeId: In(ids) }, order: { name: 'ASC' } });
    const subnets = (await this.dataSource.query(
      `SELECT range_id, network, cidr::text AS cidr FROM range_subnets WHERE range_id = ANY($1::uuid[])`,
      [ids],
    )) as Array<{ range_id: string; network: string; cidr: string }>;
    const liveRanges = ranges.filter((r) => r.status !== 'destroyed' && r.status !== 'pending');
    // This process's engine only knows the containers of its own host's ranges; the others show no live state.
    const here = rangeHostName(this.config);
    const askable = liveRanges.filter((r) => r.hostName === null || r.hostName === here);
    // Live container state from the engine, so a vanished node shows as missing even before the reconciler runs.
    const containers = new Map<string, { state: string }>();
    await Promise.all(
      askable.map(async (r) => {
        for (const c of await this.provisioner.containersOf(r.id).catch(() => [])) {
          containers.set(`${r.id}/${c.labels[this.provisioner.keys.node]}`, { state: c.state });
        }
      }),
    );
    return ranges.map((r) => ({
      id: r.id,
      sessionId: r.sessionId,
      teamId: r.teamId,
      templateId: r.templateId,
      templateHash: r.templateHash,
      status: r.status,
      failureReason: r.failureReason,
      host: r.hostName,
      subnets: Object.fromEntries(subnets.filter((s) => s.range_id === r.id).map((s) => [s.network, s.cidr])),
      nodes: nodes
        .filter((n) => n.rangeId === r.id)
        .map((n) => {
          const live = containers.get(`${r.id}/${n.name}`);
          const container = askable.includes(r) ? (live?.state ?? (n.containerId ? 'missing' : null)) : null;
          return { name: n.name, state: n.state, container, addresses: n.addresses, health: n.health, lastError: n.lastError };
        }),
      createdAt: r.createdAt,
      readyAt: r.readyAt,
      destroyedAt: r.destroyedAt,
    }));
  }
}
