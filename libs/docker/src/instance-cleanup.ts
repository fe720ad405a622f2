import type { AppConfig } from '@app/config';
import { DockerEngine } from './docker-engine.js';
import { APP_LABEL_VALUE, labelKeys } from './labels.js';

/**
 * Removes every container and network of one instance (INSTANCE_NAME), found
 * by label: what tests, benchmarks and the demo call when they finish, even
 * after a failure. A just-removed container can leave a phantom endpoint for a
 * moment, so network removal is retried briefly. Returns what it removed.
 */
export async function removeInstanceObjects(config: AppConfig): Promise<{ containers: number; networks: number }> {
  const engine = DockerEngine.fromConfig(config);
  try {
    const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
    const selector = { [keys.app]: APP_LABEL_VALUE, [keys.instance]: config.INSTANCE_NAME };
    const containers = await engine.listContainers(selector);
    await Promise.all(containers.map((c) => engine.removeContainer(c.id)));
    const networks = await engine.listNetworks(selector);
    for (const network of networks) {
      for (let attempt = 0; ; attempt++) {
        try {
          await engine.removeNetwork(network.id);
          break;
        } catch (err) {
          if (attempt >= 5) throw err;
          await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
        }
      }
    }
    return { containers: containers.length, networks: networks.length };
  } finally {
    engine.close();
  }
}
