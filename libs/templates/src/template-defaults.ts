import {
  DEFAULT_SHELL_USER,
  DEFAULT_WORDS,
  READINESS_DEFAULTS,
  REPORT_SECTIONS,
  RESOURCE_LIMITS,
  ROLE_PIDS_DEFAULTS,
  type AttackStage,
  type Course,
  type Level,
  type Normalizer,
  type Objective,
  type ObjectiveKind,
  type Phase,
  type RangeTemplate,
  type TemplateRole,
  type TemplateVariable,
  defaultShell,
  defaultVisible,
} from './model.js';
import { parseFileMode, type TemplateDto, type VariableDto } from './template.dto.js';
import { isBuiltinImageName } from './template-validator.js';

export { DEFAULT_WORDS };

/** Default port range of `port` variables: above the well-known and registered ports we use. */
export const PORT_VARIABLE_DEFAULTS = { min: 20000, max: 60000 };

/** Phases whose check must keep holding for a while before it counts (the attacker may come back). */
const HOLDING_PHASES: Phase[] = ['contain', 'eradicate'];
const DEFAULT_HOLD_SECONDS = 60;
const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_PROBE_TIMEOUT_SECONDS = 10;
const DEFAULT_STEP_TIMEOUT_SECONDS = 30;

function variable(v: VariableDto): TemplateVariable {
  switch (v.kind) {
    case 'hex':
      return { name: v.name, kind: 'hex', length: v.length! };
    case 'pick':
      return { name: v.name, kind: 'pick', from: v.from! };
    case 'address':
      return { name: v.name, kind: 'address', node: v.node!, network: v.network! };
    case 'port':
      return { name: v.name, kind: 'port', min: v.min ?? PORT_VARIABLE_DEFAULTS.min, max: v.max ?? PORT_VARIABLE_DEFAULTS.max };
    case 'word':
      return { name: v.name, kind: 'word', from: v.from ?? DEFAULT_WORDS };
    default:
      return { name: v.name, kind: 'value', value: v.value ?? '' };
  }
}

/** Step 3: a validated template with every default filled in. */
export function applyDefaults(dto: TemplateDto): RangeTemplate {
  return {
    id: dto.id,
    version: dto.version,
    title: { ja: dto.title.ja, en: dto.title.en },
    description: { ja: dto.description.ja, en: dto.description.en },
    courses: dto.courses as Course[],
    ...(dto.level ? { level: dto.level as Level } : {}),
    durationMinutes: dto.durationMinutes,
    ...(dto.teamSize ? { teamSize: { min: dto.teamSize.min, max: dto.teamSize.max } } : {}),
    networks: dto.networks.map((n) => ({ name: n.name, ...(n.description ? { description: { ...n.description } } : {}) })),
    nodes: dto.nodes.map((n) => {
      const role = n.role as TemplateRole;
      return {
        name: n.name,
        ...(n.description ? { description: { ...n.description } } : {}),
        image: isBuiltinImageName(n.image) ? { builtin: n.image } : { reference: n.image },
        role,
        networks: n.networks.map((a) => ({
          network: a.network,
          aliases: a.aliases ?? [],
          ...(a.hostOffset !== undefined ? { hostOffset: a.hostOffset } : {}),
        })),
        // Trainees defend the organisation's machines; the adversary's own infrastructure, and
        // what could rewire the range (NET_ADMIN), are off limits unless the template says so.
        shell: n.shell ?? defaultShell(role, n.capabilities ?? []),
        shellUser: n.shellUser ?? DEFAULT_SHELL_USER,
        visible: n.visible ?? defaultVisible(role),
        resources: {
          memoryMb: n.resources?.memoryMb ?? RESOURCE_LIMITS.memoryMb.default,
          cpus: n.resources?.cpus ?? RESOURCE_LIMITS.cpus.default,
          pids: n.resources?.pids ?? ROLE_PIDS_DEFAULTS[role] ?? RESOURCE_LIMITS.pids.default,
        },
        capabilities: n.capabilities ?? [],
        env: Object.fromEntries(Object.entries(n.env ?? {}).map(([k, v]) => [k, String(v)])),
        files: (n.files ?? []).map((f) => ({ path: f.path, content: f.content, mode: f.mode === undefined ? 0o644 : parseFileMode(f.mode)! })),
        ...(n.command ? { command: n.command } : {}),
        ...(n.readiness
          ? {
              readiness: {
                argv: n.readiness.argv,
                timeoutSeconds: n.readiness.timeoutSeconds ?? READINESS_DEFAULTS.timeoutSeconds,
                intervalMs: n.readiness.intervalMs ?? READINESS_DEFAULTS.intervalMs,
              },
            }
          : {}),
        readOnlyRoot: n.readOnlyRoot ?? true,
        dependsOn: n.dependsOn ?? [],
      };
    }),
    variables: (dto.variables ?? []).map(variable),
    attack: {
      steps: (dto.attack?.steps ?? []).map((s) => ({
        id: s.id,
        offsetSeconds: s.offsetSeconds,
        node: s.node,
        argv: s.argv,
        ...(s.stage ? { stage: s.stage as AttackStage } : {}),
        title: { ja: s.title.ja, en: s.title.en },
        ...(s.precondition
          ? { precondition: { node: s.precondition.node ?? s.node, argv: s.precondition.argv, expectExitCode: s.precondition.expectExitCode ?? 0 } }
          : {}),
        timeoutSeconds: s.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS,
      })),
    },
    objectives: (dto.objectives ?? []).map((o): Objective => {
      const phase = o.phase as Phase;
      return {
        id: o.id,
        phase,
        kind: o.kind as ObjectiveKind,
        title: { ja: o.title.ja, en: o.title.en },
        ...(o.description ? { description: { ja: o.description.ja, en: o.description.en } } : {}),
        points: o.points,
        ...(o.timeBonus ? { timeBonus: { points: o.timeBonus.points, withinSeconds: o.timeBonus.withinSeconds } } : {}),
        ...(o.after ? { after: o.after } : {}),
        ...(o.answer
          ? {
              answer: {
                ...(o.answer.variable !== undefined ? { variable: o.answer.variable } : {}),
                ...(o.answer.expected !== undefined ? { expected: o.answer.expected } : {}),
                normalize: (o.answer.normalize ?? 'text') as Normalizer,
                alternatives: o.answer.alternatives ?? [],
                maxAttempts: o.answer.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
                // A wrong answer costs a tenth of the objective by default, so guessing does not pay.
                wrongAnswerPenalty: o.answer.wrongAnswerPenalty ?? Math.max(1, Math.round(o.points / 10)),
              },
            }
          : {}),
        ...(o.check
          ? {
              check: {
                ...(o.check.exec
                  ? {
                      exec: {
                        node: o.check.exec.node,
                        argv: o.check.exec.argv,
                        ...(o.check.exec.expectExitCode !== undefined || (!o.check.exec.outputMatches && !o.check.exec.outputNotMatches)
                          ? { expectExitCode: o.check.exec.expectExitCode ?? 0 }
                          : {}),
                        ...(o.check.exec.outputMatches !== undefined ? { outputMatches: o.check.exec.outputMatches } : {}),
                        ...(o.check.exec.outputNotMatches !== undefined ? { outputNotMatches: o.check.exec.outputNotMatches } : {}),
                        timeoutSeconds: o.check.exec.timeoutSeconds ?? DEFAULT_PROBE_TIMEOUT_SECONDS,
                      },
                    }
                  : {}),
                ...(o.check.http
                  ? {
                      http: {
                        from: o.check.http.from,
                        url: o.check.http.url,
                        ...(o.check.http.expectStatus !== undefined || (!o.check.http.bodyMatches && !o.check.http.bodyNotMatches)
                          ? { expectStatus: o.check.http.expectStatus ?? 200 }
                          : {}),
                        ...(o.check.http.bodyMatches !== undefined ? { bodyMatches: o.check.http.bodyMatches } : {}),
                        ...(o.check.http.bodyNotMatches !== undefined ? { bodyNotMatches: o.check.http.bodyNotMatches } : {}),
                        timeoutSeconds: o.check.http.timeoutSeconds ?? DEFAULT_PROBE_TIMEOUT_SECONDS,
                      },
                    }
                  : {}),
                holdSeconds: o.check.holdSeconds ?? (HOLDING_PHASES.includes(phase) ? DEFAULT_HOLD_SECONDS : 0),
              },
            }
          : {}),
        ...(o.report
          ? {
              report: {
                iocs: (o.report.iocs ?? []).map((i) => ({
                  id: i.id,
                  label: { ja: i.label.ja, en: i.label.en },
                  expected: i.expected,
                  normalize: (i.normalize ?? 'text') as Normalizer,
                })),
                sections: o.report.sections ?? [...REPORT_SECTIONS],
              },
            }
          : {}),
        hints: (o.hints ?? []).map((h) => ({ text: { ja: h.text.ja, en: h.text.en }, cost: h.cost })),
      };
    }),
  };
}
