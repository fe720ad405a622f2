/**
 * Terminal benchmark (not a test). Provisions 15 one-node ranges (bench/templates/
 * terminal-bench.yaml) and measures, in the same run:
 *   - the keystroke round trip (send one character, receive its echo) through the API's terminal
 *     WebSocket, against the same round trip over a plain `docker exec` stream on the same node
 *     (ContainerRuntime.execInteractive, no API in between);
 *   - 60 terminals open at once (15 teams x 4 trainees): the process's RSS before and after, and
 *     the round trip on one terminal while the other 59 sit open, and while all 60 type at once.
 * Own database, Redis prefix and Docker label instance, removed at the end.
 *
 *   npm run build && flock /work/e2e.lock npm run bench:terminal
 */
import { createThrowawayEnvironment, removeThrowawayEnvironment } from '@app/throwaway';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { WebSocket } from 'ws';
import { Role } from '@app/access';
import { loadConfig, repositoryRoot } from '@app/config';
import { CONTAINER_RUNTIME, type ContainerRuntime } from '@app/docker';
import { containerName, RangeService } from '@app/ranges';
import { TerminalService, type TerminalCaller } from '@app/terminal';
import { DataSource } from 'typeorm';
import { ApiModule } from '../apps/api/src/api.module.js';
import { configureApi } from '../apps/api/src/setup.js';
import { WorkerModule } from '../apps/worker/src/worker.module.js';
import { percentile } from './bench-kit.js';
import { provisionBenchRanges } from './bench-session.js';

const TEAMS = 15;
const TRAINEES_PER_TEAM = 4;
const SAMPLES = Number(process.env.BENCH_SAMPLES || 200);
const runId = randomBytes(3).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fmt = (n: number) => `${n.toFixed(2)} ms`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

/** Something that takes input bytes and emits output chunks: a WebSocket or a raw exec stream. */
interface Line {
  send(data: string): void;
  onceOutput(): Promise<void>;
}

/** Round trips of one character each; the line is cleared (Ctrl-U) every 40 characters, untimed. */
async function roundTrips(line: Line, samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    if (i % 40 === 39) {
      const cleared = line.onceOutput();
      line.send('\x15');
      await cleared;
      await sleep(5);
    }
    const echoed = line.onceOutput();
    const t = performance.now();
    line.send('x');
    await echoed;
    times.push(performance.now() - t);
  }
  const cleared = line.onceOutput();
  line.send('\x15');
  await cleared;
  return times;
}

class SocketLine implements Line {
  private waiter: (() => void) | null = null;
  ready: Promise<void>;
  constructor(readonly ws: WebSocket) {
    let onReady: () => void;
    this.ready = new Promise((r) => (onReady = r));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        if (data.toString().includes('"ready"')) setTimeout(() => onReady(), 300); // let the prompt arrive
        return;
      }
      const w = this.waiter;
      this.waiter = null;
      w?.();
    });
  }
  send(data: string): void {
    this.ws.send(data);
  }
  onceOutput(): Promise<void> {
    return new Promise((r) => (this.waiter = r));
  }
}

async function main(): Promise<void> {
  // The bench's own database (migrated), Redis prefix and Docker label instance.
  const environment = await createThrowawayEnvironment('benchterminal', { runId });
  Object.assign(process.env, {
    ...environment.settings,
    RANGE_TEMPLATES_DIR: path.join(repositoryRoot(), 'bench', 'templates'),
    RANGE_RECONCILE_INTERVAL_MS: '0',
    TERMINAL_MAX_PER_USER: '4',
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  });
  const config = loadConfig();

  const worker = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn'] });
  const api = await NestFactory.create(ApiModule, { logger: ['error', 'warn'] });
  configureApi(api);
  await api.listen(0, '127.0.0.1');
  const port = (api.getHttpServer().address() as { port: number }).port;
  const sockets: WebSocket[] = [];
  try {
    const db = api.get(DataSource);
    const { sessionId, teamIds } = await provisionBenchRanges(db, api.get(RangeService), 'terminal-bench', TEAMS);
    // The worker is not part of what is measured.
    await worker.close();
    const ranges: Array<{ id: string; team_id: string }> = await db.query(`SELECT id, team_id FROM ranges WHERE session_id = $1 ORDER BY created_at`, [sessionId]);
    const terminals = api.get(TerminalService);
    const runtime = api.get<ContainerRuntime>(CONTAINER_RUNTIME);

    const open = async (rangeId: string, teamId: string): Promise<SocketLine> => {
      const caller: TerminalCaller = { kind: 'trainee', id: randomUUID(), role: Role.Trainee, displayName: 'bench', teamId, credentialId: randomUUID() };
      const { ticket } = await terminals.issueTicket(caller, rangeId, 'ws', 'shell');
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/terminal?ticket=${ticket}`);
      sockets.push(ws);
      const line = new SocketLine(ws);
      await line.ready;
      return line;
    };

    // Baseline: a plain docker exec stream on the same node, same shell.
    const first = ranges[0]!;
    const exec = await runtime.execInteractive(containerName(config.INSTANCE_NAME, first.id, 'ws'), ['/bin/sh', '-l'], { user: 'trainee' });
    let execWaiter: (() => void) | null = null;
    exec.stream.on('data', () => {
      const w = execWaiter;
      execWaiter = null;
      w?.();
    });
    await sleep(500);
    const execLine: Line = { send: (d) => exec.stream.write(d), onceOutput: () => new Promise((r) => (execWaiter = r)) };

    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const single = await open(first.id, first.team_id);
    const rawOne = await roundTrips(execLine, SAMPLES);
    const apiOne = await roundTrips(single, SAMPLES);

    const all: SocketLine[] = [single];
    const t = performance.now();
    for (const r of ranges) {
      for (let i = 0; i < TRAINEES_PER_TEAM; i++) {
        if (r === first && i === 0) continue;
        all.push(await open(r.id, r.team_id));
      }
    }
    const openSeconds = (performance.now() - t) / 1000;
    await sleep(1000);
    global.gc?.();
    const rssAfter = process.memoryUsage().rss;
    const rawLoaded = await roundTrips(execLine, SAMPLES);
    const apiLoaded = await roundTrips(single, SAMPLES);
    const typing = (await Promise.all(all.map((l) => roundTrips(l, Math.ceil(SAMPLES / 4))))).flat();

    const row = (what: string, xs: number[], base: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const b = [...base].sort((a, b2) => a - b2);
      return `| ${what} | ${xs.length} | ${fmt(percentile(s, 50))} | ${fmt(percentile(s, 99))} | ${(percentile(s, 50) / percentile(b, 50)).toFixed(2)}x | ${(percentile(s, 99) / percentile(b, 99)).toFixed(2)}x |`;
    };
    console.log(`\nKeystroke round trip (one character, its echo)\n`);
    console.log('| path | samples | p50 | p99 | p50 ratio | p99 ratio |');
    console.log('|---|---|---|---|---|---|');
    console.log(row('plain docker exec stream (baseline)', rawOne, rawOne));
    console.log(row('API terminal WebSocket, 1 open', apiOne, rawOne));
    console.log(row('plain docker exec stream, 60 terminals open', rawLoaded, rawLoaded));
    console.log(row('API terminal WebSocket, 60 open (59 idle)', apiLoaded, rawLoaded));
    console.log(row('API terminal WebSocket, 60 typing at once (all samples)', typing, rawLoaded));
    console.log(`\n${all.length} terminals on ${TEAMS} ranges opened one after another in ${openSeconds.toFixed(1)} s`);
    console.log(`process RSS (API + its engine client; worker closed): ${mb(rssBefore)} with 1 terminal open, ${mb(rssAfter)} with ${all.length} (${((rssAfter - rssBefore) / 1024 / (all.length - 1)).toFixed(0)} KB each)`);
    exec.stream.destroy();
  } finally {
    // Left open on purpose: the API's shutdown closes them (and waits for their history writes).
    void sockets;
    await api.close().catch(() => undefined);
    await worker.close().catch(() => undefined);
    await removeThrowawayEnvironment(environment);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
