/**
 * Range provisioning benchmark (not a test): provisions 1, 10 and 30 team ranges of one template
 * through the real worker path (flow, jobs, database, the ContainerRuntime), and, in the same run
 * and process, raw dockerode (its own client) doing the same work: the same networks and
 * containers (same options, files and readiness checks; no database, no queue), once everything
 * at once and once per bound in BENCH_RAW_BOUNDS with at most that many engine requests in flight,
 * starting each node once the nodes it depends on are ready, as ours does. Prints ours against the
 * best bounded run as a ratio, the teardowns, then one range's reset and teardown through the
 * service (API path: status change, job, worker). Uses its own database, Redis prefix and Docker
 * label instance, and removes them at the end.
 *
 *   npm run build && flock /work/e2e.lock npm run bench:ranges
 *
 * The template is bench/templates/ranges-bench.yaml (two networks, three small nodes), loaded by
 * the production TemplateCatalog; BENCH_TEMPLATE=<id> takes one of the shipped templates
 * (RANGE_TEMPLATES_DIR) instead. BENCH_RANGE_TEAMS=1,10,30 changes the team counts (BENCH_RANGE_TEAMS=1,3 is a
 * quick run), BENCH_RAW_BOUNDS=4,8,16 the bounds of the raw baseline.
 */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import Docker from 'dockerode';
import { AppConfig, loadConfig, repositoryRoot } from '@app/config';
import { RangeEntity, SessionRangeSetEntity } from '@app/database';
import { APP_LABEL_VALUE, CONTAINER_RUNTIME, type ContainerRuntime, labelKeys, RangeImageBuilder, tarArchive } from '@app/docker';
import { RangeLifecycle, RangeService, SubnetPool } from '@app/ranges';
import { RANGE_TEMPLATE_SOURCE, type RangeBlueprint, type RangeTemplateSource } from '@app/templates';
import { createThrowawayEnvironment, removeThrowawayEnvironment, type ThrowawayEnvironment } from '@app/throwaway';
import { DataSource } from 'typeorm';
import { WorkerModule } from '../apps/worker/src/worker.module.js';
import { benchSessionWithTeams } from './bench-session.js';
import { type BenchRow, recordBenchResult } from './results.js';

const runId = randomBytes(3).toString('hex');
const templateId = process.env.BENCH_TEMPLATE || 'ranges-bench';
const BENCH_TEMPLATES = path.join(repositoryRoot(), 'bench', 'templates');
const teamCounts = (process.env.BENCH_RANGE_TEAMS || '1,10,30').split(',').map(Number);
const rawBounds = (process.env.BENCH_RAW_BOUNDS || '4,8,16').split(',').map(Number);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The bench's own database, Redis prefix and Docker label instance, and its settings. */
async function prepareEnvironment(): Promise<ThrowawayEnvironment> {
  const environment = await createThrowawayEnvironment('bench');
  Object.assign(process.env, {
    ...environment.settings,
    RANGE_TEMPLATES_DIR: process.env.BENCH_TEMPLATE ? loadConfig().RANGE_TEMPLATES_DIR : BENCH_TEMPLATES,
    RANGE_RECONCILE_INTERVAL_MS: '0',
    WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY || '10',
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  });
  return environment;
}

const cleanup = (environment: ThrowawayEnvironment) =>
  removeThrowawayEnvironment(environment).catch((e) => console.error(`cleanup: ${(e as Error).message}`));

/** Our path: one flow per session, jobs on the in-process worker, until the session's set is ready. */
async function provisionOurs(app: INestApplicationContext, teams: number): Promise<{ sessionId: string; ms: number; status: string }> {
  const { sessionId, teamIds } = await benchSessionWithTeams(app.get(DataSource), teams);
  const sets = app.get(DataSource).getRepository(SessionRangeSetEntity);
  const started = performance.now();
  await app.get(RangeService).provisionSession(sessionId, { templateId, teamIds });
  for (const deadline = Date.now() + 300_000; ; ) {
    if (Date.now() > deadline) throw new Error(`session ${sessionId} not ready after 300 s`);
    const set = await sets.findOneByOrFail({ sessionId });
    if (set.status === 'ready' || set.status === 'failed') return { sessionId, ms: performance.now() - started, status: set.status };
    await sleep(50);
  }
}

async function rangeMemoryMiB(engine: ContainerRuntime, docker: Docker, config: AppConfig, sessionId: string): Promise<{ mib: number; containers: number }> {
  const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
  const containers = await engine.listContainers({ [keys.instance]: config.INSTANCE_NAME, [keys.session]: sessionId });
  const firstRange = containers[0]?.labels[keys.range];
  const mine = containers.filter((c) => c.labels[keys.range] === firstRange);
  let bytes = 0;
  for (const c of mine) {
    const stats = (await docker.getContainer(c.id).stats({ stream: false })) as unknown as {
      memory_stats: { usage?: number; stats?: Record<string, number> };
    };
    const cache = stats.memory_stats.stats?.total_inactive_file ?? stats.memory_stats.stats?.inactive_file ?? stats.memory_stats.stats?.cache ?? 0;
    bytes += (stats.memory_stats.usage ?? 0) - cache;
  }
  return { mib: bytes / 1024 / 1024, containers: mine.length };
}

/** At most `limit` calls in flight (no limit when undefined); the others wait their turn, first come first served. */
function gate(limit: number | undefined): <T>(call: () => Promise<T>) => Promise<T> {
  if (!limit) return (call) => call();
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (call) => {
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await call();
    } finally {
      // The slot goes straight to the next in line, or is freed.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/**
 * The baseline: raw dockerode, same networks, containers, options, files and readiness checks.
 * `ordered` false: everything at once (a lower bound that ignores the template's dependsOn);
 * true: containers created at once, each started once the nodes it depends on are ready.
 * `bound`: at most this many engine requests in flight (create, connect, copy, start, each
 * readiness exec); a node waiting for its dependencies or between readiness tries holds none.
 */
async function provisionRaw(
  docker: Docker,
  engine: ContainerRuntime,
  config: AppConfig,
  images: RangeImageBuilder,
  blueprints: RangeBlueprint[],
  ordered: boolean,
  bound?: number,
): Promise<number> {
  const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
  const labels = { [keys.app]: APP_LABEL_VALUE, [keys.instance]: config.INSTANCE_NAME, [keys.kind]: 'bench-raw' };
  const request = gate(bound);
  // Images are resolved before the clock starts, as a warm worker has them already.
  const imageOf = new Map<string, string>();
  for (const node of blueprints.flatMap((bp) => bp.nodes)) {
    const key = 'builtin' in node.image ? node.image.builtin : node.image.reference;
    if (!imageOf.has(key)) imageOf.set(key, 'builtin' in node.image ? (await images.ensure(node.image.builtin)).image.reference : key);
  }
  const started = performance.now();
  await Promise.all(
    blueprints.flatMap((bp, i) =>
      bp.networks.map((n) =>
        request(() => docker.createNetwork({
          Name: `bench-raw-${config.INSTANCE_NAME}-${i}-${n.name}`,
          Driver: 'bridge',
          Internal: true,
          IPAM: { Driver: 'default', Config: [{ Subnet: n.subnet }] },
          Options: {
            'com.docker.network.bridge.inhibit_ipv4': 'true',
            'com.docker.network.bridge.name': `cyb${runId}${i}${n.name.slice(0, 2)}`.slice(0, 15),
            'com.docker.network.bridge.enable_ip_masquerade': 'false',
          },
          Labels: labels,
        })),
      ),
    ),
  );
  const readyOf = new Map<string, Promise<void>>();
  await Promise.all(
    blueprints.flatMap((bp, i) =>
      bp.nodes.map(async (node) => {
        let markReady!: () => void;
        let markFailed!: (err: unknown) => void;
        const ready = new Promise<void>((resolve, reject) => ((markReady = resolve), (markFailed = reject)));
        ready.catch(() => undefined);
        readyOf.set(`${i}/${node.name}`, ready);
        try {
          const net = (name: string) => `bench-raw-${config.INSTANCE_NAME}-${i}-${name}`;
          const [first, ...rest] = node.attachments;
          const readOnly = node.readOnlyRoot && node.files.length === 0;
          const container = await request(() => docker.createContainer({
            name: `bench-raw-${config.INSTANCE_NAME}-${i}-${node.name}`,
            Hostname: node.name,
            Image: imageOf.get('builtin' in node.image ? node.image.builtin : node.image.reference)!,
            Cmd: node.command,
            Env: Object.entries(node.env).map(([k, v]) => `${k}=${v}`),
            Labels: labels,
            HostConfig: {
              NetworkMode: net(first!.network),
              Memory: node.resources.memoryMb * 1024 * 1024,
              MemorySwap: node.resources.memoryMb * 1024 * 1024,
              NanoCpus: Math.round(node.resources.cpus * 1e9),
              PidsLimit: node.resources.pids,
              CapDrop: ['ALL'],
              CapAdd: node.capabilities,
              SecurityOpt: ['no-new-privileges'],
              ReadonlyRootfs: readOnly,
              Tmpfs: readOnly ? { '/tmp': 'rw,nosuid,nodev,size=16m', '/run': 'rw,nosuid,nodev,size=4m' } : {},
            },
            NetworkingConfig: { EndpointsConfig: { [net(first!.network)]: { Aliases: first!.aliases, IPAMConfig: { IPv4Address: first!.address } } } },
          }));
          for (const a of rest) {
            await request(() => docker.getNetwork(net(a.network)).connect({ Container: container.id, EndpointConfig: { Aliases: a.aliases, IPAMConfig: { IPv4Address: a.address } } }));
          }
          if (node.files.length) await request(() => container.putArchive(tarArchive(node.files), { path: '/' }));
          if (ordered) await Promise.all(node.dependsOn.map((d) => readyOf.get(`${i}/${d}`)));
          await request(() => container.start());
          if (node.readiness) {
            const deadline = Date.now() + node.readiness.timeoutSeconds * 1000;
            for (;;) {
              const result = await request(() => engine.exec(container.id, node.readiness!.argv, { timeoutMs: 5000 }));
              if (result.exitCode === 0) break;
              if (Date.now() > deadline) throw new Error(`raw baseline: node ${node.name} not ready (${result.exitCode} ${result.stderr})`);
              await sleep(node.readiness.intervalMs);
            }
          }
          markReady();
        } catch (err) {
          markFailed(err);
          throw err;
        }
      }),
    ),
  );
  return performance.now() - started;
}

async function teardownRaw(docker: Docker, config: AppConfig): Promise<number> {
  const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
  const selector = { [keys.instance]: config.INSTANCE_NAME, [keys.kind]: 'bench-raw' };
  const started = performance.now();
  const containers = await docker.listContainers({ all: true, filters: { label: Object.entries(selector).map(([k, v]) => `${k}=${v}`) } });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  const networks = await docker.listNetworks({ filters: { label: Object.entries(selector).map(([k, v]) => `${k}=${v}`) } });
  await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove()));
  return performance.now() - started;
}

/** Polls a range until it reaches `status` (or fails); the time since `started`. */
async function rangeReaches(app: INestApplicationContext, rangeId: string, status: string, started: number): Promise<number> {
  const ranges = app.get(DataSource).getRepository(RangeEntity);
  for (const deadline = Date.now() + 300_000; ; ) {
    const range = await ranges.findOneByOrFail({ id: rangeId });
    if (range.status === status) return performance.now() - started;
    if (range.status === 'failed') throw new Error(`range ${rangeId} failed: ${range.failureReason}`);
    if (Date.now() > deadline) throw new Error(`range ${rangeId} not ${status} after 300 s (${range.status})`);
    await sleep(50);
  }
}

async function main(): Promise<void> {
  const environment = await prepareEnvironment();
  const config = loadConfig();
  // Ctrl-C still removes what the run created.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`${signal}: cleaning up`);
      cleanup(environment).finally(() => process.exit(130));
    });
  }
  let app: INestApplicationContext | undefined;
  const rows: string[][] = [];
  const summary: BenchRow[] = [];
  let memory = { mib: 0, containers: 0 };
  let oneRange = { resetMs: 0, teardownMs: 0 };
  const rawAgent = new http.Agent({ keepAlive: true });
  let raw: Docker;
  try {
    app = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn'] });
    const engine = app.get<ContainerRuntime>(CONTAINER_RUNTIME);
    // The baseline's own client, with the same keep-alive agent as ours.
    raw = new Docker({ socketPath: config.DOCKER_SOCKET, agent: rawAgent } as Docker.DockerOptions);
    const lifecycle = app.get(RangeLifecycle);
    const service = app.get(RangeService);
    const source = app.get<RangeTemplateSource>(RANGE_TEMPLATE_SOURCE, { strict: false });
    const images = app.get(RangeImageBuilder);
    const described = await source.describe(templateId);
    // The baseline uses subnets from the far end of the pool, so it never meets ours.
    const pool = new SubnetPool(config.RANGE_SUBNET_POOL, config.RANGE_SUBNET_PREFIX);

    // Warm-up (not measured): one range each way.
    const warm = await provisionOurs(app, 1);
    await lifecycle.teardownSession(warm.sessionId);
    const warmBp = await source.render(templateId, Object.fromEntries(described.networks.map((n, j) => [n, pool.subnet(pool.size - 1 - j)])));
    await provisionRaw(raw, engine, config, images, [warmBp], false);
    await teardownRaw(raw, config);

    for (const teams of teamCounts) {
      const blueprints = await Promise.all(
        Array.from({ length: teams }, (_, i) =>
          source.render(templateId, Object.fromEntries(described.networks.map((n, j) => [n, pool.subnet(pool.size - 1 - (i * described.networks.length + j))]))),
        ),
      );
      const rawUp = await provisionRaw(raw, engine, config, images, blueprints, false);
      const rawDown = await teardownRaw(raw, config);
      let best = { ms: Infinity, bound: 0 };
      for (const bound of rawBounds) {
        const ms = await provisionRaw(raw, engine, config, images, blueprints, true, bound);
        await teardownRaw(raw, config);
        if (ms < best.ms) best = { ms, bound };
      }

      const ours = await provisionOurs(app, teams);
      if (teams === 1) memory = await rangeMemoryMiB(engine, raw, config, ours.sessionId);
      const downStarted = performance.now();
      await lifecycle.teardownSession(ours.sessionId);
      const oursDown = performance.now() - downStarted;
      const nodes = blueprints.reduce((n, bp) => n + bp.nodes.length, 0);
      const networks = blueprints.reduce((n, bp) => n + bp.networks.length, 0);
      const secs = (ms: number) => (ms / 1000).toFixed(2);
      const oursUp = secs(ours.ms) + (ours.status === 'ready' ? '' : ` (${ours.status})`);
      const ratio = (ours.ms / best.ms).toFixed(2) + 'x';
      rows.push([String(teams), `${networks}/${nodes}`, oursUp, secs(rawUp), `${secs(best.ms)} (${best.bound})`, ratio, secs(oursDown), secs(rawDown)]);
      summary.push({ what: `provisioning, ${teams} team${teams === 1 ? '' : 's'} (${nodes} nodes): ours / best bounded raw (target <= 1.2x)`, value: ratio, against: `${oursUp} s / ${secs(best.ms)} s at ${best.bound}` });
      summary.push({ what: `teardown, ${teams} team${teams === 1 ? '' : 's'}: ours / raw`, value: `${secs(oursDown)} s`, against: `${secs(rawDown)} s` });
    }

    // One range, as an operator's reset and teardown go: status change, job, worker, until done.
    const one = await provisionOurs(app, 1);
    const [rangeId] = (await app.get(DataSource).getRepository(RangeEntity).findBy({ sessionId: one.sessionId })).map((r) => r.id);
    const resetStarted = performance.now();
    await service.reset(rangeId!);
    oneRange.resetMs = await rangeReaches(app, rangeId!, 'ready', resetStarted);
    const teardownStarted = performance.now();
    await service.teardown(rangeId!);
    oneRange.teardownMs = await rangeReaches(app, rangeId!, 'destroyed', teardownStarted);
    summary.push({ what: 'one range: reset to T0 (ready again)', value: `${(oneRange.resetMs / 1000).toFixed(2)} s` });
    summary.push({ what: 'one range: teardown (destroyed)', value: `${(oneRange.teardownMs / 1000).toFixed(2)} s` });
  } finally {
    rawAgent.destroy();
    await app?.close();
    await cleanup(environment);
  }
  const header = ['teams', 'nets/nodes', 'ours up s', 'raw all-at-once s', 'best bounded raw s (bound)', 'ours/best bounded', 'ours down s', 'raw down s'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(`\nrange provisioning, template ${templateId}, worker concurrency ${config.WORKER_CONCURRENCY}, raw bounds ${rawBounds.join(',')} (ready = every readiness check passed)`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log(`one range: reset ${(oneRange.resetMs / 1000).toFixed(2)} s, teardown ${(oneRange.teardownMs / 1000).toFixed(2)} s (service call to ready / destroyed)`);
  console.log(`memory of one range: ${memory.mib.toFixed(1)} MiB over ${memory.containers} containers (docker stats, usage minus page cache)`);
  console.log('targets: ours <= 1.2x the best bounded raw at 10 and 30 teams');
  summary.push({ what: 'memory of one range (docker stats)', value: `${memory.mib.toFixed(1)} MiB`, against: `${memory.containers} containers` });
  recordBenchResult('ranges', `template ${templateId}; teams ${teamCounts.join(',')}; raw bounds ${rawBounds.join(',')}; worker concurrency ${config.WORKER_CONCURRENCY}`, summary);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
