import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { AccessClient } from './support/access.js';
import { ROOT } from './support/processes.js';
import { FIXTURE_TEMPLATES_DIR, RangeTestApp } from './support/range-app.js';
import { jstDay, SchedulingClient } from './support/scheduling-api.js';
import { waitFor } from './support/waiting.js';

/** Debian's chromium (scripts/services.sh installs it); nothing is downloaded. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of each console, kept after the run (gitignored). */
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

describe('the trainee and instructor consoles in a real browser (chromium + playwright-core)', () => {
  let app: RangeTestApp;
  let url: string;
  let access: AccessClient;
  let browser: BrowserContext;
  let profile: string;
  let sessionId: string;
  let rangeId: string;
  let code: string;
  let instructor: Awaited<ReturnType<AccessClient['instructor']>>;
  /** What each page logged or was refused: a CSP refusal, a script error or a failed call shows up here. */
  const problems: string[] = [];

  const watchProblems = (page: Page, name: string) => {
    page.on('console', (msg) => msg.type() === 'error' && problems.push(`${name} console: ${msg.text()}`));
    page.on('pageerror', (err) => problems.push(`${name} error: ${err.message}`));
    page.on('response', (res) => res.status() >= 400 && problems.push(`${name} ${res.request().method()} ${res.url()}: ${res.status()}`));
  };
  /** The visible text of an xterm screen (the DOM renderer's rows). */
  const screenText = (page: Page, scope: string) => page.locator(`${scope} .xterm-rows`).innerText();

  beforeAll(async () => {
    app = await RangeTestApp.start({ RANGE_TEMPLATES_DIR: FIXTURE_TEMPLATES_DIR });
    await app.api.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.api.getHttpServer().address() as { port: number }).port}`;
    access = await AccessClient.start(app.api, url);
    const scheduling = new SchedulingClient(url, access.operator.token);
    instructor = await access.instructor();
    const session = await scheduling.session({ courseCode: 'ONLINE-A', teamSize: 1, seats: 2, instructorIds: [instructor.instructorId], ...jstDay('2030-12-05') }, true);
    sessionId = session.id;
    const org = await scheduling.organisation('other');
    const trainee = await scheduling.trainee(org.id);
    const enrolled = (await scheduling.http().post(`/api/v1/sessions/${sessionId}/enrollments`).send({ traineeId: trainee.id }).expect(201)).body;
    await scheduling.transition(sessionId, 'closed');
    const created = await access.asOperator().post(`/api/v1/sessions/${sessionId}/ranges`).send({ templateId: 'console', teamIds: [enrolled.teamId] }).expect(202);
    rangeId = created.body.ranges[0].id;
    const [browserContext] = await Promise.all([
      (async () => {
        profile = mkdtempSync(path.join(tmpdir(), 'cyder-chromium-'));
        // playwright refuses --user-data-dir in args: a persistent context is exactly an empty profile of our own.
        return chromium.launchPersistentContext(profile, {
          executablePath: CHROMIUM,
          headless: true,
          viewport: { width: 1400, height: 1000 },
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        });
      })(),
      waitFor(
        'the range ready',
        async () => {
          const res = await access.asOperator().get(`/api/v1/ranges/${rangeId}`).expect(200);
          if (res.body.status === 'failed') throw new Error(`range failed: ${res.body.failureReason}`);
          return res.body.status === 'ready';
        },
        120000,
      ),
    ]);
    browser = browserContext;
    code = (await access.issueCodes(sessionId)).find((c) => c.traineeId === trainee.id)!.code;
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 180000);

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await app?.close();
  });

  it('serves both pages with the security headers and a CSP allowing only its own scripts', async () => {
    for (const page of ['trainee', 'instructor']) {
      const res = await fetch(`${url}/console/${page}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await res.text();
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // every script is a file of this origin
    }
    expect((await fetch(`${url}/console/assets/trainee.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${url}/console/assets/..%2Fapps`)).status).toBe(404);
    expect((await fetch(`${url}/console/assets/trainee.html`)).status).toBe(404);
  });

  it('a trainee logs in with the access code, runs hostname in the web node terminal, answers right and sees the score change; the instructor sees it live', async () => {
    // The instructor's board is open first, so the trainee's points must arrive over its stream.
    const board = await browser.newPage();
    watchProblems(board, 'instructor');
    await board.goto(`${url}/console/instructor?session=${sessionId}`);
    await board.fill('#email', instructor.email);
    await board.fill('#password', instructor.password);
    await board.click('#login-form button[type=submit]');
    const teamRow = board.locator('#board tbody tr');
    await teamRow.first().waitFor();
    expect(await teamRow.count()).toBe(1);
    expect(await teamRow.locator('td.score').innerText()).toBe('0');

    const page = await browser.newPage();
    watchProblems(page, 'trainee');
    await page.goto(`${url}/console/trainee`);
    expect(await page.locator('html').getAttribute('lang')).toBe('ja'); // Japanese by default
    await page.fill('#code', code.toLowerCase()); // typed in any case
    await page.click('#login-form button[type=submit]');
    await page.locator('#nodes tbody tr[data-node="web"]').waitFor();
    expect(await page.locator('#nodes tbody tr').count()).toBe(2);
    // The range view, the standing (score, clock) and the objectives load side by side: wait for the clock.
    await page.waitForFunction("!!document.querySelector('#clock-state')?.textContent?.trim()");
    expect(await page.locator('#score').innerText()).toBe('0');
    expect(await page.locator('#clock-state').innerText()).toMatch(/未開始/);

    // The instructor starts the clock; the trainee's console learns it from its stream.
    await board.click('button.clock-action[data-action="start"]');
    await waitFor('the trainee clock runs', async () => /進行中/.test(await page.locator('#clock-state').innerText()), 15000, 100);
    await waitFor('the board clock runs', async () => /進行中/.test(await board.locator('#clock-state').innerText()), 15000, 100);
    // A message from the instructor reaches the trainee's console.
    await board.fill('#message-text', '昼休みは12時からです');
    await board.click('#message-form button[type=submit]');
    await waitFor('the message shown to the trainee', async () => (await page.locator('#messages li.message').allInnerTexts()).some((m) => m.includes('昼休みは12時からです')), 15000, 100);

    await page.click('button.open-terminal[data-node="web"]');
    const terminal = page.locator('#terminals .terminal[data-node="web"]');
    await terminal.locator('.xterm-rows').waitFor();
    await terminal.click();
    await page.keyboard.type('hostname');
    await page.keyboard.press('Enter');
    const screen = await waitFor('hostname on the screen', async () => {
      const text = await screenText(page, '#terminals .terminal[data-node="web"]');
      return text.split('\n').some((line) => line.trim() === 'web') && text;
    }, 20000, 100);
    expect(screen).toContain('hostname');

    await page.fill('article[data-objective="web-host"] input[name=answer]', 'ｗｅｂ'); // full-width input is normalised
    await page.click('article[data-objective="web-host"] button[type=submit]');
    await waitFor('the score changed', async () => (await page.locator('#score').innerText()) === '100', 15000, 100);
    expect(await page.locator('article[data-objective="web-host"]').getAttribute('class')).toContain('met');

    await page.click('#lang');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('#check-now').innerText()).toBe('Check now');
    await page.screenshot({ path: path.join(ARTIFACTS, 'trainee-console.png'), fullPage: true });

    // Live: the board got the answer over SSE, without a reload.
    await waitFor('the board shows the new score', async () => (await teamRow.locator('td.score').innerText()) === '100', 15000, 100);
    expect(await teamRow.locator('td.progress').innerText()).toMatch(/検知 1\/1/); // detect: 1 of 1 met

    // Per team: the timeline holds the command typed; watching the terminal shows the team's output live.
    await teamRow.locator('button').click();
    await waitFor('the command in the timeline', async () => (await board.locator('#timeline li.command').allInnerTexts()).some((t) => t.includes('hostname')), 15000, 200);
    await board.click('button.watch-node[data-node="web"]');
    // The watch is ready (the notice names the shell's user and the mode) or was refused (the notice says why).
    const notice = await waitFor('the watch ready', async () => {
      const text = await board.locator('#watch-notice').innerText();
      if (/エラー|Error/.test(text)) throw new Error(`watching refused: ${text}`);
      return text.includes('(watch)') && text;
    }, 20000, 100);
    expect(notice).toContain('@web');
    // Live: what the team types next reaches the watcher.
    await terminal.click();
    await page.keyboard.type('echo watched-$((6*7))');
    await page.keyboard.press('Enter');
    await waitFor('the watcher sees the live output', async () => (await screenText(board, '#watch')).includes('watched-42'), 20000, 100);
    await board.screenshot({ path: path.join(ARTIFACTS, 'instructor-console.png'), fullPage: true });

    expect(problems).toEqual([]);
  });
});
