/**
 * The whole product on this machine, for a newcomer: `npm run demo`.
 *
 * It starts its own api and worker (own database, Redis prefix and Docker label
 * instance, all removed at the end), bootstraps the first operator (one-time
 * password, changed at first login), then, over the HTTP API with the
 * credentials of an operator, an instructor and two trainees (access codes):
 *   1. schedules a course A session, enrolls 8 trainees of two organisations,
 *      closes enrollment (two teams are formed);
 *   2. asks for the two teams' isolated ranges (the session's own life cycle
 *      takes it to provisioning, then ready when both ranges are);
 *   3. runs the scenario at 60x (starting the clock makes the session running);
 *   4. a scripted defender works in team 1 as a person would: through the
 *      trainee's web terminals (WebSocket, ticket from the API) it reads the
 *      log server's evidence and the web server's processes, finds the answers
 *      there, cleans the web server, then answers and reports through the
 *      trainee routes; nobody acts in team 2. The demo never reads the database;
 *   5. prints the instructor board;
 *   6. stops the clock: the session finishes by itself (final evaluation,
 *      frozen scores, archive) and its ranges go after the grace (10 s here).
 *   No session status is moved by hand after closing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { createThrowawayEnvironment, removeThrowawayEnvironment } from '@app/throwaway';
import { trainingDays } from '@app/scheduling';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const SPEED = 60;
/** The webapp's log line names the client as httpd saw it: `[::ffff:10.210.0.5]` (IPv4 over IPv6). */
const ATTACKER_IN_LOG = /ping request from \[?(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)\]?/;

const say = (line: string) => console.log(`[demo] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

async function main(): Promise<void> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/api/v1`;
  // The demo's own database (migrated and seeded), Redis prefix and Docker label instance.
  const environment = await createThrowawayEnvironment('demo', { seed: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: '',
    ...environment.settings,
    API_PORT: String(port),
    SCORING_EVALUATION_INTERVAL_MS: '1000',
    SESSION_TICK_INTERVAL_MS: '1000',
    SESSION_TEARDOWN_GRACE_SECONDS: '10',
    LOG_LEVEL: process.env.DEMO_VERBOSE ? 'debug' : 'error',
  };
  const children: ChildProcess[] = [];
  const runCapturing = (script: string, args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(ROOT, script), ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited ${code}`))));
    });
  /** A caller holding one credential (none for login). */
  const as =
    (token?: string) =>
    async (method: string, route: string, body?: unknown, expected = [200, 201, 202, 204]) => {
      const res = await fetch(`${base}${route}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!expected.includes(res.status)) throw new Error(`${method} ${route} -> ${res.status}: ${text}`);
      return text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    };
  /** First login with a one-time password, which must be changed before anything else. */
  const firstLogin = async (email: string, oneTimePassword: string) => {
    const login = await as()('POST', '/auth/login', { email, password: oneTimePassword });
    const changed = await as(login.token)('POST', '/auth/password', { currentPassword: oneTimePassword, newPassword: `demo-${process.pid}-${email}` });
    return as(changed.token);
  };

  try {
    say(`own database ${environment.databaseName}, Redis prefix ${env.REDIS_PREFIX}, Docker label instance ${env.INSTANCE_NAME}`);
    for (const entry of ['dist/apps/worker/src/main.js', 'dist/apps/api/src/main.js']) {
      children.push(spawn(process.execPath, [path.join(ROOT, entry)], { env, stdio: ['ignore', 'inherit', 'inherit'] }));
    }
    await waitFor('the API', async () => (await fetch(`${base}/health`)).status === 200, 60000);
    say(`API up at ${base} (docs: http://127.0.0.1:${port}/api/docs)`);
    const operatorEmail = `operator.${process.pid}@example.org`;
    const printed = await runCapturing('dist/libs/access/src/cli/bootstrap.js', ['--email', operatorEmail, '--name', 'Demo operator']);
    const oneTimePassword = /one-time password: (\S+)/.exec(printed)![1]!;
    const operator = await firstLogin(operatorEmail, oneTimePassword);
    say(`operator ${operatorEmail} bootstrapped (npm run access:bootstrap), logged in, one-time password changed`);
    const anonymous = await as()('GET', '/sessions', undefined, [401]);
    say(`without a credential: ${anonymous.statusCode} ${anonymous.message}`);

    // 1. Schedule a course A session in Tokyo, enroll two organisations' staff, close enrollment.
    const venues = await operator('GET', '/venues?prefecture=13&pageSize=10');
    const instructors = await operator('GET', '/instructors?course=A&pageSize=50');
    const instructor = (instructors.items ?? instructors).find((i: { courseCodes: string[] }) => i.courseCodes.includes('A'));
    const account = await operator('POST', '/users', { email: instructor.email, displayName: instructor.name, role: 'instructor', instructorId: instructor.id });
    const instructorCall = await firstLogin(instructor.email, account.oneTimePassword);
    say(`instructor ${instructor.name} has an account (one-time password from the operator, changed at first login)`);
    const day = nextWeekdayInJst();
    const session = await operator('POST', '/sessions', {
      courseCode: 'A',
      venueId: (venues.items ?? venues)[0].id,
      startsAt: new Date(`${day}T10:00:00+09:00`).toISOString(),
      endsAt: new Date(`${day}T17:00:00+09:00`).toISOString(),
      seats: 8,
      teamSize: 4,
      instructorIds: [instructor.id],
    });
    await operator('POST', `/sessions/${session.id}/transitions`, { status: 'open' });
    const city = await operator('POST', '/organisations', { name: `Minato City Office (demo ${process.pid})`, typeCode: 'local_government' });
    const agency = await operator('POST', '/organisations', { name: `Coastal Water Works (demo ${process.pid})`, typeCode: 'critical_infrastructure_operator' });
    for (let i = 1; i <= 8; i++) {
      const organisationId = i <= 4 ? city.id : agency.id;
      const trainee = await operator('POST', '/trainees', { name: `Trainee ${i}`, email: `trainee${i}.${process.pid}@example.org`, organisationId });
      await operator('POST', `/sessions/${session.id}/enrollments`, { traineeId: trainee.id });
    }
    await operator('POST', `/sessions/${session.id}/transitions`, { status: 'closed' });
    const teams: Array<{ id: string; name: string }> = await instructorCall('GET', `/sessions/${session.id}/teams`);
    say(`session ${session.id} (course A, ${day}) closed with teams: ${teams.map((t) => t.name).join(', ')}`);

    // Access codes for the venue (one per trainee, shown once; a CSV to print), and two trainees log in.
    const sheet: { codes: Array<{ traineeName: string; teamId: string; code: string }> } = await operator('POST', `/sessions/${session.id}/access-codes`);
    say(`${sheet.codes.length} access codes issued (e.g. ${sheet.codes[0]!.code.replace(/[^-]/g, 'X')}); they expire at the session's end`);
    const codeOf = (teamId: string) => sheet.codes.find((c) => c.teamId === teamId)!;
    const trainee1 = as((await as()('POST', '/auth/trainee-login', { code: codeOf(teams[0]!.id).code })).token);
    const trainee2 = as((await as()('POST', '/auth/trainee-login', { code: codeOf(teams[1]!.id).code })).token);
    say(`${codeOf(teams[0]!.id).traineeName} (${teams[0]!.name}) and ${codeOf(teams[1]!.id).traineeName} (${teams[1]!.name}) logged in with their codes`);

    // 2. Ask for one isolated range per team (course A's template); the session follows its ranges.
    const started = Date.now();
    await operator('POST', `/sessions/${session.id}/ranges`, {}); // the session's own teams and its course's template
    const ready = await waitFor('the session to be ready', async () => {
      const day = await operator('GET', `/sessions/${session.id}/day`);
      if (day.status === 'closed' && day.statusReason) throw new Error(`provisioning failed: ${day.statusReason}`);
      return day.status === 'ready' ? day : undefined;
    }, 180000);
    say(`session ready (both ranges ready: ${ready.ranges.ready}/${ready.ranges.total}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);


    // What each trainee sees: their own range (only the nodes the template shows them), never the other team's.
    const me1 = await trainee1('GET', '/auth/me');
    const me2 = await trainee2('GET', '/auth/me');
    const own = await trainee1('GET', `/ranges/${me1.enrolment.rangeId}`);
    say(`${teams[0]!.name} sees its range's nodes: ${own.nodes.map((n: { name: string; role: string }) => `${n.name} (${n.role})`).join(', ')}`);
    const foreign = await trainee1('GET', `/ranges/${me2.enrolment.rangeId}`, undefined, [404]);
    say(`${teams[0]!.name} asking for ${teams[1]!.name}'s range: ${foreign.statusCode} "${foreign.message}" (as for an id that does not exist)`);

    // 3. The scenario at 60x: starting the clock makes the session running.
    await instructorCall('POST', `/sessions/${session.id}/scenario`, { action: 'start', speed: SPEED });
    await waitFor('the session to be running', async () => (await instructorCall('GET', `/sessions/${session.id}/day`)).status === 'running', 30000);
    say(`scenario started at ${SPEED}x, session running (course A's attack takes 20 minutes: 20 s here)`);

    // 4. Team 1 defends through its own terminals, as its trainees would; team 2 does nothing.
    const rangeOf = (teamId: string) => rangesOf.find((r) => r.teamId === teamId)!;
    const rangesOf: Array<{ id: string; teamId: string }> = (await instructorCall('GET', `/sessions/${session.id}/ranges`)).ranges;
    const defenderRange = me1.enrolment.rangeId as string;
    const logs = await NodeShell.open(base, trainee1, defenderRange, 'logserver');
    const web = await NodeShell.open(base, trainee1, defenderRange, 'web');
    say(`${teams[0]!.name}: terminals open on logserver (as ${logs.user}) and web (as ${web.user}), through the API's WebSocket`);
    // The implant shows in the web server's process list once it is dropped.
    // (while it is being downloaded, the only line is wget's: wait for the running implant)
    const IMPLANT = /sh (\/tmp\/\.cache\/\S+) (\S+) (\d+)/;
    const implantLine = await waitFor('the implant in ps', async () => (await web.run("ps -o args | grep '[/]tmp/[.]cache/'")).split('\n').find((l) => IMPLANT.test(l)), 90000, 1000);
    const [, implantPath, c2Domain, c2Port] = IMPLANT.exec(implantLine)!;
    say(`${teams[0]!.name}: ps on web shows "${implantLine.trim().slice(0, 80)}"`);
    // The webapp logs every request of the network-check page; the injected ones carry a ';'.
    const injected = await waitFor('the injection in the log server\'s evidence', async () => {
      const line = (await logs.run("grep 'ping request from' /var/log/remote/all.log | grep ';' | tail -n 1")).trim();
      return ATTACKER_IN_LOG.test(line) ? line : undefined;
    }, 30000, 1000).catch(async (err) => {
      say(`the log server's last lines: ${await logs.run('tail -n 5 /var/log/remote/all.log; ls -la /var/log/remote/')}`);
      throw err;
    });
    const attackerIp = ATTACKER_IN_LOG.exec(injected)![1]!;
    say(`${teams[0]!.name}: the log server shows the injection: "${injected.slice(0, 100)}…"`);
    say(`${teams[0]!.name}: patching the CGI, killing and deleting the implant, clearing cron, restoring the page`);
    const implant = implantPath!.split('/').pop()!;
    // The hole first (no new injection lands after it), then the foothold; then check, as a careful
    // trainee would: a step that was already under way may have added its cron line meanwhile.
    await web.run(`sed -i 's/^eval .*/case "$host" in *[!0-9.]*) echo rejected ;; *) ping -c 1 -W 1 "$host" ;; esac/' /run/app/ping.sh`);
    for (let round = 1; ; round++) {
      for (const command of ['crontab -r', `pkill -f ${implant}`, `rm -rf /tmp/.cache /tmp/.${implant}.pid && cp /srv/www/index.html /run/www/index.html`]) {
        await web.run(command);
      }
      await sleep(2000);
      const left = (await web.run(`{ crontab -l; ps -o args; ls -a /tmp; } 2>/dev/null | grep '[${implant[0]}]${implant.slice(1)}\\|^[.]cache$'`)).trim();
      if (!left) break;
      if (round === 5) throw new Error(`the foothold keeps coming back: ${left}`);
      say(`${teams[0]!.name}: still there: ${left.replace(/\n/g, ' | ')}; cleaning again`);
    }
    // What the attacker was after: the customer-data file under /run/data (the exfiltration itself was blocked).
    const stolenFile = `/run/data/${(await web.run('ls /run/data')).trim().split(/\s+/)[0]}`;
    for (const [objective, value] of Object.entries({
      'attacker-address': attackerIp,
      'c2-domain': c2Domain!,
      'vulnerable-program': '/cgi-bin/ping',
      'implant-path': implantPath!,
      'stolen-file': stolenFile,
    })) {
      const answer = await trainee1('POST', `/ranges/${defenderRange}/objectives/${objective}/answers`, { value });
      say(`${teams[0]!.name}: answer ${objective} = ${value} -> ${answer.correct ? 'correct' : 'wrong'} (${answer.pointsAwarded} points)`);
    }
    logs.close();
    web.close();
    const report = await trainee1('POST', `/ranges/${defenderRange}/objectives/incident-report/report`, {
      timeline: [{ at: 'T+4m', event: 'command injection in /cgi-bin/ping' }, { at: 'T+7m', event: 'implant beaconing to C2' }],
      impact: 'Web server compromised; implant beaconing to C2.',
      iocs: [attackerIp, c2Domain, c2Port, implantPath, stolenFile.split('/').pop()],
      actions: ['patched the CGI', 'killed and deleted the implant', 'removed the cron entry', 'restored the page'],
      recommendations: ['validate input in CGI scripts', 'filter egress traffic'],
      selfAnalysis: [{ item: 'late detection', cause: 'do' }],
    });
    await instructorCall('POST', `/reports/${report.reportId}/grade`, { points: 120, rubric: { timeline: 30, impact: 30, actions: 30, recommendations: 30 } });
    say(`${teams[0]!.name}: report submitted (IOC points ${report.autoPoints}) and graded by the instructor (120)`);
    const commands = (await instructorCall('GET', `/ranges/${defenderRange}/timeline`)).filter((e: { kind: string }) => e.kind === 'command');
    say(`the instructor's timeline of ${teams[0]!.name} holds the ${commands.length} command lines its trainee typed`);

    const template = await instructorCall('GET', `/templates/${ready.templateId ?? 'course-a'}`);
    const attackSteps: number = template.attackSteps;
    const stepsRun = async (rangeId: string) => new Set((await instructorCall('GET', `/ranges/${rangeId}/timeline`)).filter((e: { kind: string }) => e.kind === 'attack-step').map((e: { ref: string }) => e.ref)).size;
    await waitFor('the end of the attack in both ranges', async () => (await Promise.all(rangesOf.map((r) => stepsRun(r.id)))).every((n) => n >= attackSteps), 120000);
    await sleep(5000); // a few evaluations after the last step
    await instructorCall('POST', `/sessions/${session.id}/scenario`, { action: 'stop' });

    // 5. The instructor board.
    const board = await instructorCall('GET', `/sessions/${session.id}/board`);
    printBoard(board, teams);
    const unmet = (await trainee1('GET', `/ranges/${defenderRange}/objectives`)).filter((o: { met: boolean }) => !o.met).map((o: { id: string }) => o.id);
    say(`${teams[0]!.name}'s own view of its objectives: ${unmet.length ? `not met: ${unmet.join(', ')}` : 'every one met'}`);
    // Fair scores: the team that did nothing has nothing, not points for objectives met before the attack.
    const idle = (board.teams as Array<{ teamId: string; score: number; metrics: Record<string, unknown> }>).find((t) => t.teamId === teams[1]!.id)!;
    const idleTimes = ['timeToDetectSeconds', 'timeToContainSeconds', 'timeToRecoverSeconds'].filter((k) => idle.metrics[k] !== null && idle.metrics[k] !== undefined);
    if (idle.score !== 0 || idleTimes.length) {
      throw new Error(`the idle team ${teams[1]!.name} scored ${idle.score} with ${idleTimes.join(', ') || 'no'} time metrics: scoring is unfair`);
    }
    say(`${teams[1]!.name} (idle): 0 points and no time metric, as it should be`);
    for (const team of teams) {
      const runs = (await instructorCall('GET', `/ranges/${rangeOf(team.id).id}/timeline`)).filter((e: { kind: string }) => e.kind === 'attack-step');
      say(`${team.name} attack steps: ${runs.map((x: { ref: string; type: string }) => `${x.ref} ${x.type}`).join(', ')}`);
      if (process.env.DEMO_VERBOSE) for (const x of runs) say(`  ${x.ref}: ${JSON.stringify(x.summary)}`);
    }

    // 6. The clock was stopped: the session finishes by itself, is archived, and its ranges go after the grace.
    const finished = await waitFor('the session to finish', async () => {
      const day = await instructorCall('GET', `/sessions/${session.id}/day`);
      return day.status === 'finished' && day.archivedAt ? day : undefined;
    }, 60000);
    say(`session finished at ${finished.archivedAt}; scores frozen and archived`);
    await waitFor('teardown', async () => (await operator('GET', `/sessions/${session.id}/ranges`)).ranges.every((r: { status: string }) => r.status === 'destroyed'), 60000);
    const archive = await instructorCall('GET', `/sessions/${session.id}/archive`);
    say(`ranges torn down; the archive still answers: ${archive.export.teams.map((t: { teamName: string; score: number }) => `${t.teamName} ${t.score}`).join(', ')}`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await removeThrowawayEnvironment(environment, { keepDatabase: !!process.env.DEMO_KEEP_DATABASE });
    say('demo database, Redis keys and Docker objects removed');
  }
}

/**
 * A trainee's terminal on one node, as the browser console opens it: a single-use ticket from the
 * API, then the WebSocket. `run` types a command line and returns what the shell printed for it.
 */
class NodeShell {
  private output = '';
  private count = 0;

  private constructor(
    private readonly ws: WebSocket,
    readonly user: string,
  ) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.output += data.toString('utf8');
    });
  }

  static async open(base: string, call: (method: string, route: string, body?: unknown) => Promise<any>, rangeId: string, node: string): Promise<NodeShell> {
    const ticket = await call('POST', `/ranges/${rangeId}/nodes/${node}/terminal-tickets`, { mode: 'shell' });
    const ws = new WebSocket(`${base.replace(/^http/, 'ws').replace(/\/api\/v1$/, '')}${ticket.path}`);
    const ready = await new Promise<{ user: string }>((resolve, reject) => {
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) return;
        const control = JSON.parse(data.toString('utf8'));
        if (control.type === 'ready') resolve(control);
        if (control.type === 'closed') reject(new Error(`terminal on ${node} closed: ${control.message}`));
      });
      ws.on('error', reject);
    });
    const shell = new NodeShell(ws, ready.user);
    ws.send(JSON.stringify({ type: 'resize', cols: 200, rows: 50 }));
    return shell;
  }

  /** Types `command`; the end marker is computed by the shell, so the echoed line never matches it. */
  async run(command: string): Promise<string> {
    const n = ++this.count;
    const start = this.output.length;
    this.ws.send(`${command}; echo "@@end-$((${n}+0))@@"\r`);
    const marker = `@@end-${n}@@`;
    const text = await waitFor(`the shell's answer to "${command.slice(0, 40)}"`, async () => {
      const seen = this.output.slice(start);
      const at = seen.lastIndexOf(marker);
      return at >= 0 ? seen.slice(0, at) : undefined;
    }, 20000, 50);
    // Drop what came before the echo of the typed line (the last prompt), the echo itself, and the
    // terminal's escape sequences.
    const echoed = text.indexOf(`$((${n}+0))`);
    const afterEcho = text.slice(text.indexOf('\n', echoed) + 1);
    return afterEcho.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
  }

  close(): void {
    this.ws.close();
  }
}

function nextWeekdayInJst(): string {
  // Course A runs July - February: the first training day (a weekday, no national holiday, not the
  // year-end break) a month ahead in those months, so the hand-made session obeys the calendar.
  return trainingDays(new Date(Date.now() + 30 * 86400_000), 1, [7, 8, 9, 10, 11, 12, 1, 2])[0];
}

function printBoard(
  board: { teams: Array<{ teamId: string; score: number; maxScore: number; rangeStatus: string; progress: Array<{ phase: string; met: number; total: number }>; metrics: Record<string, unknown> }> },
  teams: Array<{ id: string; name: string }>,
): void {
  const header = ['team', 'score/max', ...board.teams[0]!.progress.map((p) => p.phase), 'detect(s)', 'contain(s)', 'recover(s)', 'blocked', 'range'];
  const rows = board.teams.map((t) => [
    teams.find((x) => x.id === t.teamId)?.name ?? t.teamId.slice(0, 8),
    `${t.score}/${t.maxScore}`,
    ...t.progress.map((p) => `${p.met}/${p.total}`),
    String(t.metrics.timeToDetectSeconds ?? '-'),
    String(t.metrics.timeToContainSeconds ?? '-'),
    String(t.metrics.timeToRecoverSeconds ?? '-'),
    String(t.metrics.stepsBlocked),
    t.rangeStatus,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log('\nInstructor board (times are scenario seconds from the first attack step):\n');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log('');
}

main().catch((err) => {
  console.error(`[demo] failed: ${(err as Error).message}`);
  process.exit(1);
});
