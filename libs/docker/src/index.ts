export {
  CONTAINER_RUNTIME,
  EngineError,
  InjectRuntime,
  type AppliedContainerSettings,
  type ContainerAttachment,
  type ContainerDetails,
  type ContainerFile,
  type ContainerInfo,
  type ContainerRuntime,
  type ContainerSpec,
  type EngineInfo,
  type ExecOptions,
  type ExecResult,
  type ImageBuild,
  type ImageInfo,
  type InteractiveExec,
  type InteractiveExecOptions,
  type InteractiveExecState,
  type NetworkInfo,
  type NetworkSpec,
  type TerminalSize,
} from './container-runtime.js';
export { execBatch, type BatchedCommand, type BatchedResult } from './batched-exec.js';
export { DockerEngine, compareVersions, type DockerEndpoint, type DockerEngineOptions } from './docker-engine.js';
export { DockerModule } from './docker.module.js';
export { APP_LABEL_VALUE, labelFilter, labelKeys, type LabelKeys } from './labels.js';
export { RangeImageBuilder, type EnsureImagesResult, type RangeImage } from './range-images.js';
export { tarArchive, type TarEntry } from './tar.js';
export { removeInstanceObjects } from './instance-cleanup.js';
