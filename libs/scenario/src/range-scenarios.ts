import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { RangeEntity } from '@app/database';
import { type ContainerRuntime, type ExecResult, InjectRuntime, labelKeys } from '@app/docker';
import type { BlueprintScenario, RangeBlueprint } from '@app/templates';
import { DataSource, type EntityManager } from 'typeorm';
import { ScenarioNotFoundError } from './errors.js';

export interface RangeScenario {
  range: RangeEntity;
  scenario: BlueprintScenario;
}

/** Output kept of a step or probe: enough to read, never a flood. */
export function trimOutput(result: ExecResult, max = 2000): string {
  const text = [result.stdout.trim(), result.stderr.trim()].filter(Boolean).join('\n');
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * A range's rendered scenario (attack steps and objectives, with the range's
 * own variables already substituted) and a way to run argv in one of its
 * nodes through the engine - never through the network.
 */
@Injectable()
export class RangeScenarios {
  private readonly logger = new Logger(RangeScenarios.name);

  constructor(
    private readonly dataSource: DataSource,
    @InjectRuntime() private readonly engine: ContainerRuntime,
    private readonly config: AppConfig,
  ) {}

  async get(rangeId: string, manager: EntityManager = this.dataSource.manager): Promise<RangeScenario> {
    const range = await manager.findOne(RangeEntity, { where: { id: rangeId } });
    if (!range) throw new ScenarioNotFoundError(`range ${rangeId} does not exist`);
    const blueprint = range.blueprint as unknown as RangeBlueprint | null;
    return { range, scenario: blueprint?.scenario ?? { attack: [], objectives: [] } };
  }

  async exec(rangeId: string, node: string, argv: string[], timeoutSeconds: number): Promise<ExecResult> {
    const keys = labelKeys(this.config.DOCKER_LABEL_NAMESPACE);
    const [container] = await this.engine.listContainers({ [keys.range]: rangeId, [keys.node]: node });
    if (!container) return { exitCode: -1, stdout: '', stderr: `node ${node} has no container` };
    if (container.state !== 'running') return { exitCode: -1, stdout: '', stderr: `node ${node} is ${container.state}` };
    const result = await this.engine.exec(container.id, argv, { timeoutMs: timeoutSeconds * 1000 });
    this.logger.debug(`exec ${node} (${container.id.slice(0, 12)}) ${JSON.stringify(argv)} -> ${result.exitCode}`);
    return result;
  }
}
