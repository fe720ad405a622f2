import type { AppConfig } from '@app/config';
import { removeInstanceObjects } from '@app/docker';

/** Every container and network of this e2e instance, removed by label (after each suite and at teardown). */
export const removeLabelledObjects = (config: AppConfig) => removeInstanceObjects(config);
