import { Global, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { CONTAINER_RUNTIME } from './container-runtime.js';
import { DockerEngine } from './docker-engine.js';
import { RangeImageBuilder } from './range-images.js';

/**
 * The application's ContainerRuntime (CONTAINER_RUNTIME): the Docker engine
 * named by the configuration, built by a factory so a runtime can equally be
 * built per engine. Nest runs its boot check and closes it at shutdown.
 */
@Global()
@Module({
  providers: [
    { provide: CONTAINER_RUNTIME, useFactory: (config: AppConfig) => DockerEngine.fromConfig(config), inject: [AppConfig] },
    RangeImageBuilder,
  ],
  exports: [CONTAINER_RUNTIME, RangeImageBuilder],
})
export class DockerModule {}
