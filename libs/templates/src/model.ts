/**
 * A range template after parse -> validate -> defaults: every optional field
 * has its value, every reference has been checked. Values may still hold
 * ${variable} references; render() substitutes them for one range.
 */

export interface LocalizedText {
  ja: string;
  en: string;
}

export const COURSES = ['A', 'B-1', 'B-2', 'C', 'ONLINE-A'] as const;
export type Course = (typeof COURSES)[number];

export const LEVELS = ['beginner', 'intermediate', 'semi-advanced', 'advanced'] as const;
export type Level = (typeof LEVELS)[number];

/** Same union as NodeRole in blueprint.ts (kept here so model.ts imports nothing). */
export type TemplateRole = 'workstation' | 'server' | 'attacker' | 'c2' | 'logserver' | 'router' | 'firewall';
export const NODE_ROLES: readonly TemplateRole[] = ['workstation', 'server', 'attacker', 'c2', 'logserver', 'router', 'firewall'];
/** Roles that may hold NET_ADMIN (same list as NET_ADMIN_ROLES in blueprint.ts). */
export const ROUTING_ROLES: readonly TemplateRole[] = ['attacker', 'router', 'firewall'];
/**
 * The adversary's infrastructure: hidden from trainees and without a trainee
 * shell unless the template says so (the attacker's address is itself an answer).
 */
export const ADVERSARY_ROLES: readonly TemplateRole[] = ['attacker', 'c2'];

/** The account a trainee's terminal runs as unless the template names another for the node (every built-in image has it). */
export const DEFAULT_SHELL_USER = 'trainee';

/** Capabilities a template may ask for; everything else (SYS_ADMIN, ...) is refused. */
export const ALLOWED_CAPABILITIES = [
  'NET_BIND_SERVICE',
  'CHOWN',
  'SETUID',
  'SETGID',
  'KILL',
  'DAC_OVERRIDE',
  'FOWNER',
  'NET_RAW',
  'NET_ADMIN',
] as const;

/**
 * Capabilities each role may hold. NET_RAW (raw sockets: spoofing, sniffing the
 * segment) only where a service needs it (a server's ping CGI, the router) or
 * on the adversary's side; NET_ADMIN only where the node routes or attacks.
 * Workstations and log servers, where trainees work, get neither.
 */
const COMMON_CAPABILITIES = ['NET_BIND_SERVICE', 'CHOWN', 'SETUID', 'SETGID', 'KILL', 'DAC_OVERRIDE', 'FOWNER'] as const;
export const ROLE_CAPABILITIES: Record<TemplateRole, readonly string[]> = {
  workstation: COMMON_CAPABILITIES,
  logserver: COMMON_CAPABILITIES,
  server: [...COMMON_CAPABILITIES, 'NET_RAW'],
  c2: [...COMMON_CAPABILITIES, 'NET_RAW'],
  attacker: [...COMMON_CAPABILITIES, 'NET_RAW', 'NET_ADMIN'],
  router: [...COMMON_CAPABILITIES, 'NET_RAW', 'NET_ADMIN'],
  firewall: [...COMMON_CAPABILITIES, 'NET_RAW', 'NET_ADMIN'],
};

/** Whether trainees see a node (name, role, addresses) when the template does not say. */
export function defaultVisible(role: TemplateRole): boolean {
  return !ADVERSARY_ROLES.includes(role);
}

/**
 * Whether trainees get a shell on a node when the template does not say: not
 * on the adversary's side, and not where NET_ADMIN could rewire the range.
 */
export function defaultShell(role: TemplateRole, capabilities: readonly string[]): boolean {
  return !ADVERSARY_ROLES.includes(role) && !capabilities.includes('NET_ADMIN');
}

export interface ResourceBounds {
  min: number;
  max: number;
  default: number;
}

/** Per-node resource defaults and upper bounds (a range is ~6 nodes; 10 teams share 2 cores). */
export const RESOURCE_LIMITS: { memoryMb: ResourceBounds; cpus: ResourceBounds; pids: ResourceBounds } = {
  memoryMb: { min: 16, max: 512, default: 64 },
  cpus: { min: 0.05, max: 1, default: 0.25 },
  pids: { min: 16, max: 512, default: 64 },
};

/**
 * Higher default process limits for roles that fork per relayed connection: the router is the only
 * way between segments and must hold 100 connections at once (one nc each, plus a few short-lived
 * helpers while a connection starts). Within RESOURCE_LIMITS.pids; a template's own value wins.
 */
export const ROLE_PIDS_DEFAULTS: Partial<Record<TemplateRole, number>> = { router: 256, firewall: 256 };

export const READINESS_DEFAULTS = { timeoutSeconds: 30, intervalMs: 500 };

export const PHASES = ['detect', 'analyze', 'contain', 'eradicate', 'recover', 'report'] as const;
export type Phase = (typeof PHASES)[number];

export const OBJECTIVE_KINDS = ['answer', 'check', 'report'] as const;
export type ObjectiveKind = (typeof OBJECTIVE_KINDS)[number];

/** How a submitted answer and the expected value are normalised before comparison (see normalizeAnswer). */
export const NORMALIZERS = ['exact', 'text', 'ip', 'path', 'hostname', 'hex', 'number'] as const;
export type Normalizer = (typeof NORMALIZERS)[number];

/** Attack stages, after MITRE ATT&CK tactics, so timelines can group steps. */
export const ATTACK_STAGES = [
  'reconnaissance',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
] as const;
export type AttackStage = (typeof ATTACK_STAGES)[number];

/** Innocuous words for `word` variables (names of implants, campaigns, accounts). */
export const DEFAULT_WORDS = [
  'amber', 'birch', 'cedar', 'delta', 'ember', 'falcon', 'garnet', 'harbor', 'indigo', 'jasper',
  'kestrel', 'lotus', 'maple', 'nimbus', 'onyx', 'pepper', 'quartz', 'raven', 'sable', 'tundra',
  'umber', 'violet', 'willow', 'yarrow', 'zephyr', 'cobalt', 'saffron', 'juniper', 'orchid', 'marble',
];

export const VARIABLE_KINDS = ['hex', 'pick', 'address', 'port', 'word', 'value'] as const;
export type VariableKind = (typeof VARIABLE_KINDS)[number];

export interface TemplateNetwork {
  name: string;
  description?: LocalizedText;
}

export interface TemplateAttachment {
  network: string;
  aliases: string[];
  /** Host number inside the subnet (network address + offset); assigned in node order when absent. */
  hostOffset?: number;
}

export interface TemplateFile {
  path: string;
  content: string;
  /** Permission bits (0o644 by default); YAML may give "0644" or 0o644. */
  mode: number;
}

export interface TemplateNode {
  name: string;
  description?: LocalizedText;
  image: { builtin: string } | { reference: string };
  role: TemplateRole;
  networks: TemplateAttachment[];
  /** Whether trainees may open a terminal on the node. */
  shell: boolean;
  /** The account the trainee's terminal runs as (DEFAULT_SHELL_USER unless the template names another). */
  shellUser: string;
  /** Whether trainees see the node (name, role, addresses). */
  visible: boolean;
  resources: { memoryMb: number; cpus: number; pids: number };
  capabilities: string[];
  env: Record<string, string>;
  files: TemplateFile[];
  command?: string[];
  readiness?: { argv: string[]; timeoutSeconds: number; intervalMs: number };
  readOnlyRoot: boolean;
  dependsOn: string[];
}

export type TemplateVariable =
  | { name: string; kind: 'hex'; length: number }
  | { name: string; kind: 'pick'; from: string[] }
  | { name: string; kind: 'address'; node: string; network: string }
  | { name: string; kind: 'port'; min: number; max: number }
  | { name: string; kind: 'word'; from: string[] }
  | { name: string; kind: 'value'; value: string };

export interface ExecProbe {
  node: string;
  argv: string[];
  expectExitCode?: number;
  /** Regular expression the trimmed stdout must match. */
  outputMatches?: string;
  /** Regular expression the trimmed stdout must not match. */
  outputNotMatches?: string;
  timeoutSeconds: number;
}

export interface HttpProbe {
  /** Node the GET is sent from (inside the range). */
  from: string;
  url: string;
  expectStatus?: number;
  bodyMatches?: string;
  bodyNotMatches?: string;
  timeoutSeconds: number;
}

export interface AttackStep {
  id: string;
  /** Seconds after the scenario clock starts. */
  offsetSeconds: number;
  node: string;
  argv: string[];
  stage?: AttackStage;
  title: LocalizedText;
  /** Run before the step; when its exit code differs, the step is "blocked" (the trainees stopped it). */
  precondition?: { argv: string[]; expectExitCode: number; node: string };
  timeoutSeconds: number;
}

export interface AnswerSpec {
  /** The expected value: a variable's value (variable) or a literal that may hold ${...} (expected). */
  variable?: string;
  expected?: string;
  normalize: Normalizer;
  /** Other accepted forms, e.g. the node's DNS name beside its address. */
  alternatives: string[];
  maxAttempts: number;
  wrongAnswerPenalty: number;
}

export interface CheckSpec {
  exec?: ExecProbe;
  http?: HttpProbe;
  /** Seconds the probe must keep holding (contain/eradicate). */
  holdSeconds: number;
}

export interface ReportIoc {
  id: string;
  label: LocalizedText;
  expected: string;
  normalize: Normalizer;
}

export interface ReportSpec {
  /** IOCs checked automatically against the submitted report. */
  iocs: ReportIoc[];
  /** Sections the instructor grades on the rubric. */
  sections: string[];
}

export interface Hint {
  text: LocalizedText;
  cost: number;
}

export interface Objective {
  id: string;
  phase: Phase;
  kind: ObjectiveKind;
  title: LocalizedText;
  description?: LocalizedText;
  points: number;
  /** Extra points when met within `withinSeconds` of the scenario start (or of `after`'s step). */
  timeBonus?: { points: number; withinSeconds: number };
  /** Attack step this objective follows (the clock for time-to-detect and the time bonus). */
  after?: string;
  answer?: AnswerSpec;
  check?: CheckSpec;
  report?: ReportSpec;
  hints: Hint[];
}

export interface RangeTemplate {
  id: string;
  version: string;
  title: LocalizedText;
  description: LocalizedText;
  courses: Course[];
  level?: Level;
  durationMinutes: number;
  /** Teams (or single trainees) this template is meant for, e.g. 1 for Online A. */
  teamSize?: { min: number; max: number };
  networks: TemplateNetwork[];
  nodes: TemplateNode[];
  variables: TemplateVariable[];
  attack: { steps: AttackStep[] };
  objectives: Objective[];
}

export const REPORT_SECTIONS = ['timeline', 'impact', 'iocs', 'actions', 'recommendations'] as const;

/** One validation problem, with where it is (e.g. `nodes[2].networks[0]`). */
export interface TemplateIssue {
  path: string;
  message: string;
}

export function formatIssue(issue: TemplateIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** The line that says how many issues were left off a capped list. */
export function omittedLine(omitted: number): string[] {
  return omitted > 0 ? [`... and ${omitted} more error(s) not listed`] : [];
}
