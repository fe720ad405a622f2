import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ALLOWED_CAPABILITIES, ROUTING_ROLES, type TemplateIssue, type TemplateRole } from './model.js';
import { isVariableName, referencedVariables } from './substitution.js';
import { TemplateDto } from './template.dto.js';

export interface ValidateOptions {
  /** Names of the built-in range images (docker/images/<name>). */
  builtinImages: readonly string[];
}

export interface ValidateResult {
  /** The validated template, when there is no issue. */
  dto?: TemplateDto;
  issues: TemplateIssue[];
}

/** A built-in image is a bare name; anything with a registry, path, tag or digest is a reference. */
export function isBuiltinImageName(image: string): boolean {
  return /^[a-z0-9][a-z0-9_-]*$/.test(image);
}

const IMAGE_REFERENCE = /^[a-z0-9]+([._\/-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/** Paths writable on a read-only root (the provisioner mounts tmpfs there). */
const WRITABLE_ON_READ_ONLY_ROOT = ['/tmp/', '/run/'];

/**
 * Step 2: the shape (class-validator DTOs) and then every cross-reference.
 * Both run on every template, so every error is reported at once with its
 * path, e.g. `nodes[2].networks[0]: unknown network "dmz2"`.
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
  return unique.length ? { issues: unique } : { dto, issues: [] };
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

function crossReferences(dto: TemplateDto, options: ValidateOptions): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });
  const root = dto as unknown as Record<string, unknown>;

  // Networks.
  const networks = new Set<string>();
  list(root.networks).forEach((n, i) => {
    const name = text(record(n).name);
    if (!name) return;
    if (networks.has(name)) issue(`networks[${i}].name`, `duplicate network "${name}"`);
    networks.add(name);
  });

  // Nodes: names first, so references can point forward.
  const nodes = new Map<string, { index: number; role?: string; networks: Set<string> }>();
  const nodeList = list(root.nodes).map(record);
  nodeList.forEach((node, i) => {
    const name = text(node.name);
    if (!name) return;
    if (nodes.has(name)) {
      issue(`nodes[${i}].name`, `duplicate node "${name}"`);
      return;
    }
    const joined = new Set(list(node.networks).map((a) => text(record(a).network)).filter((n): n is string => !!n));
    nodes.set(name, { index: i, role: text(node.role), networks: joined });
  });

  // Names that resolve inside each network (node names and aliases), to catch DNS clashes.
  const dnsNames = new Map<string, Map<string, string>>();
  const offsets = new Map<string, Map<number, string>>();
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
      } else if (!IMAGE_REFERENCE.test(image)) {
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
      if (!(ALLOWED_CAPABILITIES as readonly string[]).includes(cap)) {
        issue(`${at}.capabilities[${j}]`, `capability "${cap}" is not allowed (allowed: ${ALLOWED_CAPABILITIES.join(', ')})`);
      } else if (cap === 'NET_ADMIN' && (!role || !ROUTING_ROLES.includes(role))) {
        issue(`${at}.capabilities[${j}]`, `capability "NET_ADMIN" is only allowed for the roles ${ROUTING_ROLES.join(', ')}, not "${role ?? 'none'}"`);
      }
      if (caps.has(cap)) issue(`${at}.capabilities[${j}]`, `capability "${cap}" is listed twice`);
      caps.add(cap);
    });

    for (const key of Object.keys(record(node.env))) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) issue(`${at}.env.${key}`, `"${key}" is not a valid environment variable name`);
      const value = record(node.env)[key];
      if (!['string', 'number', 'boolean'].includes(typeof value)) issue(`${at}.env.${key}`, 'must be a string, number or boolean');
    }

    const readOnlyRoot = node.readOnlyRoot !== false;
    const paths = new Set<string>();
    list(node.files).forEach((f, j) => {
      const path = text(record(f).path);
      if (!path) return;
      if (paths.has(path)) issue(`${at}.files[${j}].path`, `file "${path}" is placed twice`);
      paths.add(path);
      if (readOnlyRoot && !WRITABLE_ON_READ_ONLY_ROOT.some((p) => path.startsWith(p))) {
        issue(`${at}.files[${j}].path`, `"${path}" is on the read-only root: place files under /tmp or /run, or set readOnlyRoot: false`);
      }
    });

    list(node.dependsOn).forEach((d, j) => {
      const dep = text(d);
      if (!dep) return;
      if (dep === name) issue(`${at}.dependsOn[${j}]`, `node "${name}" depends on itself`);
      else if (!nodes.has(dep)) issue(`${at}.dependsOn[${j}]`, `unknown node "${dep}"`);
    });
  });

  // Dependency cycles (each reported once, at the first node of the cycle in template order).
  for (const cycle of dependencyCycles(nodeList)) {
    const first = nodes.get(cycle[0]!)!;
    issue(`nodes[${first.index}].dependsOn`, `dependency cycle: ${[...cycle, cycle[0]].join(' -> ')}`);
  }

  // Variables.
  const variables = new Set<string>();
  list(root.variables).forEach((v, i) => {
    const variable = record(v);
    const at = `variables[${i}]`;
    const name = text(variable.name);
    if (name) {
      if (variables.has(name)) issue(`${at}.name`, `duplicate variable "${name}"`);
      variables.add(name);
    }
    if (variable.kind === 'address') {
      const node = text(variable.node);
      const network = text(variable.network);
      if (node && !nodes.has(node)) issue(`${at}.node`, `unknown node "${node}"`);
      if (network && !networks.has(network)) issue(`${at}.network`, `unknown network "${network}"`);
      if (node && network && nodes.has(node) && networks.has(network) && !nodes.get(node)!.networks.has(network)) {
        issue(`${at}.network`, `node "${node}" does not join network "${network}"`);
      }
    }
    if (variable.kind === 'port' && typeof variable.min === 'number' && typeof variable.max === 'number' && variable.min > variable.max) {
      issue(`${at}.max`, `max (${variable.max}) is below min (${variable.min})`);
    }
  });

  // Every ${...} must name a variable.
  const checkRefs = (path: string, value: unknown) => {
    if (typeof value !== 'string') return;
    for (const ref of referencedVariables(value)) {
      if (!isVariableName(ref)) issue(path, `"\${${ref}}" is not a variable reference (write $\${ for a literal \${)`);
      else if (!variables.has(ref)) issue(path, `unknown variable "\${${ref}}"`);
    }
  };
  const checkList = (path: string, value: unknown) => list(value).forEach((v, k) => checkRefs(`${path}[${k}]`, v));
  nodeList.forEach((node, i) => {
    const at = `nodes[${i}]`;
    checkList(`${at}.command`, node.command);
    list(node.networks).forEach((a, j) => checkList(`${at}.networks[${j}].aliases`, record(a).aliases));
    checkList(`${at}.readiness.argv`, record(node.readiness).argv);
    for (const [key, value] of Object.entries(record(node.env))) checkRefs(`${at}.env.${key}`, value);
    list(node.files).forEach((f, j) => {
      checkRefs(`${at}.files[${j}].path`, record(f).path);
      checkRefs(`${at}.files[${j}].content`, record(f).content);
    });
  });

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
    checkList(`${at}.argv`, step.argv);
    const pre = record(step.precondition);
    knownNode(`${at}.precondition.node`, pre.node);
    checkList(`${at}.precondition.argv`, pre.argv);
  });

  // Hosts a probe URL may name: node names, aliases, or a ${variable}.
  const hosts = new Set<string>([...nodes.keys()]);
  for (const names of dnsNames.values()) for (const alias of names.keys()) hosts.add(alias);

  const checkRegex = (path: string, value: unknown) => {
    if (typeof value !== 'string') return;
    checkRefs(path, value);
    try {
      new RegExp(value.replace(/\$\{[^}]*\}/g, 'x'));
    } catch (err) {
      issue(path, `invalid regular expression: ${(err as Error).message}`);
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
    const after = text(objective.after);
    if (after && !steps.has(after)) issue(`${at}.after`, `unknown attack step "${after}"`);
    const kind = text(objective.kind);
    for (const part of ['answer', 'check', 'report'] as const) {
      const present = objective[part] !== undefined;
      if (kind === part && !present) issue(`${at}.${part}`, `a "${part}" objective needs its ${part} section`);
      if (kind && kind !== part && present) issue(`${at}.${part}`, `only a "${part}" objective has a ${part} section (this one is "${kind}")`);
    }

    if (objective.answer !== undefined) {
      const answer = record(objective.answer);
      const variable = text(answer.variable);
      if ((variable === undefined) === (answer.expected === undefined)) {
        issue(`${at}.answer`, 'give exactly one of variable (a variable name) or expected (a value, may hold ${...})');
      }
      if (variable && !variables.has(variable)) issue(`${at}.answer.variable`, `unknown variable "${variable}"`);
      checkRefs(`${at}.answer.expected`, answer.expected);
      checkList(`${at}.answer.alternatives`, answer.alternatives);
    }

    if (objective.check !== undefined) {
      const check = record(objective.check);
      if ((check.exec === undefined) === (check.http === undefined)) {
        issue(`${at}.check`, 'give exactly one probe: exec (in a node) or http (a GET from one node to another)');
      }
      if (check.exec !== undefined) {
        const exec = record(check.exec);
        knownNode(`${at}.check.exec.node`, exec.node);
        checkList(`${at}.check.exec.argv`, exec.argv);
        checkRegex(`${at}.check.exec.outputMatches`, exec.outputMatches);
        checkRegex(`${at}.check.exec.outputNotMatches`, exec.outputNotMatches);
      }
      if (check.http !== undefined) {
        const http = record(check.http);
        knownNode(`${at}.check.http.from`, http.from);
        const url = text(http.url);
        checkRefs(`${at}.check.http.url`, url);
        const host = url?.match(/^http:\/\/([^/:?#]+)/)?.[1];
        if (host && !host.includes('${') && !hosts.has(host)) {
          issue(`${at}.check.http.url`, `unknown host "${host}": name a node, one of its aliases, or an address variable`);
        }
        checkRegex(`${at}.check.http.bodyMatches`, http.bodyMatches);
        checkRegex(`${at}.check.http.bodyNotMatches`, http.bodyNotMatches);
      }
    }

    if (objective.report !== undefined) {
      const iocIds = new Set<string>();
      list(record(objective.report).iocs).forEach((c, k) => {
        const ioc = record(c);
        const iocId = text(ioc.id);
        if (iocId && iocIds.has(iocId)) issue(`${at}.report.iocs[${k}].id`, `duplicate IOC "${iocId}"`);
        if (iocId) iocIds.add(iocId);
        checkRefs(`${at}.report.iocs[${k}].expected`, ioc.expected);
      });
    }

    list(objective.hints).forEach((h, k) => {
      const hint = record(record(h).text);
      checkRefs(`${at}.hints[${k}].text.ja`, hint.ja);
      checkRefs(`${at}.hints[${k}].text.en`, hint.en);
    });
  });

  const teamSize = record(root.teamSize);
  if (typeof teamSize.min === 'number' && typeof teamSize.max === 'number' && teamSize.min > teamSize.max) {
    issue('teamSize.max', `max (${teamSize.max}) is below min (${teamSize.min})`);
  }
  return issues;
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
