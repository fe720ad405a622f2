import type { AppConfig } from '@app/config';
import { APP_LABEL_VALUE, DockerEngine, labelKeys } from '@app/docker';

/**
 * Removes every container and network of this e2e instance, found by label.
 * Called after each suite and again at global teardown, so a failed test
 * leaves nothing behind. Returns how many objects it removed.
 */
export async function removeLabelledObjects(config: AppConfig): Promise<{ containers: number; networks: number }> {
  const engine = new DockerEngine(config);
  try {
    const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
    const selector = { [keys.app]: APP_LABEL_VALUE, [keys.instance]: config.INSTANCE_NAME };
    const containers = await engine.listContainers(selector);
    await Promise.all(containers.map((c) => engine.removeContainer(c.id)));
    const networks = await engine.listNetworks(selector);
    for (const network of networks) {
      // A just-removed container can leave a phantom endpoint for a moment: retry briefly.
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
    engine.onApplicationShutdown();
  }
}
