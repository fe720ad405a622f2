/**
 * `npm run bench`'s one table: the headline rows every bench wrote to BENCH_RESULTS_DIR
 * (bench/results.ts), together, after the machine they ran on (cores, memory, Docker engine,
 * load average). `--reset` empties the folder first (the start of `npm run bench`), so the table
 * holds only this run's benches.
 *
 *   node dist/bench/summary.js [--reset]
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { loadConfig } from '@app/config';
import { type BenchResult, benchResultsDir } from './results.js';

/** The order of `npm run bench`; a bench run alone (bench:terminal, ...) comes after them. */
const ORDER = ['scheduling', 'ranges', 'scoring', 'session-day'];

async function engineVersion(): Promise<string> {
  try {
    const version = await new Docker({ socketPath: loadConfig().DOCKER_SOCKET }).version();
    return `Docker ${version.Version} (API ${version.ApiVersion})`;
  } catch (err) {
    return `Docker: not reachable (${(err as Error).message})`;
  }
}

async function main(): Promise<void> {
  const dir = benchResultsDir();
  if (process.argv.includes('--reset')) {
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    // no bench wrote anything
  }
  const results = files
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as BenchResult)
    .sort((a, b) => (ORDER.indexOf(a.bench) + 1 || 99) - (ORDER.indexOf(b.bench) + 1 || 99) || a.bench.localeCompare(b.bench));
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\n## One table (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC)\n`);
  console.log(
    `Machine: ${os.cpus().length} cores (${cpu.trim()}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB memory, ${await engineVersion()}, ` +
      `Node.js ${process.version}; load average (1/5/15 min) at the end: ${load}\n`,
  );
  if (results.length === 0) {
    console.log(`(no bench results in ${dir})`);
    process.exitCode = 1;
    return;
  }
  // A bench of `npm run bench` that failed (or was not run) is named, not silently left out.
  const missing = ORDER.filter((b) => !results.some((r) => r.bench === b));
  if (missing.length) console.log(`No result from: ${missing.join(', ')} (failed or not run; see its output above)\n`);
  console.log('| bench | run size | what | value | against |');
  console.log('|---|---|---|---:|---|');
  for (const r of results) {
    // The bench and its run size once, on its first row.
    r.rows.forEach((row, i) => console.log(`| ${i ? '' : r.bench} | ${i ? '' : r.size} | ${row.what} | ${row.value} | ${row.against ?? ''} |`));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
