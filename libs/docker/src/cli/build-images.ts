import 'reflect-metadata';
import { exitOnBootFailure, loadConfig } from '@app/config';
import { DockerEngine } from '../docker-engine.js';
import { RangeImageBuilder } from '../range-images.js';

// Builds every range image under docker/images that the engine lacks (offline: no registry).
try {
  const config = loadConfig();
  const engine = DockerEngine.fromConfig(config);
  await engine.connectOrFail();
  const builder = new RangeImageBuilder(engine, config);
  const started = Date.now();
  const result = await builder.ensureAll(process.argv.slice(2).length ? process.argv.slice(2) : undefined);
  for (const image of result.built) console.log(`built   ${image.reference}`);
  for (const image of result.present) console.log(`present ${image.reference}`);
  console.log(`range images ready in ${Date.now() - started} ms`);
  engine.close();
} catch (err) {
  exitOnBootFailure('images', err);
}
