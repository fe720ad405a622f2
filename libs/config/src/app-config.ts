import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
  type ValidationError,
} from 'class-validator';
import path from 'node:path';
import { repositoryRoot } from './repository-root.js';

const toBool = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase()) : value;
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : value;

/**
 * Every setting of the api and the worker, read once from the environment and
 * validated at boot. Property names are the environment variable names, so an
 * error message names exactly what the operator has to fix.
 */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsString()
  @IsNotEmpty()
  API_HOST = '127.0.0.1';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  API_PORT = 3000;

  @Matches(/^postgres(ql)?:\/\/[^\s]+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://cyder:cyder@127.0.0.1:5432/cyder';

  /** Run pending migrations when the API starts. */
  @Transform(toBool)
  @IsBoolean()
  DB_MIGRATE_ON_START = true;

  @Matches(/^rediss?:\/\/[^\s]+$/, { message: 'must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every Redis key we write (BullMQ queues included), so instances can share one Redis. */
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'must be 1-64 characters of A-Z a-z 0-9 _ . -' })
  REDIS_PREFIX = 'cyder';

  @Matches(/^\/[^\s]*$/, { message: 'must be an absolute path to the Docker engine unix socket' })
  DOCKER_SOCKET = '/var/run/docker.sock';

  /** Oldest Docker engine API we accept; 1.41 is Debian 12's docker.io 20.10. */
  @Matches(/^\d+\.\d+$/, { message: 'must look like 1.41' })
  DOCKER_MIN_API_VERSION = '1.41';

  /** Label namespace of every Docker object we create; destroy works by this label. */
  @Matches(/^[a-z0-9][a-z0-9.-]{1,62}$/, { message: 'must be a lowercase DNS-like name' })
  DOCKER_LABEL_NAMESPACE = 'org.cyder-range';

  /** Instance name written into labels, so several instances can share one engine. */
  @Matches(/^[a-z0-9][a-z0-9-]{0,30}$/, { message: 'must be 1-31 lowercase letters, digits or -' })
  INSTANCE_NAME = 'dev';

  /**
   * The range host this worker serves (its engine is DOCKER_SOCKET): registered in range_hosts and
   * the suffix of its own queues (ranges@<name>, ...). INSTANCE_NAME when empty.
   */
  @Matches(/^([a-z0-9][a-z0-9-]{0,62})?$/, { message: 'must be empty or 1-63 lowercase letters, digits or -' })
  RANGE_HOST_NAME = '';

  /** How often each worker says its range host is alive (and its engine answers). */
  @Transform(toInt)
  @IsInt()
  @Min(200)
  RANGE_HOST_HEARTBEAT_MS = 10000;

  /** A host whose heartbeat is this many periods late is marked down and its ready ranges degraded. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  RANGE_HOST_MISSED_HEARTBEATS = 3;

  /** Folder of the built-in range images; docker/images of this repository when empty (filled in by loadConfig). */
  @IsString()
  RANGE_IMAGES_DIR = '';

  /** Folder of the range templates (*.yaml); range-templates of this repository when empty (filled in by loadConfig). */
  @IsString()
  RANGE_TEMPLATES_DIR = '';

  /** A statically linked busybox (Debian's busybox-static): the whole userland of our range images. */
  @Matches(/^\/[^\s]*$/, { message: 'must be an absolute path' })
  BUSYBOX_PATH = '/bin/busybox';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY = 4;

  /** How long SIGTERM waits for active jobs before the worker exits anyway. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_TIMEOUT_MS = 30000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  QUEUE_KEEP_COMPLETED = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  QUEUE_KEEP_FAILED = 5000;

  /** Seconds a completed job is kept at most (the count limit applies too). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  QUEUE_KEEP_COMPLETED_SECONDS = 86400;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  HEALTH_TIMEOUT_MS = 2000;

  /** Address pool every range subnet is cut from; no other Docker network may overlap it. */
  @Matches(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, { message: 'must be an IPv4 CIDR like 10.210.0.0/16' })
  RANGE_SUBNET_POOL = '10.210.0.0/16';

  /** Prefix length of one range network (a /26 holds 62 nodes). */
  @Transform(toInt)
  @IsInt()
  @Min(16)
  @Max(29)
  RANGE_SUBNET_PREFIX = 26;

  /** How often the worker compares labelled containers and networks with PostgreSQL; 0 disables it. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RANGE_RECONCILE_INTERVAL_MS = 60000;

  /** Labelled objects with no live range are removed only once they are older than this. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RANGE_ORPHAN_GRACE_SECONDS = 300;

  /**
   * Scenario seconds between two evaluations of a running range's check objectives: a check is
   * seen met at most this long (in scenario time) after it became true, at every clock speed.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SCORING_EVALUATION_SCENARIO_SECONDS = 30;

  /** Longest wall time between two evaluations (a slow clock is still evaluated this often). */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  SCORING_EVALUATION_INTERVAL_MS = 10000;

  /**
   * Wall milliseconds between two live health checks of a range (every node's readiness check, run
   * with an evaluation pass in the same exec per node); 0 disables them.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RANGE_HEALTH_INTERVAL_MS = 30000;

  /** A team's "check now" is honoured at most once per this many milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  CHECK_NOW_MIN_INTERVAL_MS = 3000;

  /** How long "check now" waits for its evaluation before answering 202. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  CHECK_NOW_WAIT_MS = 10000;

  /** Credit for an attack step the defenders blocked (its precondition failed). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  BLOCKED_STEP_POINTS = 10;

  /** How often the worker compares running scenario clocks with the queued attack steps (0: never). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SCENARIO_RECONCILE_INTERVAL_MS = 30000;

  /** How often a worker writes its metrics snapshot to Redis, where the API's /metrics reads it. */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  METRICS_PUSH_INTERVAL_MS = 5000;

  /** A terminal with no input for this long is closed (and its shell's session killed). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  TERMINAL_IDLE_SECONDS = 900;

  /** Terminals one trainee (or instructor, operator) may have open at once. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  TERMINAL_MAX_PER_USER = 4;

  /** Terminals open at once on one node of one range (each is a shell under the node's pids limit). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  TERMINAL_MAX_PER_NODE = 8;

  /** Output kept per terminal for watchers joining late (a ring: older bytes are dropped). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(4194304)
  TERMINAL_SCROLLBACK_BYTES = 65536;

  /** How long an instructor's take-over of a terminal lasts before input goes back to the team. */
  @Transform(toInt)
  @IsInt()
  @Min(5)
  @Max(3600)
  TERMINAL_TAKEOVER_SECONDS = 120;

  /** Longest IOC list a report may carry (400 beyond): a report lists what the team found, not guesses. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  REPORT_MAX_IOCS = 20;

  /** Origins allowed by CORS, comma separated (e.g. https://console.example.org); empty: none (closed). */
  @Matches(/^(|https?:\/\/[^\s,]+(,https?:\/\/[^\s,]+)*)$/, { message: 'must be empty or a comma-separated list of http(s) origins' })
  CORS_ORIGINS = '';

  /** Serve the OpenAPI UI and JSON (/api/docs, /api/docs-json); switch off in production. */
  @Transform(toBool)
  @IsBoolean()
  API_DOCS = true;

  /** Hours a login session (operator, instructor) lives at most. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(720)
  ACCESS_SESSION_HOURS = 12;

  /** Minutes without a request after which a login session ends (sliding). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1440)
  ACCESS_SESSION_IDLE_MINUTES = 60;

  /** How long one API process trusts a validated credential without asking PostgreSQL; revocations reach every process at once over Redis. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300000)
  ACCESS_CACHE_MS = 30000;

  /** Requests per minute per credential (every route). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE = 600;

  /** Answers, hints and "check now" per minute per team. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_TEAM_PER_MINUTE = 30;

  /** Failed logins per account or address before each further attempt waits (1 s, doubling up to 15 min). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_FREE_ATTEMPTS = 3;

  /** How long before a closed session's start its ranges are provisioned automatically (pre-provisioning). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SESSION_LEAD_SECONDS = 1800;

  /** How long after a session ends its ranges are torn down, unless the operator holds them. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SESSION_TEARDOWN_GRACE_SECONDS = 1800;

  /** How often the worker moves every session along its day (provision, start, finish, tear down); 0 disables it. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SESSION_TICK_INTERVAL_MS = 15000;

  /** The range template of each course, `COURSE=template` comma separated (a session may override it). */
  @Matches(/^\s*[A-Z0-9-]+\s*=\s*[a-z0-9][a-z0-9-]*\s*(,\s*[A-Z0-9-]+\s*=\s*[a-z0-9][a-z0-9-]*\s*)*$/, {
    message: 'COURSE_TEMPLATES must look like "A=course-a,B-1=course-b"',
  })
  COURSE_TEMPLATES = 'A=course-a,B-1=course-b,B-2=course-b,C=course-c,ONLINE-A=online-a';

  /** Live ranges (not destroyed) the range host holds at once, every session together; a request beyond it is refused with the figures. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  RANGE_MAX_LIVE_PER_HOST = 100;

  /** Containers the range host runs at once (every session's ranges together). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  HOST_CAPACITY_CONTAINERS = 400;

  /** Memory limit (MB) the range host's containers may add up to. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  HOST_CAPACITY_MEMORY_MB = 32768;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

export class ConfigValidationError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'ConfigValidationError';
  }
}

function describe(errors: ValidationError[], raw: Record<string, string>): string[] {
  return errors.map((e) => {
    const reasons = Object.values(e.constraints ?? {}).join('; ');
    // Show what the operator wrote, not what the conversion made of it (NaN).
    const shown = e.property in raw ? JSON.stringify(raw[e.property]) : String(e.value);
    return `Invalid configuration: ${e.property}=${shown}: ${reasons}`;
  });
}

/** The name of the range host a worker of this configuration serves. */
export function rangeHostName(config: Pick<AppConfig, 'RANGE_HOST_NAME' | 'INSTANCE_NAME'>): string {
  return config.RANGE_HOST_NAME || config.INSTANCE_NAME;
}

/** Reads and validates the environment; throws with one line per broken variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const plain: Record<string, string> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value !== '') plain[key] = value;
  }
  const config = plainToInstance(AppConfig, plain, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigValidationError(describe(errors, plain));
  resolveDefaultFolders(config);
  return config;
}

/** This repository's own folders where none is set, resolved once here so no lib has to find the repository. */
function resolveDefaultFolders(config: AppConfig): void {
  const defaults = { RANGE_IMAGES_DIR: ['docker', 'images'], RANGE_TEMPLATES_DIR: ['range-templates'] } as const;
  const problems: string[] = [];
  for (const [key, parts] of Object.entries(defaults) as Array<[keyof typeof defaults, readonly string[]]>) {
    if (config[key]) continue;
    try {
      config[key] = path.join(repositoryRoot(), ...parts);
    } catch (err) {
      problems.push(`Invalid configuration: ${key} is not set and there is no default: ${(err as Error).message}`);
    }
  }
  if (problems.length) throw new ConfigValidationError(problems);
}

type LogLevel = AppConfig['LOG_LEVEL'];

/** Nest logger levels up to and including the configured one. */
export function logLevels(level: LogLevel): LogLevel[] {
  const all: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];
  return all.slice(0, all.indexOf(level) + 1);
}
