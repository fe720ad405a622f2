import type { AppConfig } from '@app/config';
import { APP_LABEL_VALUE, type ContainerRuntime, labelKeys, RangeImageBuilder, type ExecResult } from '@app/docker';
import type { AttackStep, ExecProbe, HttpProbe, Objective, RangeBlueprint } from '@app/templates';
import { randomBytes } from 'node:crypto';

/**
 * A bare-bones stand-in for the provisioner, for template tests only: it
 * creates a blueprint's networks and nodes (hardened like a range), waits for
 * readiness in dependency order, runs attack steps and evaluates check probes
 * the way the scenario and scoring issues describe them.
 */
export class BlueprintRunner {
  private readonly containers = new Map<string, string>();
  private readonly tag = randomBytes(3).toString('hex');

  constructor(
    private readonly engine: ContainerRuntime,
    private readonly config: AppConfig,
    readonly blueprint: RangeBlueprint,
  ) {}

  private labels(extra: Record<string, string>): Record<string, string> {
    const keys = labelKeys(this.config.DOCKER_LABEL_NAMESPACE);
    return {
      [keys.app]: APP_LABEL_VALUE,
      [keys.instance]: this.config.INSTANCE_NAME,
      [keys.kind]: 'e2e-blueprint',
      [keys.range]: this.tag,
      [keys.templateHash]: this.blueprint.templateHash,
      ...extra,
    };
  }

  private networkName(name: string): string {
    return `${this.config.INSTANCE_NAME}-${this.tag}-${name}`;
  }

  async provision(builder: RangeImageBuilder): Promise<void> {
    const keys = labelKeys(this.config.DOCKER_LABEL_NAMESPACE);
    for (const [i, network] of this.blueprint.networks.entries()) {
      await this.engine.createNetwork({
        name: this.networkName(network.name),
        bridgeName: `cy${this.tag}${i}`,
        subnet: network.subnet,
        labels: this.labels({ [keys.network]: network.name }),
      });
    }
    for (const node of this.blueprint.nodes) {
      const image = 'builtin' in node.image ? (await builder.ensure(node.image.builtin)).image.reference : node.image.reference;
      const id = await this.engine.createContainer({
        name: `${this.config.INSTANCE_NAME}-${this.tag}-${node.name}`,
        hostname: node.name,
        image,
        ...(node.command ? { cmd: node.command } : {}),
        env: node.env,
        labels: this.labels({ [keys.node]: node.name }),
        networks: node.attachments.map((a) => ({ network: this.networkName(a.network), ipv4Address: a.address, aliases: a.aliases })),
        memoryBytes: node.resources.memoryMb * 1024 * 1024,
        nanoCpus: Math.round(node.resources.cpus * 1e9),
        pidsLimit: node.resources.pids,
        capAdd: node.capabilities,
        readOnlyRootfs: node.readOnlyRoot,
        tmpfs: { '/tmp': 'rw,size=16m', '/run': 'rw,size=16m' },
      });
      this.containers.set(node.name, id);
      await this.engine.startContainer(id);
      if (node.readiness) {
        const { argv, timeoutSeconds, intervalMs } = node.readiness;
        const deadline = Date.now() + timeoutSeconds * 1000;
        for (;;) {
          if ((await this.exec(node.name, argv)).exitCode === 0) break;
          if (Date.now() > deadline) throw new Error(`node ${node.name} not ready: ${argv.join(' ')}`);
          await new Promise((r) => setTimeout(r, intervalMs));
        }
      }
    }
  }

  exec(node: string, argv: string[], timeoutSeconds = 30): Promise<ExecResult> {
    const id = this.containers.get(node);
    if (!id) throw new Error(`no node ${node}`);
    return this.engine.exec(id, argv, { timeoutMs: timeoutSeconds * 1000 });
  }

  /** Runs one attack step: "blocked" when its precondition fails, else its exit code and output. */
  async runStep(step: AttackStep): Promise<{ id: string; outcome: 'ran' | 'blocked'; exitCode?: number; output?: string }> {
    if (step.precondition) {
      const pre = await this.exec(step.precondition.node, step.precondition.argv, step.timeoutSeconds);
      if (pre.exitCode !== step.precondition.expectExitCode) return { id: step.id, outcome: 'blocked' };
    }
    const result = await this.exec(step.node, step.argv, step.timeoutSeconds);
    return { id: step.id, outcome: 'ran', exitCode: result.exitCode, output: (result.stdout + result.stderr).trim() };
  }

  private async execProbe(probe: ExecProbe): Promise<boolean> {
    const result = await this.exec(probe.node, probe.argv, probe.timeoutSeconds);
    const out = result.stdout.trim();
    if (probe.expectExitCode !== undefined && result.exitCode !== probe.expectExitCode) return false;
    if (probe.outputMatches !== undefined && !new RegExp(probe.outputMatches).test(out)) return false;
    if (probe.outputNotMatches !== undefined && new RegExp(probe.outputNotMatches).test(out)) return false;
    return true;
  }

  private async httpProbe(probe: HttpProbe): Promise<boolean> {
    // busybox wget: exit 0 on a 2xx answer; the range has no curl.
    const result = await this.exec(probe.from, ['wget', '-q', '-O', '-', probe.url], probe.timeoutSeconds);
    const ok = result.exitCode === 0;
    if (probe.expectStatus !== undefined && (probe.expectStatus >= 200 && probe.expectStatus < 300) !== ok) return false;
    if (probe.bodyMatches !== undefined && !new RegExp(probe.bodyMatches).test(result.stdout)) return false;
    if (probe.bodyNotMatches !== undefined && new RegExp(probe.bodyNotMatches).test(result.stdout)) return false;
    return true;
  }

  /** Whether a check objective's probe holds right now (holdSeconds is the scorer's business). */
  async checkHolds(objective: Objective): Promise<boolean> {
    const check = objective.check;
    if (!check) throw new Error(`objective ${objective.id} is not a check`);
    return check.exec ? this.execProbe(check.exec) : this.httpProbe(check.http!);
  }
}
