/**
 * Where each bench leaves its headline figures for `npm run bench`'s one table (bench/summary.ts):
 * one JSON file per bench in BENCH_RESULTS_DIR (default: cyder-bench-results in the OS temp folder).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchRow {
  /** What was measured, in words ("provisioning, 10 teams"). */
  what: string;
  /** The figure as shown ("12.3 s", "1.05x"). */
  value: string;
  /** The figure it is compared with, or the target, as shown (optional). */
  against?: string;
}

export interface BenchResult {
  bench: string;
  /** The run's size and settings in words ("teams 1,3; raw bounds 4,8"). */
  size: string;
  finishedAt: string;
  rows: BenchRow[];
}

export const benchResultsDir = (): string => process.env.BENCH_RESULTS_DIR || path.join(os.tmpdir(), 'cyder-bench-results');

/** Writes (replaces) this bench's rows; never fails the bench over it. */
export function recordBenchResult(bench: string, size: string, rows: BenchRow[]): void {
  try {
    const dir = benchResultsDir();
    mkdirSync(dir, { recursive: true });
    const result: BenchResult = { bench, size, finishedAt: new Date().toISOString(), rows };
    writeFileSync(path.join(dir, `${bench}.json`), JSON.stringify(result, null, 2));
  } catch (err) {
    console.error(`could not record the ${bench} results: ${(err as Error).message}`);
  }
}
