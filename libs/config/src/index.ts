export { AppConfig, ConfigValidationError, loadConfig, logLevels, rangeHostName } from './app-config.js';
export { ConfigModule } from './config.module.js';
export { DependencyUnavailableError, exitOnBootFailure } from './boot-failure.js';
export { repositoryRoot } from './repository-root.js';
