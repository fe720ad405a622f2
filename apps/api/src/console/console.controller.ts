import { Controller, Get, Logger, NotFoundException, Param, Redirect, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@app/access';
import type { Response } from 'express';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The consoles' own policy: scripts and styles only from this origin, no inline script, fetch and
 * WebSocket to this origin only. xterm.js writes its theme and cell sizes into <style> elements it
 * creates, so styles (not scripts) may be inline. No upgrade-insecure-requests: a venue may serve
 * the API over plain HTTP on its own network, and the terminal's ws:// must not be rewritten.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Where `npm run build` put the bundle: beside the compiled API (dist/console), or dist/console of the working directory (tests run the sources). */
function bundleDir(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../../../console'), path.resolve(process.cwd(), 'dist/console')];
  return candidates.find((dir) => existsSync(path.join(dir, 'trainee.html'))) ?? null;
}

/** The bundle's files, read once: only these names are ever served (no path from the request reaches the file system). */
function loadBundle(): Map<string, { body: Buffer; type: string }> {
  const files = new Map<string, { body: Buffer; type: string }>();
  const dir = bundleDir();
  if (!dir) {
    new Logger('Console').warn('the consoles are not built (dist/console is missing): run npm run build');
    return files;
  }
  for (const name of readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (type && /^[a-z0-9.-]+$/.test(name)) files.set(name, { body: readFileSync(path.join(dir, name)), type });
  }
  return files;
}

/**
 * The trainee and instructor consoles: static pages built by esbuild (web/console) and served from
 * this origin, so their API calls and the terminal WebSocket are same-origin. Public: the pages hold
 * no data; every call they make carries the user's bearer token. Not part of the API document.
 */
@ApiExcludeController()
@Public()
@Controller('console')
export class ConsoleController {
  private readonly files = loadBundle();

  @Get()
  @Redirect('/console/trainee', 302)
  root(): void {}

  @Get('trainee')
  trainee(@Res() res: Response): void {
    this.send(res, 'trainee.html', true);
  }

  @Get('instructor')
  instructor(@Res() res: Response): void {
    this.send(res, 'instructor.html', true);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    if (file.endsWith('.html')) throw new NotFoundException(`console asset ${file} does not exist`);
    this.send(res, file, false);
  }

  private send(res: Response, name: string, page: boolean): void {
    const file = this.files.get(name);
    if (!file) throw new NotFoundException(page ? 'the console is not built: run npm run build' : `console asset ${name} does not exist`);
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('Content-Type', file.type);
    // Pages always fresh (they name the bundle); the bundle itself may be cached briefly.
    res.setHeader('Cache-Control', page ? 'no-store' : 'public, max-age=300');
    res.send(file.body);
  }
}
