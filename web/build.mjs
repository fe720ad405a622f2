// Builds the trainee and instructor consoles (web/console) into dist/console: a type check of web/,
// then one bundle per page (esbuild; xterm.js and its addons inside), its CSS, and the page. The API
// serves them at /console/*.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(root, 'console');
const out = path.resolve(root, '..', 'dist', 'console');
const require = createRequire(import.meta.url);

// A node_modules installed before the consoles' packages (a copy of an older checkout's) must not
// break the rest of the build: say what is missing and how to get it; the API then answers the
// console pages with 404 "not built", and their e2e test fails on that.
const missing = ['esbuild', '@xterm/xterm', '@xterm/addon-fit', '@xterm/addon-attach'].filter((name) => {
  try {
    require.resolve(`${name}/package.json`);
    return false;
  } catch {
    return true;
  }
});
if (missing.length) {
  console.warn(`[build:console] NOT BUILT: ${missing.join(', ')} missing from node_modules; run npm ci`);
  process.exit(0);
}

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json'), '--noEmit'], { stdio: 'inherit' });
const { build } = await import('esbuild');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { trainee: path.join(src, 'trainee.ts'), instructor: path.join(src, 'instructor.ts') },
  outdir: out,
  bundle: true,
  format: 'iife',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'eof',
  logLevel: 'warning',
});
for (const page of ['trainee.html', 'instructor.html']) copyFileSync(path.join(src, page), path.join(out, page));
console.log(`[build:console] built into ${path.relative(process.cwd(), out) || out}`);
