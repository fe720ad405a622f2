import { APP_LABEL_VALUE, labelKeys } from '@app/docker';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/processes.js';
import { type RangeBody, RangeTestApp } from '../support/range-app.js';
import { SecondEngine } from '../support/second-engine.js';
import { waitFor } from '../support/waiting.js';

const TINY_TEMPLATES = path.join(ROOT, 'test/fixtures/tiny-templates');

/**
 * The engine under a live range restarts (a second dockerd of this test's own, never the
 * machine's): its containers come back stopped (restart policy 'no'), the reconciler finds the
 * range degraded with the nodes it misses, and a reset through the API brings it back to ready.
 */
describe('faults: dockerd restarts under a ready range', () => {
  let engine: SecondEngine;
  let app: RangeTestApp;

  beforeAll(async () => {
    engine = await SecondEngine.start(readFileSync('/etc/resolv.conf', 'utf8'));
    app = await RangeTestApp.start({
      DOCKER_SOCKET: engine.socketPath,
      RANGE_SUBNET_POOL: '10.216.0.0/16',
      RANGE_TEMPLATES_DIR: TINY_TEMPLATES,
      RANGE_RECONCILE_INTERVAL_MS: '1000',
    });
  }, 120000);

  afterAll(async () => {
    await app?.close();
    await engine?.stop();
  }, 60000);

  it('the range is degraded with the reason after the restart, and a reset makes it ready again', async () => {
    const keys = labelKeys(app.config.DOCKER_LABEL_NAMESPACE);
    const range = await app.provision('tiny', 60000);
    const selector = { [keys.app]: APP_LABEL_VALUE, [keys.instance]: app.config.INSTANCE_NAME, [keys.range]: range.id };
    const before = await app.engine.listContainers(selector);
    expect(before.map((c) => [c.labels[keys.node], c.state])).toEqual([['box', 'running']]);

    await engine.restart();
    // The engine kept the container, stopped.
    expect((await app.engine.listContainers(selector)).map((c) => [c.id, c.state])).toEqual([[before[0]!.id, 'exited']]);

    const degraded = await waitFor('the range to be found degraded', async () => {
      const r = await app.range(range.id);
      return r.status === 'degraded' ? r : undefined;
    }, 20000, 250);
    expect(degraded.failureReason).toBe('nodes not running: box');
    expect(degraded.nodes.map((n) => [n.name, n.state, n.health])).toEqual([['box', 'missing', 'unhealthy']]);
    const events = (await app.http().get(`/api/v1/ranges/${range.id}/events`).expect(200)).body as Array<{ kind: string; message: string }>;
    expect(events.filter((e) => e.kind === 'range.degraded').map((e) => e.message)).toEqual(['nodes not running: box']);

    await app.http().post(`/api/v1/ranges/${range.id}/reset`).expect(202);
    const back = await waitFor('the reset range to be ready', async () => {
      const r = await app.range(range.id);
      if (r.status === 'failed') throw new Error(`reset failed: ${r.failureReason}`);
      return r.status === 'ready' ? r : undefined;
    }, 30000, 250);
    expect(back.failureReason).toBeNull();
    expect(back.nodes.map((n) => [n.name, n.state, n.health])).toEqual([['box', 'ready', 'unknown']]); // tiny's node has no readiness check
    const after = await app.engine.listContainers(selector);
    expect(after.map((c) => [c.labels[keys.node], c.state])).toEqual([['box', 'running']]);
    // A fresh node at T0: the flag file is there again.
    const flag = await app.exec(back as RangeBody, 'box', ['cat', '/run/flag.txt'], { timeoutMs: 10000 });
    expect(flag.exitCode).toBe(0);
    expect(flag.stdout.trim()).toMatch(/^[0-9a-f]{12}$/);
  }, 120000);
});
