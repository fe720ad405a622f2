import { ConfigValidationError } from './app-config.js';

/** A dependency we need at boot (PostgreSQL, Redis, the Docker engine) did not answer. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: string,
    readonly setting: string,
    readonly settingValue: string,
    cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`${dependency} is unavailable (check ${setting}=${settingValue}): ${why}`);
    this.name = 'DependencyUnavailableError';
  }
}

/** Prints one clear line per problem and exits non-zero; anything else keeps its stack. */
export function exitOnBootFailure(processName: string, error: unknown): never {
  if (error instanceof ConfigValidationError) {
    for (const line of error.lines) console.error(`[${processName}] ${line}`);
  } else if (error instanceof DependencyUnavailableError) {
    console.error(`[${processName}] ${error.message}`);
  } else {
    console.error(`[${processName}] failed to start:`, error);
  }
  process.exit(1);
}
