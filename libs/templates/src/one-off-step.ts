import type { AttackStep, TemplateIssue } from './model.js';
import { applyDefaults } from './template-defaults.js';
import { parseTemplate } from './template-parser.js';
import { validateTemplate, type ValidateOptions } from './template-validator.js';

export interface OneOffStepCheck {
  /** The step with its defaults (precondition node, exit code, timeout), when there is no issue. */
  step?: AttackStep;
  /** Each with its path inside the step (`node`, `precondition.argv`, `title.ja`). */
  issues: TemplateIssue[];
}

/**
 * Checks one attack step given on its own (an instructor's one-off inject)
 * against the template its range came from, exactly as a step of that
 * template is checked: the step is appended to the template's steps and the
 * whole template goes through validateTemplate, so its shape, its node, its
 * ${variables} and a clash with the template's step ids are refused with the
 * same messages. It must also be of the template's kinds: run on a node the
 * template's own steps run on (the attacker or a node it compromises) with a
 * command those steps use. It has no offset: it runs when injected.
 */
export function checkOneOffStep(templateSource: string, raw: unknown, options: ValidateOptions): OneOffStepCheck {
  const issues: TemplateIssue[] = [];
  const given = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  if (!given) return { issues: [{ path: '', message: 'a step must be an object (id, node, argv, title, ...)' }] };
  if ('offsetSeconds' in given) issues.push({ path: 'offsetSeconds', message: 'a one-off step runs when injected: it has no offsetSeconds' });

  const parsed = parseTemplate(templateSource);
  if (parsed.issues.length) return { issues: parsed.issues.map((i) => ({ path: `template.${i.path}`, message: i.message })) };
  const template = parsed.value as Record<string, unknown>;
  const attack = (template.attack ?? {}) as Record<string, unknown>;
  const steps = Array.isArray(attack.steps) ? (attack.steps as unknown[]) : [];
  const at = `attack.steps[${steps.length}]`;
  const withStep = { ...template, attack: { ...attack, steps: [...steps, { ...given, offsetSeconds: 0 }] } };

  const validated = validateTemplate(withStep, options);
  for (const issue of validated.issues) {
    if (issue.path === at) issues.push({ path: '', message: issue.message });
    else if (issue.path.startsWith(`${at}.`) || issue.path.startsWith(`${at}[`)) issues.push({ path: issue.path.slice(at.length).replace(/^\./, ''), message: issue.message });
    // A problem of the template itself would have kept it out of the catalogue; name it if it shows.
    else issues.push({ path: `template.${issue.path}`, message: issue.message });
  }
  // Of the template's kinds, checked on the raw step too, so every failing field is named at once.
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const first = (v: unknown) => (Array.isArray(v) ? str(v[0]) : undefined);
  const own = steps.map((x) => (x && typeof x === 'object' ? (x as Record<string, unknown>) : {}));
  const preconditionOf = (x: Record<string, unknown>) => (x.precondition && typeof x.precondition === 'object' ? (x.precondition as Record<string, unknown>) : null);
  const nodes = new Set(own.flatMap((x) => [str(x.node), str(preconditionOf(x)?.node) ?? str(x.node)]).filter((v): v is string => !!v));
  const commands = new Set(own.flatMap((x) => [first(x.argv), first(preconditionOf(x)?.argv)]).filter((v): v is string => !!v));
  const listed = (set: Set<string>) => [...set].sort().join(', ');
  const flagged = (path: string) => issues.some((i) => i.path === path);
  const node = str(given.node);
  if (node && !nodes.has(node) && !flagged('node')) issues.push({ path: 'node', message: `a one-off step runs where the template's steps run (${listed(nodes)}), not on "${node}"` });
  const command = first(given.argv);
  if (command && !commands.has(command) && !flagged('argv[0]')) {
    issues.push({ path: 'argv[0]', message: `a one-off step uses a command of the template's steps (${listed(commands)}), not "${command}"` });
  }
  const precondition = preconditionOf(given);
  if (precondition) {
    const preNode = str(precondition.node);
    if (preNode && !nodes.has(preNode) && !flagged('precondition.node')) issues.push({ path: 'precondition.node', message: `a precondition runs where the template's steps run (${listed(nodes)})` });
    const preCommand = first(precondition.argv);
    if (preCommand && !commands.has(preCommand) && !flagged('precondition.argv[0]')) {
      issues.push({ path: 'precondition.argv[0]', message: `a precondition uses a command of the template's steps (${listed(commands)})` });
    }
  }
  if (!validated.dto || issues.length) return { issues };
  const all = applyDefaults(validated.dto).attack.steps;
  const step = all[all.length - 1]!;
  return { step, issues: [] };
}
