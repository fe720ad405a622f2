import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { DataSource } from 'typeorm';
import { removeLabelledObjects } from './docker-cleanup.js';
import { SchedulingClient, startApi } from './scheduling-api.js';
import { useSettings } from './settings.js';
import { createWorkerContext } from './test-app.js';

/** The real worker and API of a session-day suite, with its settings, as an operator. */
export interface DayApps {
  api: INestApplication;
  worker: INestApplicationContext;
  client: SchedulingClient;
  /** The operator as audit events and messages name them. */
  actorName: string;
  db: DataSource;
  config: AppConfig;
  /** Closes both, removes this instance's containers and networks, and puts the settings back. */
  close(): Promise<void>;
}

export async function startDayApps(settings: Record<string, string>): Promise<DayApps> {
  const restoreSettings = useSettings(settings);
  let worker: INestApplicationContext | undefined;
  let started: Awaited<ReturnType<typeof startApi>>;
  try {
    worker = await createWorkerContext();
    started = await startApi();
  } catch (err) {
    await worker?.close();
    restoreSettings();
    throw err;
  }
  const { app: api, api: client, operatorId } = started;
  const config = worker.get(AppConfig);
  return {
    api,
    worker,
    client,
    actorName: `operator:${operatorId}`,
    db: api.get(DataSource),
    config,
    async close() {
      try {
        await api.close();
        await worker!.close();
        await removeLabelledObjects(config);
      } finally {
        restoreSettings();
      }
    },
  };
}
