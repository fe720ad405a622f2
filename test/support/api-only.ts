import type { INestApplication } from '@nestjs/common';
import { type AppConfig, loadConfig } from '@app/config';
import { DockerEngine } from '@app/docker';
import { authed, operatorToken } from './access.js';
import { removeLabelledObjects } from './docker-cleanup.js';
import { useSettings } from './settings.js';
import { createApiApp } from './test-app.js';

/**
 * The real API alone, for suites whose workers are processes of their own (dist/apps/worker), with
 * the suite's settings, this instance's engine and an operator.
 */
export class ApiOnly {
  private constructor(
    readonly api: INestApplication,
    readonly config: AppConfig,
    readonly engine: DockerEngine,
    private readonly token: string,
    private readonly restoreSettings: () => void,
  ) {}

  static async start(settings: Record<string, string>): Promise<ApiOnly> {
    const restoreSettings = useSettings(settings);
    const config = loadConfig();
    const engine = DockerEngine.fromConfig(config);
    let api: INestApplication | undefined;
    try {
      api = await createApiApp();
      return new ApiOnly(api, config, engine, await operatorToken(api), restoreSettings);
    } catch (err) {
      await api?.close();
      engine.close();
      restoreSettings();
      throw err;
    }
  }

  /** Requests as the operator. */
  http() {
    return authed(this.api, this.token);
  }

  /** Closes the API and the engine, removes this instance's containers and networks, and puts the settings back. */
  async close(): Promise<void> {
    try {
      await this.api.close();
      await removeLabelledObjects(this.config);
    } finally {
      this.engine.close();
      this.restoreSettings();
    }
  }
}
