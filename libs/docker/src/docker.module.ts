import { Global, Module } from '@nestjs/common';
import { DockerEngine } from './docker-engine.js';
import { RangeImageBuilder } from './range-images.js';

@Global()
@Module({
  providers: [DockerEngine, RangeImageBuilder],
  exports: [DockerEngine, RangeImageBuilder],
})
export class DockerModule {}
