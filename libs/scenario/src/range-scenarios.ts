import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { RangeEntity } from '@app/database';
import { type BatchedResult, type ContainerRuntime, type ExecResult, execBatch, InjectRuntime, labelKeys } from '@app/docker';
import type { BlueprintScenario, RangeBlueprint } from '@app/templates';
import { DataSource, type EntityManager } from 'typeorm';
import { ScenarioNotFoundError } from './errors.js';

/** A command for one node of a range. */
export interface NodeCommand {
  node: string;
  argv: string[];
  timeoutSeconds: number;
}

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

  /**
   * Runs many commands over a range's nodes with one exec per node (the
   * nodes in parallel, each node's commands in turn), after one lookup of the
   * range's containers. Results come back in the order of the commands.
   */
  async execOnNodes(rangeId: string, commands: NodeCommand[]): Promise<BatchedResult[]> {
    if (commands.length === 0) return [];
    const keys = labelKeys(this.config.DOCKER_LABEL_NAMESPACE);
    const containers = new Map(
      (await this.engine.listContainers({ [keys.range]: rangeId })).map((c) => [c.labels[keys.node], c] as const),
    );
    const results: BatchedResult[] = new Array(commands.length);
    const byNode = new Map<string, number[]>();
    commands.forEach((c, i) => byNode.set(c.node, [...(byNode.get(c.node) ?? []), i]));
    await Promise.all(
      [...byNode].map(async ([node, indexes]) => {
        const container = containers.get(node);
        if (!container || container.state !== 'running') {
          const stderr = container ? `node ${node} is ${container.state}` : `node ${node} has no container`;
          for (const i of indexes) results[i] = { exitCode: -1, stdout: '', stderr, via: 'single' };
          return;
        }
        const answered = await execBatch(this.engine, container.id, indexes.map((i) => commands[i]!));
        indexes.forEach((i, k) => (results[i] = answered[k]!));
        this.logger.debug(`exec ${node} (${container.id.slice(0, 12)}): ${indexes.length} command(s) in one batch`);
      }),
    );
    return results;
  }
}
