export type {
  ContainerAttachment,
  ContainerInfo,
  ContainerRuntime,
  ContainerSpec,
  ExecOptions,
  ExecResult,
  NetworkInfo,
  NetworkSpec,
} from './container-runtime.js';
export { DockerEngine, compareVersions } from './docker-engine.js';
export { DockerModule } from './docker.module.js';
export { APP_LABEL_VALUE, labelFilter, labelKeys, type LabelKeys } from './labels.js';
export { RangeImageBuilder, repositoryRoot, type EnsureImagesResult, type RangeImage } from './range-images.js';
export { RangeImageJobs } from './range-image.jobs.js';
export { tarArchive, type TarEntry } from './tar.js';
export { removeInstanceObjects } from './instance-cleanup.js';
