import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import {
  ATTACK_STAGES,
  COURSES,
  LEVELS,
  NODE_ROLES,
  NORMALIZERS,
  OBJECTIVE_KINDS,
  PHASES,
  REPORT_SECTIONS,
  RESOURCE_LIMITS,
  VARIABLE_KINDS,
} from './model.js';

/**
 * The shape of a template file, checked by class-validator (step 2a).
 * Cross-references (networks, nodes, variables, cycles) are checked
 * separately in template-validator.ts (step 2b); defaults come after.
 */

/** Every name of a template: its id, networks, nodes, attack steps and objectives. */
export const TEMPLATE_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const NAME = TEMPLATE_NAME;
const NAME_MESSAGE = 'must be 1-31 characters: a lowercase letter, then lowercase letters, digits or -';
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** A Unix account name (useradd's rule). */
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

/** Reads a file mode: an integer up to 0o777, or an octal string ("0644", "644", "0o644"). */
export function parseFileMode(mode: unknown): number | undefined {
  if (typeof mode === 'number') return Number.isInteger(mode) && mode >= 0 && mode <= 0o777 ? mode : undefined;
  if (typeof mode === 'string' && /^(0o?)?[0-7]{1,4}$/.test(mode)) {
    const value = parseInt(mode.replace(/^0o/, ''), 8);
    return value <= 0o777 ? value : undefined;
  }
  return undefined;
}

@ValidatorConstraint({ name: 'fileMode' })
class FileModeConstraint implements ValidatorConstraintInterface {
  validate(mode: unknown): boolean {
    return parseFileMode(mode) !== undefined;
  }

  defaultMessage(args?: ValidationArguments): string {
    const value: unknown = args?.value;
    const hint = typeof value === 'number' && /^[0-7]{3,4}$/.test(String(value))
      ? ` (${value} is read as a decimal number: quote it, "0${value}", or write 0o${value})`
      : '';
    return `mode must be permission bits up to 0777, as an octal string ("0644") or 0o644${hint}`;
  }
}

export class LocalizedTextDto {
  @IsString()
  @IsNotEmpty()
  ja!: string;

  @IsString()
  @IsNotEmpty()
  en!: string;
}

export class NetworkDto {
  @Matches(NAME, { message: `name ${NAME_MESSAGE}` })
  name!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => LocalizedTextDto)
  description?: LocalizedTextDto;
}

export class AttachmentDto {
  @IsString()
  @IsNotEmpty()
  network!: string;

  @IsOptional()
  @IsArray()
  // A DNS name, or one built from variables (e.g. a C2 domain picked per range).
  @ArrayMaxSize(16)
  @MaxLength(253, { each: true, message: 'each alias must be at most 253 characters' })
  @Matches(/^(?:[a-z0-9.-]|\$\{[A-Za-z_][A-Za-z0-9_]*\})+$/, { each: true, message: 'each alias must be a lowercase DNS name (it may hold ${variable})' })
  aliases?: string[];

  @IsOptional()
  @IsInt()
  @Min(2, { message: 'hostOffset must be at least 2 (.0 is the network, .1 is reserved for the gateway)' })
  @Max(65533)
  hostOffset?: number;
}

export class ResourcesDto {
  @IsOptional()
  @IsInt()
  @Min(RESOURCE_LIMITS.memoryMb.min)
  @Max(RESOURCE_LIMITS.memoryMb.max)
  memoryMb?: number;

  @IsOptional()
  @IsNumber()
  @Min(RESOURCE_LIMITS.cpus.min)
  @Max(RESOURCE_LIMITS.cpus.max)
  cpus?: number;

  @IsOptional()
  @IsInt()
  @Min(RESOURCE_LIMITS.pids.min)
  @Max(RESOURCE_LIMITS.pids.max)
  pids?: number;
}

export class FileDto {
  @IsString()
  @MaxLength(1024)
  @Matches(/^\//, { message: 'path must be an absolute path' })
  path!: string;

  @IsString()
  content!: string;

  @IsOptional()
  @Validate(FileModeConstraint)
  mode?: number | string;
}

export class ReadinessDto {
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  argv!: string[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(600)
  timeoutSeconds?: number;

  @IsOptional()
  @IsInt()
  @Min(50)
  @Max(60000)
  intervalMs?: number;
}

export class NodeDto {
  @Matches(NAME, { message: `name ${NAME_MESSAGE}` })
  name!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => LocalizedTextDto)
  description?: LocalizedTextDto;

  @IsDefined({ message: 'missing image: name a built-in range image (docker/images/<name>) or an image reference' })
  @IsString()
  @MaxLength(255, { message: 'image must be at most 255 characters (the longest image reference Docker accepts)' })
  @IsNotEmpty({ message: 'missing image: name a built-in range image (docker/images/<name>) or an image reference' })
  image!: string;

  @IsIn(NODE_ROLES, { message: `role must be one of ${NODE_ROLES.join(', ')}` })
  role!: string;

  @IsArray()
  @ArrayMinSize(1, { message: 'networks must list at least one network' })
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  networks!: AttachmentDto[];

  /** Whether trainees may open a terminal here (default: not on the attacker, the C2 or a node with NET_ADMIN). */
  @IsOptional()
  @IsBoolean()
  shell?: boolean;

  /** The account a trainee's terminal runs as (default "trainee", unprivileged). */
  @IsOptional()
  @IsString()
  @Matches(USER_NAME, { message: 'shellUser must be a Unix account name (lowercase letters, digits, _ or -, at most 32)' })
  shellUser?: string;

  /** Whether trainees see this node (default: all but the attacker and the C2). */
  @IsOptional()
  @IsBoolean()
  visible?: boolean;

  @IsOptional()
  @ValidateNested()
  @Type(() => ResourcesDto)
  resources?: ResourcesDto;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  capabilities?: string[];

  @IsOptional()
  @IsObject()
  env?: Record<string, unknown>;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FileDto)
  files?: FileDto[];

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  command?: string[];

  @IsOptional()
  @ValidateNested()
  @Type(() => ReadinessDto)
  readiness?: ReadinessDto;

  @IsOptional()
  @IsBoolean()
  readOnlyRoot?: boolean;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  dependsOn?: string[];
}

export class VariableDto {
  @Matches(VAR_NAME, { message: 'name must be letters, digits or _ (not starting with a digit)' })
  name!: string;

  @IsIn(VARIABLE_KINDS, { message: `kind must be one of ${VARIABLE_KINDS.join(', ')}` })
  kind!: string;

  @ValidateIf((o: VariableDto) => o.kind === 'hex')
  @IsInt()
  @Min(4)
  @Max(64)
  length?: number;

  @ValidateIf((o: VariableDto) => o.kind === 'pick' || (o.kind === 'word' && o.from !== undefined))
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  from?: string[];

  @ValidateIf((o: VariableDto) => o.kind === 'address')
  @IsString()
  @IsNotEmpty()
  node?: string;

  @ValidateIf((o: VariableDto) => o.kind === 'address')
  @IsString()
  @IsNotEmpty()
  network?: string;

  @ValidateIf((o: VariableDto) => o.kind === 'port' && o.min !== undefined)
  @IsInt()
  @Min(1024)
  @Max(65535)
  min?: number;

  @ValidateIf((o: VariableDto) => o.kind === 'port' && o.max !== undefined)
  @IsInt()
  @Min(1024)
  @Max(65535)
  max?: number;

  @ValidateIf((o: VariableDto) => o.kind === 'value')
  @IsString()
  value?: string;
}

/** A command run by exec in one of the range's nodes (never a shell line: argv only). */
class NodeCommandDto {
  @IsString()
  @IsNotEmpty()
  node!: string;

  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  argv!: string[];
}

export class PreconditionDto {
  /** Defaults to the step's node. */
  @IsOptional()
  @IsString()
  node?: string;

  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  argv!: string[];

  @IsOptional()
  @IsInt()
  expectExitCode?: number;
}

export class AttackStepDto extends NodeCommandDto {
  @Matches(NAME, { message: `id ${NAME_MESSAGE}` })
  id!: string;

  @IsInt()
  @Min(0)
  offsetSeconds!: number;

  @IsOptional()
  @IsIn(ATTACK_STAGES, { message: `stage must be one of ${ATTACK_STAGES.join(', ')}` })
  stage?: string;

  @ValidateNested()
  @Type(() => LocalizedTextDto)
  @IsDefined()
  title!: LocalizedTextDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => PreconditionDto)
  precondition?: PreconditionDto;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(600)
  timeoutSeconds?: number;
}

export class AttackDto {
  @ArrayMaxSize(100)
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AttackStepDto)
  steps!: AttackStepDto[];
}

export class TimeBonusDto {
  @IsInt()
  @Min(0)
  points!: number;

  @IsInt()
  @Min(1)
  withinSeconds!: number;
}

export class AnswerDto {
  @IsOptional()
  @IsString()
  variable?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  expected?: string;

  @IsOptional()
  @IsIn(NORMALIZERS, { message: `normalize must be one of ${NORMALIZERS.join(', ')}` })
  normalize?: string;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  alternatives?: string[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  maxAttempts?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  wrongAnswerPenalty?: number;
}

export class ExecProbeDto extends NodeCommandDto {
  @IsOptional()
  @IsInt()
  expectExitCode?: number;

  @IsOptional()
  @IsString()
  outputMatches?: string;

  @IsOptional()
  @IsString()
  outputNotMatches?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120)
  timeoutSeconds?: number;
}

export class HttpProbeDto {
  @IsString()
  @IsNotEmpty()
  from!: string;

  @Matches(/^http:\/\/[^\s]+$/, { message: 'url must be an http:// URL inside the range' })
  url!: string;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(599)
  expectStatus?: number;

  @IsOptional()
  @IsString()
  bodyMatches?: string;

  @IsOptional()
  @IsString()
  bodyNotMatches?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120)
  timeoutSeconds?: number;
}

export class CheckDto {
  @IsOptional()
  @ValidateNested()
  @Type(() => ExecProbeDto)
  exec?: ExecProbeDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => HttpProbeDto)
  http?: HttpProbeDto;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3600)
  holdSeconds?: number;
}

export class ReportIocDto {
  @Matches(NAME, { message: `id ${NAME_MESSAGE}` })
  id!: string;

  @ValidateNested()
  @Type(() => LocalizedTextDto)
  @IsDefined()
  label!: LocalizedTextDto;

  @IsString()
  @IsNotEmpty()
  expected!: string;

  @IsOptional()
  @IsIn(NORMALIZERS, { message: `normalize must be one of ${NORMALIZERS.join(', ')}` })
  normalize?: string;
}

export class ReportDto {
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ReportIocDto)
  iocs?: ReportIocDto[];

  @IsOptional()
  @IsArray()
  @IsIn(REPORT_SECTIONS, { each: true, message: `each section must be one of ${REPORT_SECTIONS.join(', ')}` })
  sections?: string[];
}

export class HintDto {
  @ValidateNested()
  @Type(() => LocalizedTextDto)
  @IsDefined()
  text!: LocalizedTextDto;

  @IsInt()
  @Min(0)
  cost!: number;
}

export class ObjectiveDto {
  @Matches(NAME, { message: `id ${NAME_MESSAGE}` })
  id!: string;

  @IsIn(PHASES, { message: `phase must be one of ${PHASES.join(', ')}` })
  phase!: string;

  @IsIn(OBJECTIVE_KINDS, { message: `kind must be one of ${OBJECTIVE_KINDS.join(', ')}` })
  kind!: string;

  @ValidateNested()
  @Type(() => LocalizedTextDto)
  @IsDefined()
  title!: LocalizedTextDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => LocalizedTextDto)
  description?: LocalizedTextDto;

  @IsInt()
  @Min(0)
  @Max(10000)
  points!: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => TimeBonusDto)
  timeBonus?: TimeBonusDto;

  @IsOptional()
  @IsString()
  after?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => AnswerDto)
  answer?: AnswerDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => CheckDto)
  check?: CheckDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => ReportDto)
  report?: ReportDto;

  @IsOptional()
  @ArrayMaxSize(10)
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => HintDto)
  hints?: HintDto[];
}

export class TeamSizeDto {
  @IsInt()
  @Min(1)
  min!: number;

  @IsInt()
  @Min(1)
  max!: number;
}

export class TemplateDto {
  @Matches(NAME, { message: `id ${NAME_MESSAGE}` })
  id!: string;

  @Matches(/^\d+(\.\d+){0,2}$/, { message: 'version must look like 1, 1.2 or 1.2.3 (quote it in YAML)' })
  version!: string;

  @ValidateNested()
  @Type(() => LocalizedTextDto)
  @IsDefined()
  title!: LocalizedTextDto;

  @ValidateNested()
  @Type(() => LocalizedTextDto)
  @IsDefined()
  description!: LocalizedTextDto;

  @IsArray()
  @ArrayMinSize(1)
  @IsIn(COURSES, { each: true, message: `each course must be one of ${COURSES.join(', ')}` })
  courses!: string[];

  @IsOptional()
  @IsIn(LEVELS, { message: `level must be one of ${LEVELS.join(', ')}` })
  level?: string;

  @IsInt()
  @Min(10)
  @Max(24 * 60)
  durationMinutes!: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => TeamSizeDto)
  teamSize?: TeamSizeDto;

  @ArrayMaxSize(8)
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => NetworkDto)
  networks!: NetworkDto[];

  @ArrayMaxSize(24)
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => NodeDto)
  nodes!: NodeDto[];

  @IsOptional()
  @ArrayMaxSize(64)
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => VariableDto)
  variables?: VariableDto[];

  @IsOptional()
  @ValidateNested()
  @Type(() => AttackDto)
  attack?: AttackDto;

  @IsOptional()
  @ArrayMaxSize(100)
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ObjectiveDto)
  objectives?: ObjectiveDto[];
}
