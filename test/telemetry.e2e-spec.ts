import { loadConfig } from '@app/config';
import path from 'node:path';
import { authed, bootstrapOperatorOf } from './support/access.js';
import { BuiltProcess, freePort } from './support/built-processes.js';
import { removeLabelledObjects } from './support/docker-cleanup.js';
import { ROOT } from './support/processes.js';
import { waitFor } from './support/waiting.js';
import { closedSessionWithTeams } from './support/scheduling-api.js';

/** The value of one series in a Prometheus text exposition (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([k, v]) => body.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('seeing it run: /metrics and JSON logs of the built API and worker', () => {
  let api: BuiltProcess;
  let worker: BuiltProcess;
  let base: string;
  let token: string;
  const http = () => authed(base, token);

  beforeAll(async () => {
    const port = await freePort();
    const env = {
      API_PORT: String(port),
      RANGE_TEMPLATES_DIR: path.join(ROOT, 'test/fixtures/tiny-templates'),
      METRICS_PUSH_INTERVAL_MS: '500',
      RANGE_RECONCILE_INTERVAL_MS: '0',
    };
    api = BuiltProcess.start('api', env);
    worker = BuiltProcess.start('worker', env);
    await Promise.all([api.waitForLog('API listening'), worker.waitForLog('worker ready')]);
    base = `http://127.0.0.1:${port}`;
    token = (await bootstrapOperatorOf(base)).token;
  });

  afterAll(async () => {
    await Promise.all([api?.stop('SIGTERM'), worker?.stop('SIGTERM')]);
    await removeLabelledObjects(loadConfig());
  });

  it("serves every process's series at /metrics, and one range's story is in both logs by its id", async () => {
    const { sessionId, teamIds } = await closedSessionWithTeams(http, 1);
    const created = await http().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId: 'tiny', teamIds }).expect(202);
    const rangeId = created.body.ranges[0].id as string;
    await waitFor(`range ${rangeId} ready`, async () => (await http().get(`/api/v1/ranges/${rangeId}`)).body.status === 'ready', 120000, 500);

    const scrape = await waitFor(
      'the worker snapshot with the provisioning',
      async () => {
        const res = await http().get('/metrics').expect(200);
        const done = sample(res.text, 'cyder_job_duration_seconds_count', { job: 'ranges.provision', outcome: 'completed', process: 'worker' });
        return done !== undefined && done >= 1 ? res : undefined;
      },
      20000,
      300,
    );
    expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = scrape.text;
    const host = loadConfig().INSTANCE_NAME;
    // The whole e2e database: other suites' ranges count too.
    expect(sample(text, 'cyder_ranges', { state: 'ready', host })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cyder_job_wait_seconds_count', { job: 'ranges.provision', process: 'worker', host })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cyder_job_duration_seconds_sum', { job: 'ranges.provision', process: 'worker' })).toBeGreaterThan(0);
    for (const state of ['waiting', 'active', 'delayed', 'failed']) expect(sample(text, 'cyder_queue_jobs', { queue: 'ranges', state })).toBeGreaterThanOrEqual(0);
    // At least ours (a worker another suite killed counts until its snapshot expires).
    expect(sample(text, 'cyder_workers_reporting', {})).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cyder_metrics_source_up', { source: 'database' })).toBe(1);
    expect(sample(text, 'cyder_process_resident_memory_bytes', { process: 'api' })).toBeGreaterThan(10_000_000);
    expect(sample(text, 'cyder_process_resident_memory_bytes', { process: 'worker' })).toBeGreaterThan(10_000_000);
    expect(sample(text, 'cyder_http_request_duration_seconds_count', { route: '/api/v1/ranges/:id', method: 'GET', status: '200' })).toBeGreaterThan(0);
    // Every series name appears once with one HELP: a valid exposition even though two processes report.
    const helps = text.split('\n').filter((l) => l.startsWith('# HELP '));
    expect(new Set(helps.map((l) => l.split(' ')[2])).size).toBe(helps.length);

    // Logs: JSON lines only, and the range's id on the API's request lines and the worker's job lines.
    await http().get(`/api/v1/ranges/${rangeId}/events`).set('X-Request-Id', 'telemetry-e2e-1').expect(200);
    const apiLines = await waitFor('the request line', async () => {
      const lines = api.jsonLines();
      return lines.some((l) => (l.req as { id?: string } | undefined)?.id === 'telemetry-e2e-1') ? lines : undefined;
    });
    const request1 = apiLines.find((l) => (l.req as { id?: string } | undefined)?.id === 'telemetry-e2e-1')!;
    expect(request1).toMatchObject({ rangeId, process: 'api', host, msg: 'request completed', res: { statusCode: 200 } });
    expect(JSON.stringify(request1)).not.toMatch(/user-agent|headers/);
    expect(apiLines.some((l) => l.sessionId === sessionId && (l.req as { method?: string }).method === 'POST')).toBe(true);

    const jobLines = worker.jsonLines().filter((l) => l.rangeId === rangeId);
    expect(jobLines.length).toBeGreaterThan(0);
    expect(jobLines.some((l) => l.job === 'ranges.provision' && String(l.jobId).startsWith(`range.${rangeId}.provision.`) && l.process === 'worker')).toBe(true);
    for (const out of [api.text(), worker.text()]) {
      const other = out.split('\n').filter((l) => l.trim() && !l.startsWith('{'));
      expect(other).toEqual([]);
    }
  });
});
