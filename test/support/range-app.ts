import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { type AppConfig, loadConfig } from '@app/config';
import { DockerEngine, type ExecResult, removeInstanceObjects } from '@app/docker';
import { containerName } from '@app/ranges';
import { authed, operatorToken } from './access.js';
import path from 'node:path';
import request from 'supertest';
import { ROOT } from './processes.js';
import { closedSessionWithTeams } from './scheduling-api.js';
import { useSettings } from './settings.js';
import { createApiApp, createWorkerContext } from './test-app.js';
import { waitFor } from './waiting.js';

/** The e2e fixture templates (YAML), for RANGE_TEMPLATES_DIR: loaded by the production catalogue. */
export const FIXTURE_TEMPLATES_DIR = path.join(ROOT, 'test', 'fixtures', 'range-templates');

export interface RangeNodeBody {
  name: string;
  state: string;
  container: string | null;
  addresses: Record<string, string>;
  health: string;
}

export interface RangeBody {
  id: string;
  status: string;
  failureReason: string | null;
  subnets: Record<string, string>;
  nodes: RangeNodeBody[];
}

/**
 * The real API and worker of this e2e run, with a few settings of one suite's own (a templates
 * folder, another engine's socket) that are put back when it closes. Ranges are provisioned the
 * production way: POST to the API, the worker's job, the provisioner.
 */
export class RangeTestApp {
  private constructor(
    readonly api: INestApplication,
    readonly worker: INestApplicationContext,
    readonly config: AppConfig,
    readonly engine: DockerEngine,
    private readonly token: string,
    private readonly restoreSettings: () => void,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<RangeTestApp> {
    const restoreSettings = useSettings(env);
    const config = loadConfig();
    const worker = await createWorkerContext();
    const api = await createApiApp();
    const engine = DockerEngine.fromConfig(config);
    const token = await operatorToken(api);
    return new RangeTestApp(api, worker, config, engine, token, restoreSettings);
  }

  /** Requests as this run's operator. */
  http() {
    return authed(this.api, this.token);
  }

  async range(id: string): Promise<RangeBody> {
    return (await this.http().get(`/api/v1/ranges/${id}`).expect(200)).body as RangeBody;
  }

  /** One team's range of the template, ready (or an error with the range's failure reason). */
  async provision(templateId: string, timeoutMs = 180000): Promise<RangeBody> {
    return (await this.provisionTeams(templateId, 1, timeoutMs))[0]!;
  }

  /** Ranges of the template for `teams` teams of one new session, provisioned at once, all ready (or an error). */
  async provisionTeams(templateId: string, teams: number, timeoutMs = 180000): Promise<RangeBody[]> {
    const { sessionId, teamIds } = await closedSessionWithTeams(() => this.http(), teams);
    const created = await this.http().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId, teamIds }).expect(202);
    const ids = (created.body.ranges as RangeBody[]).map((r) => r.id);
    return Promise.all(
      ids.map(async (id) => {
        const range = await waitFor(`range ${id} of ${templateId} to be provisioned`, async () => {
          // A 503 (PostgreSQL slow to hand out a connection on a loaded host) says to ask again: so do we.
          const res = await this.http().get(`/api/v1/ranges/${id}`);
          if (res.status === 503) return undefined;
          expect(res.status).toBe(200);
          const r = res.body as RangeBody;
          return r.status === 'ready' || r.status === 'failed' ? r : undefined;
        }, timeoutMs);
        if (range.status !== 'ready') throw new Error(`range of ${templateId} failed: ${range.failureReason}`);
        return range;
      }),
    );
  }

  /** Tears the range down through the API and waits until it is destroyed. */
  async teardown(range: RangeBody, timeoutMs = 60000): Promise<void> {
    await this.http().post(`/api/v1/ranges/${range.id}/teardown`).expect(202);
    await waitFor(`range ${range.id} to be destroyed`, async () => (await this.range(range.id)).status === 'destroyed' || undefined, timeoutMs);
  }

  containerOf(range: RangeBody, node: string): string {
    return containerName(this.config.INSTANCE_NAME, range.id, node);
  }

  exec(range: RangeBody, node: string, argv: string[], options: { timeoutMs?: number; user?: string } = {}): Promise<ExecResult> {
    return this.engine.exec(this.containerOf(range, node), argv, { timeoutMs: options.timeoutMs ?? 60000, user: options.user });
  }

  sh(range: RangeBody, node: string, script: string, timeoutMs?: number): Promise<ExecResult> {
    return this.exec(range, node, ['sh', '-c', script], { timeoutMs });
  }

  /** Closes both apps, removes this instance's containers and networks, and puts the settings back. */
  async close(): Promise<void> {
    try {
      await this.api.close();
      await this.worker.close();
      await removeInstanceObjects(this.config);
    } finally {
      this.engine.close();
      this.restoreSettings();
    }
  }
}
