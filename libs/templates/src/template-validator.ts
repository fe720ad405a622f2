import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { checkFilePath } from './file-path.js';
import {
  ALLOWED_CAPABILITIES,
  DEFAULT_SHELL_USER,
  DEFAULT_WORDS,
  ROLE_CAPABILITIES,
  defaultShell,
  defaultVisible,
  type TemplateIssue,
  type TemplateRole,
} from './model.js';
import { probePatternProblem } from './probe-pattern.js';
import { hasUnclosedReference, isVariableName, referencedVariables, replaceReferences } from './substitution.js';
import { TemplateDto } from './template.dto.js';

export interface ValidateOptions {
  /** Names of the built-in range images (docker/images/<name>). */
  builtinImages: readonly string[];
  /**
   * Prefix length of one range network (RANGE_SUBNET_PREFIX): host offsets and
   * the number of nodes per network are checked against it. Unchecked when absent.
   */
  subnetPrefix?: number;
}

/** At most this many issues are listed; the rest are counted (a 10,000-node template has 50,000). */
export const MAX_REPORTED_ISSUES = 100;

export interface ValidateResult {
  /** The validated template, when there is no issue. */
  dto?: TemplateDto;
  /** The first MAX_REPORTED_ISSUES issues. */
  issues: TemplateIssue[];
  /** How many more issues there are beyond those listed. */
  omittedIssues: number;
}

/** A built-in image is a bare name; anything with a registry, path, tag or digest is a reference. */
export function isBuiltinImageName(image: string): boolean {
  return image.length <= 64 && /^[a-z0-9][a-z0-9_-]*$/.test(image);
}

export const MAX_IMAGE_REFERENCE_LENGTH = 255;
// Each of these is anchored and unambiguous (separators are not name characters), so it runs in linear time.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::[0-9]{1,5})?$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Docker's reference grammar ([domain/]path[:tag][@digest]), checked piece by
 * piece after a length bound: the single regular expression it replaces
 * backtracked quadratically (a 98 KB value took 8 s to refuse).
 */
export function isImageReference(image: string): boolean {
  if (image.length === 0 || image.length > MAX_IMAGE_REFERENCE_LENGTH) return false;
  let name = image;
  const at = name.indexOf('@');
  if (at >= 0) {
    if (!DIGEST.test(name.slice(at + 1))) return false;
    name = name.slice(0, at);
  }
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    if (!TAG.test(name.slice(colon + 1))) return false;
    name = name.slice(0, colon);
  }
  const parts = name.split('/');
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!)) {
    if (!DOMAIN.test(parts.shift()!)) return false;
  }
  return parts.every((p) => PATH_COMPONENT.test(p));
}

/**
 * Step 2: the shape (class-validator DTOs) and then every cross-reference.
 * Both run on every template, so every error is reported at once with its
 * path, e.g. `nodes[2].networks[0]: unknown network "dmz2"`. Whatever render
 * would substitute, and whatever provisioning would place or address, is
 * checked here, so a valid template does not fail at deploy time.
 */
export function validateTemplate(raw: unknown, options: ValidateOptions): ValidateResult {
  const dto = plainToInstance(TemplateDto, raw ?? {});
  const shape = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const issues = [...flatten(shape), ...crossReferences(dto, options)];
  // One problem can be seen by both steps; report it once.
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const key = `${i.path}\0${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (!unique.length) return { dto, issues: [], omittedIssues: 0 };
  return { issues: unique.slice(0, MAX_REPORTED_ISSUES), omittedIssues: Math.max(0, unique.length - MAX_REPORTED_ISSUES) };
}

function childPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

function flatten(errors: ValidationError[], parent = ''): TemplateIssue[] {
  const out: TemplateIssue[] = [];
  for (const error of errors) {
    const path = childPath(parent, error.property);
    // A missing value fails every rule of its property; saying it is missing is enough.
    const constraints = error.constraints?.isDefined ? { isDefined: error.constraints.isDefined } : (error.constraints ?? {});
    for (const [rule, message] of Object.entries(constraints)) {
      out.push({ path, message: rule === 'whitelistValidation' ? `unknown field "${error.property}"` : message });
    }
    if (error.children?.length) out.push(...flatten(error.children, path));
  }
  return out;
}

// The cross-reference checks run on data whose shape may be wrong too, so they read it defensively.
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** What validation knows of a variable: the values it can take when they form a list a team could walk. */
interface VariableInfo {
  kind?: string;
  /** pick, word and value: every value it can take. */
  values?: string[];
  node?: string;
  network?: string;
}

/** Phases whose check answers damage an attack step did: it must follow that step (`after`). */
const DAMAGE_PHASES = ['contain', 'eradicate', 'recover'];

const MAX_WALK_DEPTH = 16;

function crossReferences(dto: TemplateDto, options: ValidateOptions): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });
  const root = dto as unknown as Record<string, unknown>;

  // Networks.
  const networks = new Set<string>();
  const networkIndex = new Map<string, number>();
  list(root.networks).forEach((n, i) => {
    const name = text(record(n).name);
    if (!name) return;
    if (networks.has(name)) issue(`networks[${i}].name`, `duplicate network "${name}"`);
    else networkIndex.set(name, i);
    networks.add(name);
  });

  // Nodes: names first, so references can point forward.
  interface NodeInfo {
    index: number;
    role?: string;
    networks: Set<string>;
    visible: boolean;
  }
  const nodes = new Map<string, NodeInfo>();
  const nodeList = list(root.nodes).map(record);
  nodeList.forEach((node, i) => {
    const name = text(node.name);
    if (!name) return;
    if (nodes.has(name)) {
      issue(`nodes[${i}].name`, `duplicate node "${name}"`);
      return;
    }
    const joined = new Set(list(node.networks).map((a) => text(record(a).network)).filter((n): n is string => !!n));
    const role = text(node.role) as TemplateRole | undefined;
    const visible = typeof node.visible === 'boolean' ? node.visible : role ? defaultVisible(role) : true;
    nodes.set(name, { index: i, role, networks: joined, visible });
  });

  // Variables (before anything that references them).
  const variables = new Map<string, VariableInfo>();
  list(root.variables).forEach((v, i) => {
    const variable = record(v);
    const at = `variables[${i}]`;
    const name = text(variable.name);
    const kind = text(variable.kind);
    const values =
      kind === 'pick' ? list(variable.from).map(text).filter((x): x is string => x !== undefined)
      : kind === 'word' ? (variable.from === undefined ? DEFAULT_WORDS : list(variable.from).map(text).filter((x): x is string => x !== undefined))
      : kind === 'value' ? [text(variable.value) ?? '']
      : undefined;
    if (name) {
      if (variables.has(name)) issue(`${at}.name`, `duplicate variable "${name}"`);
      else variables.set(name, { kind, values, node: text(variable.node), network: text(variable.network) });
    }
    if (kind === 'pick' || kind === 'word') {
      const seenValues = new Set<string>();
      list(variable.from).forEach((x, k) => {
        const value = text(x);
        if (value === undefined) return;
        if (seenValues.has(value)) issue(`${at}.from[${k}]`, `"${value}" is listed twice`);
        seenValues.add(value);
        if (value.includes('${')) issue(`${at}.from[${k}]`, 'a value must not hold ${...}: variables are not substituted into other variables');
      });
    }
    if (kind === 'address') {
      const node = text(variable.node);
      const network = text(variable.network);
      if (node && !nodes.has(node)) issue(`${at}.node`, `unknown node "${node}"`);
      if (network && !networks.has(network)) issue(`${at}.network`, `unknown network "${network}"`);
      if (node && network && nodes.has(node) && networks.has(network) && !nodes.get(node)!.networks.has(network)) {
        issue(`${at}.network`, `node "${node}" does not join network "${network}"`);
      }
    }
    if (kind === 'port' && typeof variable.min === 'number' && typeof variable.max === 'number' && variable.min > variable.max) {
      issue(`${at}.max`, `max (${variable.max}) is below min (${variable.min})`);
    }
  });

  // Every ${...} that render substitutes must name a variable; `${` must be closed.
  const checkRefs = (path: string, value: unknown) => {
    if (typeof value !== 'string' || !value.includes('${')) return;
    for (const ref of referencedVariables(value)) {
      if (!isVariableName(ref)) issue(path, `"\${${ref}}" is not a variable reference (write $\${ for a literal \${)`);
      else if (!variables.has(ref)) issue(path, `unknown variable "\${${ref}}"`);
    }
    if (hasUnclosedReference(value)) issue(path, '"${" is never closed (write $${ for a literal ${)');
  };
  // Attack steps and objectives are substituted whole (substituteDeep): walk every string in them.
  const walkRefs = (path: string, value: unknown, depth = 0): void => {
    if (typeof value === 'string') checkRefs(path, value);
    else if (depth >= MAX_WALK_DEPTH) return;
    else if (Array.isArray(value)) value.forEach((v, k) => walkRefs(`${path}[${k}]`, v, depth + 1));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walkRefs(childPath(path, k), v, depth + 1);
  };
  /**
   * The forms a string takes once rendered, for checks that need the real
   * text (paths, patterns): each listed value of each variable in turn, the
   * others replaced by a neutral placeholder.
   */
  const renderings = (value: string): string[] => {
    const placeholder = () => 'x';
    const out = [replaceReferences(value, placeholder)];
    for (const ref of new Set(referencedVariables(value))) {
      for (const choice of (variables.get(ref)?.values ?? []).slice(0, 64)) {
        out.push(replaceReferences(value, (name) => (name === ref ? choice : 'x')));
      }
    }
    return out;
  };

  // Names that resolve inside each network (node names and aliases), to catch DNS clashes.
  const dnsNames = new Map<string, Map<string, string>>();
  const offsets = new Map<string, Map<number, string>>();
  const members = new Map<string, number>();
  const hostSlots = options.subnetPrefix !== undefined ? 2 ** (32 - options.subnetPrefix) : undefined;
  nodeList.forEach((node, i) => {
    const at = `nodes[${i}]`;
    const name = text(node.name) ?? `#${i}`;
    const role = text(node.role) as TemplateRole | undefined;

    const image = text(node.image);
    if (image) {
      if (isBuiltinImageName(image)) {
        if (!options.builtinImages.includes(image)) {
          issue(`${at}.image`, `unknown built-in range image "${image}" (built-in: ${options.builtinImages.join(', ') || 'none'}); use a full reference such as "${image}:latest" for another image`);
        }
      } else if (image.length > MAX_IMAGE_REFERENCE_LENGTH) {
        issue(`${at}.image`, `image must be at most ${MAX_IMAGE_REFERENCE_LENGTH} characters (the longest image reference Docker accepts)`);
      } else if (!isImageReference(image)) {
        issue(`${at}.image`, `"${image}" is not a valid image reference`);
      }
    }

    const seenNetworks = new Set<string>();
    list(node.networks).forEach((a, j) => {
      const attachment = record(a);
      const network = text(attachment.network);
      if (!network) return;
      if (!networks.has(network)) issue(`${at}.networks[${j}]`, `unknown network "${network}"`);
      if (seenNetworks.has(network)) issue(`${at}.networks[${j}]`, `network "${network}" is joined twice`);
      seenNetworks.add(network);
      members.set(network, (members.get(network) ?? 0) + 1);
      const names = dnsNames.get(network) ?? new Map<string, string>();
      dnsNames.set(network, names);
      for (const alias of [name, ...list(attachment.aliases).map(text)]) {
        if (!alias) continue;
        const owner = names.get(alias);
        if (owner !== undefined && owner !== name) {
          issue(`${at}.networks[${j}].aliases`, `duplicate name "${alias}" on network "${network}" (already node "${owner}")`);
        }
        names.set(alias, name);
      }
      const offset = attachment.hostOffset;
      if (typeof offset === 'number') {
        if (hostSlots !== undefined && Number.isInteger(offset) && offset >= 2 && offset > hostSlots - 2) {
          issue(
            `${at}.networks[${j}].hostOffset`,
            `host offset ${offset} is outside a /${options.subnetPrefix} range network (RANGE_SUBNET_PREFIX): use 2 to ${hostSlots - 2}`,
          );
        }
        const taken = offsets.get(network) ?? new Map<number, string>();
        offsets.set(network, taken);
        const owner = taken.get(offset);
        if (owner !== undefined) issue(`${at}.networks[${j}].hostOffset`, `host offset ${offset} on network "${network}" is already node "${owner}"'s`);
        taken.set(offset, name);
      }
    });

    const caps = new Set<string>();
    list(node.capabilities).forEach((c, j) => {
      const cap = text(c);
      if (!cap) return;
      const allowed = role ? ROLE_CAPABILITIES[role] : undefined;
      if (!(ALLOWED_CAPABILITIES as readonly string[]).includes(cap)) {
        issue(`${at}.capabilities[${j}]`, `capability "${cap}" is not allowed (allowed: ${ALLOWED_CAPABILITIES.join(', ')})`);
      } else if (allowed && !allowed.includes(cap)) {
        const roles = Object.entries(ROLE_CAPABILITIES).filter(([, c]) => c.includes(cap)).map(([r]) => r);
        issue(`${at}.capabilities[${j}]`, `capability "${cap}" is only allowed for the roles ${roles.join(', ')}, not "${role}" (a ${role} may have ${allowed.join(', ')})`);
      }
      if (caps.has(cap)) issue(`${at}.capabilities[${j}]`, `capability "${cap}" is listed twice`);
      caps.add(cap);
    });

    // Trainee access: who may see the node and open a terminal on it, as which account.
    const info = nodes.get(name);
    const visible = info && info.index === i ? info.visible : true;
    const shellGiven = typeof node.shell === 'boolean';
    const shell = shellGiven ? (node.shell as boolean) : role ? defaultShell(role, [...caps]) : false;
    const shellUser = text(node.shellUser) ?? DEFAULT_SHELL_USER;
    if (shell && !visible) issue(`${at}.shell`, 'trainees get a shell on a node they do not see: set visible: true, or shell: false');
    if (!shell && node.shellUser !== undefined) {
      issue(`${at}.shellUser`, `trainees get no shell on this node${shellGiven ? '' : caps.has('NET_ADMIN') ? ' (it holds NET_ADMIN)' : ` (a ${role} has none unless the template says shell: true)`}, so shellUser has no use`);
    }
    if (shell && shellUser === 'root' && caps.has('NET_ADMIN')) {
      issue(`${at}.shellUser`, 'a root shell on a node with NET_ADMIN could rewire the range network: name an unprivileged account, or drop NET_ADMIN');
    }

    for (const key of Object.keys(record(node.env))) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) issue(`${at}.env.${key}`, `"${key}" is not a valid environment variable name`);
      const value = record(node.env)[key];
      if (!['string', 'number', 'boolean'].includes(typeof value)) issue(`${at}.env.${key}`, 'must be a string, number or boolean');
    }

    const readOnlyRoot = node.readOnlyRoot !== false;
    const paths = new Set<string>();
    list(node.files).forEach((f, j) => {
      const filePath = text(record(f).path);
      if (!filePath) return;
      if (paths.has(filePath)) issue(`${at}.files[${j}].path`, `file "${filePath}" is placed twice`);
      paths.add(filePath);
      for (const rendered of renderings(filePath)) {
        const problem = checkFilePath(rendered, readOnlyRoot);
        if (problem) {
          issue(`${at}.files[${j}].path`, rendered === filePath ? problem : `${problem} (once rendered)`);
          break;
        }
      }
    });

    list(node.dependsOn).forEach((d, j) => {
      const dep = text(d);
      if (!dep) return;
      if (dep === name) issue(`${at}.dependsOn[${j}]`, `node "${name}" depends on itself`);
      else if (!nodes.has(dep)) issue(`${at}.dependsOn[${j}]`, `unknown node "${dep}"`);
    });

    // What render substitutes in a node.
    const checkList = (path: string, value: unknown) => list(value).forEach((v, k) => checkRefs(`${path}[${k}]`, v));
    checkList(`${at}.command`, node.command);
    list(node.networks).forEach((a, j) => checkList(`${at}.networks[${j}].aliases`, record(a).aliases));
    checkList(`${at}.readiness.argv`, record(node.readiness).argv);
    for (const [key, value] of Object.entries(record(node.env))) checkRefs(`${at}.env.${key}`, value);
    list(node.files).forEach((f, j) => {
      checkRefs(`${at}.files[${j}].path`, record(f).path);
      checkRefs(`${at}.files[${j}].content`, record(f).content);
    });
  });

  // Every network must hold its nodes (.0 network, .1 gateway, last broadcast).
  if (hostSlots !== undefined) {
    for (const [network, count] of members) {
      if (count > hostSlots - 3 && networkIndex.has(network)) {
        issue(`networks[${networkIndex.get(network)}]`, `network "${network}" has ${count} nodes; a /${options.subnetPrefix} range network (RANGE_SUBNET_PREFIX) holds ${hostSlots - 3}`);
      }
    }
  }

  // Dependency cycles (each reported once, at the first node of the cycle in template order).
  for (const cycle of dependencyCycles(nodeList)) {
    const first = nodes.get(cycle[0]!)!;
    issue(`nodes[${first.index}].dependsOn`, `dependency cycle: ${[...cycle, cycle[0]].join(' -> ')}`);
  }

  const knownNode = (path: string, value: unknown) => {
    const node = text(value);
    if (node && !nodes.has(node)) issue(path, `unknown node "${node}"`);
  };

  // Attack steps.
  const steps = new Set<string>();
  list(record(root.attack).steps).forEach((s, i) => {
    const step = record(s);
    const at = `attack.steps[${i}]`;
    const id = text(step.id);
    if (id) {
      if (steps.has(id)) issue(`${at}.id`, `duplicate attack step "${id}"`);
      steps.add(id);
    }
    knownNode(`${at}.node`, step.node);
    knownNode(`${at}.precondition.node`, record(step.precondition).node);
    walkRefs(at, s);
  });

  // Hosts a probe URL may name: node names, aliases, or a ${variable}.
  const hosts = new Set<string>([...nodes.keys()]);
  for (const names of dnsNames.values()) for (const alias of names.keys()) hosts.add(alias);

  // Probe patterns run on RE2 at scoring time (linear, no backreferences or lookaround).
  const checkPattern = (path: string, value: unknown) => {
    if (typeof value !== 'string') return;
    for (const rendered of renderings(value)) {
      const problem = probePatternProblem(rendered);
      if (problem) {
        issue(path, rendered === replaceReferences(value, () => 'x') ? problem : `${problem} (once rendered as "${rendered.slice(0, 80)}")`);
        break;
      }
    }
  };

  // Objectives.
  const objectives = new Set<string>();
  list(root.objectives).forEach((o, i) => {
    const objective = record(o);
    const at = `objectives[${i}]`;
    const id = text(objective.id);
    if (id) {
      if (objectives.has(id)) issue(`${at}.id`, `duplicate objective "${id}"`);
      objectives.add(id);
    }
    walkRefs(at, o);
    const after = text(objective.after);
    if (after && !steps.has(after)) issue(`${at}.after`, `unknown attack step "${after}"`);
    const kind = text(objective.kind);
    const phase = text(objective.phase);
    for (const part of ['answer', 'check', 'report'] as const) {
      const present = objective[part] !== undefined;
      if (kind === part && !present) issue(`${at}.${part}`, `a "${part}" objective needs its ${part} section`);
      if (kind && kind !== part && present) issue(`${at}.${part}`, `only a "${part}" objective has a ${part} section (this one is "${kind}")`);
    }
    // An idle team must not score: "the implant is gone" means nothing before there was an implant.
    if (kind === 'check' && phase && DAMAGE_PHASES.includes(phase) && !after) {
      issue(`${at}.after`, `${phase === "eradicate" ? "an" : "a"} ${phase} check answers damage an attack step does: name that step in after, so the check counts only once it has run (an idle team would meet it otherwise)`);
    }

    if (objective.answer !== undefined) {
      const answer = record(objective.answer);
      const variable = text(answer.variable);
      if ((variable === undefined) === (answer.expected === undefined)) {
        issue(`${at}.answer`, 'give exactly one of variable (a variable name) or expected (a value, may hold ${...})');
      }
      if (variable && !variables.has(variable)) issue(`${at}.answer.variable`, `unknown variable "${variable}"`);
      const guessable = walkableChoices(answer, variables, nodes);
      const attempts = typeof answer.maxAttempts === 'number' ? answer.maxAttempts : 5;
      if (guessable && attempts >= guessable.count) {
        issue(
          `${at}.answer.maxAttempts`,
          `${attempts} attempts can walk every one of the ${guessable.count} values the answer can take (${guessable.why}): allow at most ${guessable.count - 1}`,
        );
      }
    }

    if (objective.check !== undefined) {
      const check = record(objective.check);
      if ((check.exec === undefined) === (check.http === undefined)) {
        issue(`${at}.check`, 'give exactly one probe: exec (in a node) or http (a GET from one node to another)');
      }
      if (check.exec !== undefined) {
        const exec = record(check.exec);
        knownNode(`${at}.check.exec.node`, exec.node);
        checkPattern(`${at}.check.exec.outputMatches`, exec.outputMatches);
        checkPattern(`${at}.check.exec.outputNotMatches`, exec.outputNotMatches);
      }
      if (check.http !== undefined) {
        const http = record(check.http);
        knownNode(`${at}.check.http.from`, http.from);
        const url = text(http.url);
        const host = url?.match(/^http:\/\/([^/:?#]{1,253})/)?.[1];
        if (host && !host.includes('${') && !hosts.has(host)) {
          issue(`${at}.check.http.url`, `unknown host "${host}": name a node, one of its aliases, or an address variable`);
        }
        checkPattern(`${at}.check.http.bodyMatches`, http.bodyMatches);
        checkPattern(`${at}.check.http.bodyNotMatches`, http.bodyNotMatches);
      }
    }

    if (objective.report !== undefined) {
      const iocIds = new Set<string>();
      list(record(objective.report).iocs).forEach((c, k) => {
        const iocId = text(record(c).id);
        if (iocId && iocIds.has(iocId)) issue(`${at}.report.iocs[${k}].id`, `duplicate IOC "${iocId}"`);
        if (iocId) iocIds.add(iocId);
      });
    }
  });

  const teamSize = record(root.teamSize);
  if (typeof teamSize.min === 'number' && typeof teamSize.max === 'number' && teamSize.min > teamSize.max) {
    issue('teamSize.max', `max (${teamSize.max}) is below min (${teamSize.min})`);
  }
  return issues;
}

/**
 * How many values an answer can take that a team could try one by one, or
 * undefined when they are not a short list (a hex, a port, a hidden node's
 * address, or a fixed text to find). A pick or word variable (in `variable`,
 * `expected` or an alternative) is a list; so is the address of a node
 * trainees see: they see every address on its network.
 */
function walkableChoices(
  answer: Record<string, unknown>,
  variables: Map<string, VariableInfo>,
  nodes: Map<string, { role?: string; networks: Set<string>; visible: boolean }>,
): { count: number; why: string } | undefined {
  const variable = text(answer.variable);
  const refs = new Set<string>(variable ? [variable] : referencedVariables(text(answer.expected) ?? ''));
  for (const alternative of list(answer.alternatives)) for (const ref of referencedVariables(text(alternative) ?? '')) refs.add(ref);
  let count = 1;
  const why: string[] = [];
  for (const ref of refs) {
    const info = variables.get(ref);
    if (!info) return undefined;
    if (info.values) {
      const distinct = new Set(info.values).size;
      count *= distinct;
      if (info.kind !== 'value') why.push(`"${ref}" is one of ${distinct}`);
    } else if (info.kind === 'address' && info.node && info.network && nodes.get(info.node)?.visible) {
      const seen = [...nodes.values()].filter((n) => n.visible && n.networks.has(info.network!)).length;
      count *= seen;
      why.push(`"${ref}" is the address of node "${info.node}", one of the ${seen} nodes trainees see on network "${info.network}"`);
    } else {
      return undefined;
    }
  }
  return why.length ? { count, why: why.join('; ') } : undefined;
}

/** Every elementary cycle found by a DFS over dependsOn, each once, starting at its earliest node. */
function dependencyCycles(nodeList: Record<string, unknown>[]): string[][] {
  const order = nodeList.map((n) => text(n.name)).filter((n): n is string => !!n);
  const edges = new Map<string, string[]>();
  nodeList.forEach((n) => {
    const name = text(n.name);
    if (name && !edges.has(name)) edges.set(name, list(n.dependsOn).map(text).filter((d): d is string => !!d && d !== name));
  });
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string) => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of edges.get(name) ?? []) {
      if (!edges.has(dep)) continue;
      if (state.get(dep) === 'visiting') {
        const cycle = stack.slice(stack.indexOf(dep));
        const start = cycle.reduce((best, n) => (order.indexOf(n) < order.indexOf(best) ? n : best));
        const rotated = [...cycle.slice(cycle.indexOf(start)), ...cycle.slice(0, cycle.indexOf(start))];
        const key = rotated.join('>');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(rotated);
        }
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of order) if (!state.has(name)) visit(name);
  return cycles;
}
