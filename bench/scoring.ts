/**
 * Scoring benchmark (not a test). Provisions 30 ranges of a one-node template
 * with six exec checks (bench/templates/scoring-bench.yaml), then measures, in
 * the same run:
 *   - one evaluation pass over the 30 running ranges (180 probes; one exec per
 *     node runs all its probes), against a baseline of the same 180 probes as one
 *     exec each straight through the ContainerRuntime (no database, no ledger);
 *   - the latency of "check now" through the queue (enqueue, worker, wait),
 *     p50/p95/max, against calling the evaluation directly.
 * Own database, Redis prefix and Docker label instance, removed at the end.
 *
 *   npm run build && flock /work/e2e.lock npm run bench:scoring
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import path from 'node:path';
import { loadConfig, repositoryRoot } from '@app/config';
import { CONTAINER_RUNTIME, type ContainerRuntime, labelKeys } from '@app/docker';
import { RangeService } from '@app/ranges';
import { ScenarioClockService } from '@app/scenario';
import { EvaluationService } from '@app/scoring';
import type { RangeBlueprint } from '@app/templates';
import { createThrowawayEnvironment, removeThrowawayEnvironment } from '@app/throwaway';
import { DataSource } from 'typeorm';
import { WorkerModule } from '../apps/worker/src/worker.module.js';
import { percentile } from './bench-kit.js';
import { provisionBenchRanges } from './bench-session.js';
import { recordBenchResult } from './results.js';

const RANGES = Number(process.env.BENCH_RANGES || 30);
const PASSES = 3;
const RAW_PASSES = 1;
const CHECK_NOW_ROUNDS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

const ms = (n: number) => `${n.toFixed(0)} ms`;

async function main(): Promise<void> {
  const environment = await createThrowawayEnvironment('bench');
  Object.assign(process.env, {
    ...environment.settings,
    RANGE_TEMPLATES_DIR: path.join(repositoryRoot(), 'bench', 'templates'),
    RANGE_RECONCILE_INTERVAL_MS: '0',
    // The repeatable evaluation is kept out of the way: the bench times its own passes.
    SCORING_EVALUATION_INTERVAL_MS: '3600000',
    SCORING_EVALUATION_SCENARIO_SECONDS: '3600',
    CHECK_NOW_MIN_INTERVAL_MS: '0',
    WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY || '10',
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  });
  const config = loadConfig();

  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn'] });
  const cleanupTasks = async () => {
    await app.close().catch(() => undefined);
    await removeThrowawayEnvironment(environment).catch((e) => console.error(`cleanup: ${(e as Error).message}`));
  };
  try {
    const db = app.get(DataSource);
    const { sessionId, teamIds } = await provisionBenchRanges(db, app.get(RangeService), 'scoring-bench', RANGES);
    const ranges: Array<{ id: string; blueprint: RangeBlueprint }> = await db.query(`SELECT id, blueprint FROM ranges WHERE session_id = $1`, [sessionId]);
    await app.get(ScenarioClockService).control({ sessionId }, 'start', { id: 'bench', role: 'operator' }, 1);
    // Every check follows the step "mark" (offset 0): wait until it has run in every range.
    for (let waited = 0; ; waited += 250) {
      const [{ ran }] = await db.query(`SELECT count(*)::int AS ran FROM attack_runs WHERE range_id = ANY($1)`, [ranges.map((r) => r.id)]);
      if (ran === RANGES) break;
      if (waited > 60000) throw new Error(`the step "mark" ran in ${ran} of ${RANGES} ranges`);
      await sleep(250);
    }
    // The evaluations each step asks for (at once, in the worker) are out of the way before timing.
    await sleep(3000);

    const evaluation = app.get(EvaluationService);
    const engine = app.get<ContainerRuntime>(CONTAINER_RUNTIME);
    const keys = labelKeys(config.DOCKER_LABEL_NAMESPACE);
    const containers = new Map<string, string>();
    for (const r of ranges) {
      const [c] = await engine.listContainers({ [keys.range]: r.id, [keys.node]: 'host' });
      containers.set(r.id, c!.id);
    }

    const passTimes: number[] = [];
    const rawTimes: number[] = [];
    for (let i = 0; i < PASSES; i++) {
      let t = performance.now();
      // As many at once as the worker runs evaluation jobs (WORKER_CONCURRENCY), not all 30.
      const summaries = await inBatches(ranges, config.WORKER_CONCURRENCY, (r) => evaluation.evaluate(r.id));
      passTimes.push(performance.now() - t);
      const probes = summaries.reduce((s, x) => s + x.checked, 0);
      if (probes !== RANGES * 6) throw new Error(`a pass probed ${probes} checks, expected ${RANGES * 6}`);
      // The baseline is slow on a busy engine (minutes): once is enough.
      if (i >= RAW_PASSES) continue;
      t = performance.now();
      // The way before batching: one exec per check.
      await inBatches(ranges, config.WORKER_CONCURRENCY, (r) =>
        Promise.all(
          r.blueprint.scenario!.objectives.map((o) =>
            engine.exec(containers.get(r.id)!, o.check!.exec!.argv, { timeoutMs: o.check!.exec!.timeoutSeconds * 1000 }),
          ),
        ),
      );
      rawTimes.push(performance.now() - t);
    }

    const checkNow: number[] = [];
    const direct: number[] = [];
    for (let round = 0; round < CHECK_NOW_ROUNDS; round++) {
      for (const r of ranges) {
        let t = performance.now();
        const result = await evaluation.checkNow(r.id);
        checkNow.push(performance.now() - t);
        if (result.status !== 'evaluated') throw new Error(`check now ${result.jobId} was not evaluated in time`);
        t = performance.now();
        await evaluation.evaluate(r.id);
        direct.push(performance.now() - t);
      }
    }

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(`\nEvaluation pass over ${RANGES} running ranges x 6 checks (${PASSES} passes, median; the one-exec-per-probe baseline ${RAW_PASSES} pass)\n`);
    console.log('| what | time | ratio |');
    console.log('|---|---|---|');
    console.log(`| one ContainerRuntime.exec per probe (${RANGES * 6} execs, the way before batching; no database) | ${ms(median(rawTimes))} | 1.00x |`);
    console.log(
      `| EvaluationService pass: one exec per node for all its probes, check states, ledger (target <= 5 s) | ${ms(median(passTimes))} | ${(median(passTimes) / median(rawTimes)).toFixed(2)}x |`,
    );
    const sortedNow = [...checkNow].sort((a, b) => a - b);
    const sortedDirect = [...direct].sort((a, b) => a - b);
    console.log(`\n"Check now" latency, ${checkNow.length} requests, one at a time, ${RANGES} ranges live (target p95 <= 150 ms)\n`);
    console.log('| path | p50 | p95 | max | p95 ratio |');
    console.log('|---|---|---|---|---|');
    console.log(`| evaluate() called directly | ${ms(percentile(sortedDirect, 50))} | ${ms(percentile(sortedDirect, 95))} | ${ms(sortedDirect.at(-1)!)} | 1.00x |`);
    console.log(
      `| checkNow(): rate limit, queue, worker, wait, objective states | ${ms(percentile(sortedNow, 50))} | ${ms(percentile(sortedNow, 95))} | ${ms(sortedNow.at(-1)!)} | ${(percentile(sortedNow, 95) / percentile(sortedDirect, 95)).toFixed(2)}x |`,
    );
    recordBenchResult('scoring', `${RANGES} ranges x 6 checks; ${PASSES} passes; ${checkNow.length} check-now requests`, [
      { what: `evaluation pass over ${RANGES} ranges x 6 checks, median (target <= 5 s)`, value: ms(median(passTimes)), against: `${ms(median(rawTimes))} one exec per probe` },
      { what: 'check now p50 / p95 (target p95 <= 150 ms)', value: `${ms(percentile(sortedNow, 50))} / ${ms(percentile(sortedNow, 95))}`, against: `${ms(percentile(sortedDirect, 50))} / ${ms(percentile(sortedDirect, 95))} evaluate() directly` },
    ]);
  } finally {
    await cleanupTasks();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
