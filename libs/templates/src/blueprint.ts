/**
 * The contract between the template language (libs/templates) and range
 * provisioning (libs/ranges): a template, validated and given its defaults,
 * is rendered for one team's range into a RangeBlueprint. Provisioning only
 * ever sees blueprints, never YAML.
 */
import { DEFAULT_SHELL_USER, defaultVisible, type AttackStep, type LocalizedText, type Objective } from './model.js';

export type NodeRole =
  | 'workstation'
  | 'server'
  | 'attacker'
  | 'c2'
  | 'logserver'
  | 'router'
  | 'firewall';

/** Roles that may hold NET_ADMIN (they route or attack). */
export const NET_ADMIN_ROLES: readonly NodeRole[] = ['attacker', 'router', 'firewall'];

export interface BlueprintNetwork {
  /** Template name of the segment, e.g. "dmz". */
  name: string;
  /** The subnet the provisioner allocated for this range (CIDR), given to render(). */
  subnet: string;
}

export interface BlueprintAttachment {
  network: string;
  /** Static IPv4 inside the network's subnet, assigned at render time. */
  address: string;
  aliases: string[];
}

export interface BlueprintFile {
  path: string;
  content: string;
  mode: number;
}

export interface BlueprintReadiness {
  /** argv run inside the node; ready when it exits 0. */
  argv: string[];
  timeoutSeconds: number;
  intervalMs: number;
}

export interface BlueprintNode {
  name: string;
  role: NodeRole;
  /** Built-in range image name (docker/images/<name>) or a full image reference. */
  image: { builtin: string } | { reference: string };
  attachments: BlueprintAttachment[];
  /** Whether trainees may open a shell on it. */
  shell: boolean;
  /**
   * The account a trainee's shell runs as. Absent in blueprints rendered
   * before it existed: read it with shellUserOf().
   */
  shellUser?: string;
  /**
   * Whether trainees see the node (name, role, addresses); the attacker, the
   * C2 and what the template hides stay out of every trainee response. Absent
   * in blueprints rendered before it existed: read it with isVisibleToTrainees().
   */
  visible?: boolean;
  resources: { memoryMb: number; cpus: number; pids: number };
  capabilities: string[];
  env: Record<string, string>;
  files: BlueprintFile[];
  /** Start command (argv); the image's default when absent. */
  command?: string[];
  readiness?: BlueprintReadiness;
  readOnlyRoot: boolean;
  /** Names of nodes that must be ready before this one starts. */
  dependsOn: string[];
}

/** Whether trainees may see a node of a stored blueprint (older blueprints: the role's default). */
export function isVisibleToTrainees(node: Pick<BlueprintNode, 'role' | 'visible'>): boolean {
  return node.visible ?? defaultVisible(node.role);
}

/** The account a trainee's shell on a node runs as (older blueprints: the unprivileged default). */
export function shellUserOf(node: Pick<BlueprintNode, 'shellUser'>): string {
  return node.shellUser ?? DEFAULT_SHELL_USER;
}

export interface RangeBlueprint {
  templateId: string;
  templateVersion: string;
  /** sha256 of the template source; the range records it. */
  templateHash: string;
  networks: BlueprintNetwork[];
  /** In dependency order: every node comes after the nodes it depends on. */
  nodes: BlueprintNode[];
  /** This range's generated values (${name}), the team's own answers. */
  variables: Record<string, string>;
  /** The seed the variables were drawn from; render() with it again gives the same blueprint. */
  seed?: string;
  title?: LocalizedText;
  /**
   * The attack steps (by offset) and objectives with every ${...} substituted,
   * for the scenario clock and scoring. An answer objective's `expected` holds
   * the value to compare with (its variable's value when it named one).
   */
  scenario?: BlueprintScenario;
}

export interface BlueprintScenario {
  attack: AttackStep[];
  objectives: Objective[];
}

export interface TemplateSummary {
  id: string;
  version: string;
  /** sha256 of the template source. */
  hash: string;
  /** Network (segment) names, so the provisioner can allocate one subnet each before rendering. */
  networks: string[];
  /** What one range of it takes on the host, for capacity planning (unknown for sources that do not say). */
  footprint?: RangeFootprint;
}

/** Containers and memory limit (MB, summed over the nodes) of one range. */
export interface RangeFootprint {
  containers: number;
  memoryMb: number;
}

/**
 * What provisioning needs from the template catalogue. libs/templates
 * provides it under RANGE_TEMPLATE_SOURCE; unit tests may provide a fake.
 */
export interface RangeTemplateSource {
  /** Throws TemplateNotFoundError for an unknown id. */
  describe(templateId: string): Promise<TemplateSummary>;
  /**
   * Renders one range: generates the range's variables (using `seed` when
   * given, so a re-render is identical), assigns node addresses inside the
   * given subnets (network name -> CIDR) and substitutes ${...} everywhere.
   */
  render(templateId: string, subnets: Record<string, string>, seed?: string): Promise<RangeBlueprint>;
}

export const RANGE_TEMPLATE_SOURCE = Symbol('RANGE_TEMPLATE_SOURCE');
