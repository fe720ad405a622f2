import { Injectable } from '@nestjs/common';
import { Role } from '@app/access';
import { AppConfig } from '@app/config';
import { AuditTrail, RangeEntity, SessionInstructorEntity } from '@app/database';
import { type ContainerRuntime, InjectRuntime } from '@app/docker';
import { containerName } from '@app/ranges';
import { isVisibleToTrainees, shellUserOf, type RangeBlueprint } from '@app/templates';
import { DataSource } from 'typeorm';
import { TerminalNotFoundError, TerminalRefusedError } from './errors.js';
import { actorOf, type TerminalCaller } from './terminal-caller.js';
import type { TerminalTarget } from './terminal-session.js';

const ACTIVE_STATUSES = new Set(['ready', 'degraded']);

/**
 * Where a caller's terminal opens, and whether it may: a trainee only on their own team's range,
 * an instructor only on a range of a session they are assigned to, an operator anywhere; only on
 * a node the template gives a shell, as the template's shell user, on a running container.
 * Another team's range answers as if it did not exist, and the attempt is audited.
 */
@Injectable()
export class TerminalTargets {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
    private readonly config: AppConfig,
    @InjectRuntime() private readonly runtime: ContainerRuntime,
  ) {}

  /** The range, if the caller may reach it (404 and an audit entry otherwise). */
  async rangeFor(caller: TerminalCaller, rangeId: string, node: string): Promise<RangeEntity> {
    const range = await this.dataSource.manager.findOne(RangeEntity, { where: { id: rangeId } });
    if (!range || range.status === 'destroyed') throw new TerminalNotFoundError(`range ${rangeId} does not exist`);
    if (!(await this.mayReach(caller, range))) {
      await this.audit.record({
        actor: actorOf(caller),
        action: 'terminal.refused',
        subjectType: 'range',
        subjectId: range.id,
        details: { node, reason: caller.role === Role.Trainee ? 'another team' : 'not assigned to the session', callerTeamId: caller.teamId ?? null },
      });
      throw new TerminalNotFoundError(`range ${rangeId} does not exist`);
    }
    return range;
  }

  private async mayReach(caller: TerminalCaller, range: RangeEntity): Promise<boolean> {
    switch (caller.role) {
      case Role.Operator:
        return true;
      case Role.Trainee:
        return caller.teamId !== undefined && caller.teamId === range.teamId;
      case Role.Instructor:
        return (
          caller.instructorId !== undefined &&
          (await this.dataSource.manager.exists(SessionInstructorEntity, {
            where: { sessionId: range.sessionId, instructorId: caller.instructorId, active: true },
          }))
        );
      default:
        return false;
    }
  }

  /** The node's shell: refused with the reason when the template gives none or the node is not running. */
  async resolve(caller: TerminalCaller, rangeId: string, nodeName: string): Promise<{ range: RangeEntity; target: TerminalTarget }> {
    const range = await this.rangeFor(caller, rangeId, nodeName);
    const node = (range.blueprint as unknown as RangeBlueprint | null)?.nodes.find((n) => n.name === nodeName);
    if (!node || (caller.role === Role.Trainee && !isVisibleToTrainees(node))) {
      throw new TerminalNotFoundError(`range ${rangeId} has no node ${nodeName}`);
    }
    if (!node.shell) throw new TerminalRefusedError('no-shell', `the template gives no shell on node ${nodeName}`, { node: nodeName });
    if (!ACTIVE_STATUSES.has(range.status)) {
      throw new TerminalRefusedError('range-not-active', `range ${rangeId} is ${range.status}: terminals open on a ready range`, { status: range.status });
    }
    const name = containerName(this.config.INSTANCE_NAME, range.id, nodeName);
    const container = await this.runtime.inspectContainer(name);
    if (!container || container.state !== 'running') {
      throw new TerminalRefusedError('node-not-running', `node ${nodeName} is not running`, { node: nodeName, state: container?.state ?? 'missing' });
    }
    return {
      range,
      target: {
        rangeId: range.id,
        sessionId: range.sessionId,
        teamId: range.teamId,
        node: nodeName,
        containerId: container.id,
        user: shellUserOf(node),
      },
    };
  }
}
