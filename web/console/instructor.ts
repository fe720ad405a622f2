import '@xterm/xterm/css/xterm.css';
import './console.css';
import { api, ApiError, logout, openStream, session, type StreamEvent } from './api.js';
import { byId, h, scenarioTime, show, wallTime } from './dom.js';
import { lang, onLanguageChange, setLanguage, t, translatePage, type TextKey } from './i18n.js';
import { enterConsole, handleLogin } from './login.js';
import { openTerminal, type OpenTerminal, type TerminalControl } from './terminal.js';

interface Clock {
  state: string;
  speed: number;
  scenarioMs: number;
}
interface TeamRow {
  rangeId: string;
  teamId: string;
  teamName: string | null;
  rangeStatus: string;
  rangeProblem: string | null;
  score: number;
  progress: Array<{ phase: string; met: number; total: number; points: number }>;
  metrics: { timeToDetectSeconds?: number | null; timeToContainSeconds?: number | null; timeToRecoverSeconds?: number | null };
  lastEvent: { at: string; kind: string; summary: string } | null;
}
interface Board {
  sessionId: string;
  clock: Clock | null;
  teams: TeamRow[];
}
interface TimelineEntry {
  at: string;
  scenarioMs: number | null;
  kind: string;
  type: string;
  ref: string | null;
  points: number;
  summary: string;
}
interface Report {
  id: string;
  objectiveId: string;
  submittedBy: string;
  submittedAt: string;
  content: Record<string, unknown>;
  iocResults: Record<string, boolean>;
  autoPoints: number;
  rubricPoints: number | null;
  gradedBy: string | null;
}

const STORAGE_SESSION = 'cyder.instructor.session';

const state = {
  sessionId: null as string | null,
  board: null as Board | null,
  boardAt: 0,
  team: null as TeamRow | null,
  stream: null as { stop: () => void } | null,
  watching: null as OpenTerminal | null,
  refreshTimer: 0,
};

const errorText = (err: unknown) => (err instanceof ApiError ? `${t('error')} ${err.status}: ${err.message}` : `${t('error')}: ${(err as Error).message}`);
const seconds = (value: number | null | undefined) => (typeof value === 'number' ? scenarioTime(value * 1000) : '-');

// ---- login ---------------------------------------------------------------------------------------

async function start(): Promise<void> {
  const me = await enterConsole<{ principal: { displayName: string; role: string } }>();
  if (!me) return;
  byId('who').textContent = `${me.principal.displayName} (${me.principal.role})`;
  if (me.principal.role === 'operator') {
    // Operators may pick from every session; instructors type (or bookmark) the id of theirs.
    try {
      const page = await api<{ items: Array<{ id: string; courseCode: string; startsAt: string }> }>('GET', '/sessions?pageSize=100');
      byId('sessions').replaceChildren(...page.items.map((s) => h('option', { value: s.id }, `${s.courseCode} ${s.startsAt}`)));
    } catch {
      // The list is a convenience only.
    }
  }
  const wanted = new URLSearchParams(location.search).get('session') ?? localStorage.getItem(STORAGE_SESSION);
  if (wanted) {
    byId<HTMLInputElement>('session-id').value = wanted;
    await openSession(wanted);
  }
}

// ---- the session ---------------------------------------------------------------------------------

async function openSession(sessionId: string): Promise<void> {
  state.stream?.stop();
  state.sessionId = sessionId;
  state.team = null;
  show(byId('team-view'), false);
  try {
    await loadBoard();
    byId('session-error').textContent = '';
    localStorage.setItem(STORAGE_SESSION, sessionId);
    show(byId('session-view'), true);
  } catch (err) {
    byId('session-error').textContent = errorText(err);
    show(byId('session-view'), false);
    return;
  }
  state.stream = openStream(`/sessions/${sessionId}/stream`, onStreamEvent, () => scheduleRefresh());
}

async function loadBoard(): Promise<void> {
  state.board = await api<Board>('GET', `/sessions/${state.sessionId}/board`);
  state.boardAt = Date.now();
  renderBoard();
}

function scheduleRefresh(): void {
  // Events come in bursts (a pass meets several objectives): one reload for the burst.
  window.clearTimeout(state.refreshTimer);
  state.refreshTimer = window.setTimeout(() => {
    void loadBoard().catch((err) => (byId('session-error').textContent = errorText(err)));
    if (state.team) void loadTeam();
  }, 300);
}

function onStreamEvent(event: StreamEvent): void {
  const team = state.board?.teams.find((r) => r.teamId === event.payload.teamId || r.rangeId === event.payload.rangeId);
  const data = event.payload.data ?? {};
  const detail = ['objectiveId', 'stepId', 'state', 'text', 'status', 'points'].filter((k) => data[k] !== undefined).map((k) => `${k}=${String(data[k])}`).join(' ');
  byId('live').prepend(h('li', {}, h('time', {}, event.payload.at ? wallTime(event.payload.at) : ''), ' ', h('strong', {}, event.type), ' ', team?.teamName ?? '', ' ', detail));
  scheduleRefresh();
}

function renderBoard(): void {
  const board = state.board;
  if (!board) return;
  renderClock();
  const body = byId('board').querySelector('tbody')!;
  body.replaceChildren(
    ...board.teams.map((row) =>
      h(
        'tr',
        { 'data-team': row.teamId, className: state.team?.teamId === row.teamId ? 'selected' : '' },
        h('td', {}, row.teamName ?? row.teamId),
        h('td', { className: 'score' }, row.score),
        h('td', { className: 'progress' }, ...row.progress.map((p) => h('span', { title: `${p.points} ${t('points')}` }, `${t(`phase.${p.phase}` as TextKey)} ${p.met}/${p.total}`))),
        h('td', {}, `${t('metrics.ttd')} ${seconds(row.metrics.timeToDetectSeconds)} · ${t('metrics.ttc')} ${seconds(row.metrics.timeToContainSeconds)} · ${t('metrics.ttr')} ${seconds(row.metrics.timeToRecoverSeconds)}`),
        h('td', { className: row.rangeStatus === 'ready' ? 'ok' : 'error' }, row.rangeStatus, row.rangeProblem ? ` (${row.rangeProblem})` : ''),
        h('td', {}, row.lastEvent ? `${wallTime(row.lastEvent.at)} ${row.lastEvent.summary}` : '-'),
        h('td', {}, h('button', { type: 'button', onclick: () => void selectTeam(row) }, t('board.details'))),
      ),
    ),
  );
  const select = byId<HTMLSelectElement>('message-team');
  const chosen = select.value;
  select.replaceChildren(h('option', { value: '' }, t('message.allTeams')), ...board.teams.map((row) => h('option', { value: row.teamId }, row.teamName ?? row.teamId)));
  select.value = chosen;
}

function renderClock(): void {
  const clock = state.board?.clock;
  byId('clock-state').textContent = clock ? `(${t(`clock.${clock.state}` as TextKey)}${clock.speed !== 1 ? ` ×${clock.speed}` : ''})` : `(${t('clock.idle')})`;
  tickClock();
}

function tickClock(): void {
  const clock = state.board?.clock;
  byId('clock').textContent = clock ? scenarioTime(clock.scenarioMs + (clock.state === 'running' ? (Date.now() - state.boardAt) * clock.speed : 0)) : '-';
}

async function clockAction(action: string, speed?: number): Promise<void> {
  try {
    await api('POST', `/sessions/${state.sessionId}/scenario`, speed === undefined ? { action } : { action, speed });
    byId('controls-error').textContent = '';
    await loadBoard();
  } catch (err) {
    byId('controls-error').textContent = errorText(err);
  }
}

async function sendMessage(event: Event): Promise<void> {
  event.preventDefault();
  const teamId = byId<HTMLSelectElement>('message-team').value;
  try {
    await api('POST', `/sessions/${state.sessionId}/messages`, teamId ? { text: byId<HTMLInputElement>('message-text').value, teamId } : { text: byId<HTMLInputElement>('message-text').value });
    byId<HTMLInputElement>('message-text').value = '';
    byId('controls-error').textContent = '';
  } catch (err) {
    byId('controls-error').textContent = errorText(err);
  }
}

// ---- one team ------------------------------------------------------------------------------------

async function selectTeam(row: TeamRow): Promise<void> {
  if (state.team?.rangeId !== row.rangeId) stopWatching();
  state.team = row;
  byId('team-title').textContent = row.teamName ?? row.teamId;
  show(byId('team-view'), true);
  renderBoard();
  await loadTeam();
  try {
    const range = await api<{ nodes: Array<{ name: string }> }>('GET', `/ranges/${row.rangeId}`);
    byId('watch-nodes').replaceChildren(...range.nodes.map((n) => h('button', { type: 'button', className: 'watch-node', 'data-node': n.name, onclick: () => void watch(n.name) }, `${t('terminal.watch')}: ${n.name}`)));
  } catch (err) {
    byId('watch-notice').textContent = errorText(err);
  }
}

async function loadTeam(): Promise<void> {
  const team = state.team;
  if (!team) return;
  try {
    const timeline = await api<TimelineEntry[]>('GET', `/ranges/${team.rangeId}/timeline`);
    byId('timeline').replaceChildren(
      ...timeline
        .slice()
        .reverse()
        .map((e) =>
          h(
            'li',
            { className: e.kind },
            h('time', {}, `${wallTime(e.at)}${e.scenarioMs !== null ? ` [${scenarioTime(e.scenarioMs)}]` : ''}`),
            ' ',
            h('strong', {}, e.kind),
            ' ',
            e.summary,
            e.points ? ` (${e.points > 0 ? '+' : ''}${e.points})` : '',
          ),
        ),
    );
    const reportIds = [...new Set(timeline.filter((e) => e.kind === 'report' && e.ref).map((e) => e.ref!))];
    const reports = await Promise.all(reportIds.map((id) => api<Report>('GET', `/reports/${id}`)));
    byId('reports').replaceChildren(...(reports.length ? reports.map(renderReport) : [h('p', {}, t('reports.none'))]));
  } catch (err) {
    byId('timeline').replaceChildren(h('li', { className: 'error' }, errorText(err)));
  }
}

function renderReport(report: Report): HTMLElement {
  const points = h('input', { type: 'number', min: 0, max: 100000, required: true, value: report.rubricPoints ?? '' });
  const comment = h('input', { maxlength: 5000, placeholder: t('grade.comment') });
  const result = h('p', { role: 'status' });
  const form = h(
    'form',
    {
      className: 'controls',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void api<{ rubricPoints: number; maxRubricPoints: number }>('POST', `/reports/${report.id}/grade`, { points: Number(points.value), ...(comment.value ? { comment: comment.value } : {}) })
          .then((r) => {
            result.textContent = `${r.rubricPoints} / ${r.maxRubricPoints}`;
            scheduleRefresh();
          })
          .catch((err) => (result.textContent = errorText(err)));
      },
    },
    h('label', {}, h('span', {}, t('grade.points')), points),
    comment,
    h('button', { type: 'submit' }, t('grade.submit')),
  );
  const iocs = Object.entries(report.iocResults).map(([id, ok]) => `${ok ? '✓' : '✗'} ${id}`).join('  ');
  return h(
    'article',
    { className: 'objective', 'data-report': report.id },
    h('header', {}, h('strong', {}, report.objectiveId), ' ', wallTime(report.submittedAt), ' ', `IOC ${report.autoPoints}`, ' ', report.rubricPoints !== null ? `· ${t('grade.points')} ${report.rubricPoints}` : `· ${t('grade.awaiting')}`),
    iocs ? h('p', {}, iocs) : null,
    h('pre', { className: 'report' }, JSON.stringify(report.content, null, 2)),
    form,
    result,
  );
}

async function addNote(event: Event): Promise<void> {
  event.preventDefault();
  if (!state.team) return;
  const text = byId<HTMLTextAreaElement>('note-text');
  try {
    await api('POST', `/ranges/${state.team.rangeId}/notes`, { text: text.value });
    text.value = '';
    await loadTeam();
  } catch (err) {
    byId('watch-notice').textContent = errorText(err);
  }
}

// ---- watching a terminal -------------------------------------------------------------------------

function stopWatching(): void {
  state.watching?.close();
  state.watching = null;
  byId('watch').replaceChildren();
  show(byId('takeover'), false);
  show(byId('release'), false);
}

async function watch(node: string): Promise<void> {
  if (!state.team) return;
  stopWatching();
  const host = h('div', { className: 'terminal', 'data-node': node });
  byId('watch').append(host);
  const notice = byId('watch-notice');
  const onControl = (control: TerminalControl) => {
    if (control.type === 'ready') notice.textContent = `${node}: ${control.user}@${control.node} (${control.mode})`;
    if (control.type === 'closed') notice.textContent = `${node}: ${t('terminal.closed')} (${control.message})`;
    if (control.type === 'takeover') notice.textContent = `${node}: ${t('terminal.takeover')} (${control.by})`;
    if (control.type === 'released') notice.textContent = `${node}: ${t('terminal.released')}`;
  };
  try {
    state.watching = await openTerminal(host, state.team.rangeId, node, 'watch', onControl);
    show(byId('takeover'), true);
    show(byId('release'), true);
  } catch (err) {
    host.remove();
    notice.textContent = `${node}: ${errorText(err)}`;
  }
}

// ---- page ----------------------------------------------------------------------------------------

function init(): void {
  translatePage();
  byId('lang').textContent = t('lang.switch');
  byId('lang').addEventListener('click', () => setLanguage(lang() === 'ja' ? 'en' : 'ja'));
  onLanguageChange(() => {
    byId('lang').textContent = t('lang.switch');
    renderBoard();
  });
  handleLogin('/auth/login', { email: 'email', password: 'password' }, 'password', start);
  byId('logout').addEventListener('click', () => void logout());
  byId('session-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void openSession(byId<HTMLInputElement>('session-id').value.trim());
  });
  for (const button of document.querySelectorAll<HTMLButtonElement>('.clock-action')) button.addEventListener('click', () => void clockAction(button.dataset.action!));
  byId('set-speed').addEventListener('click', () => void clockAction('speed', Number(byId<HTMLInputElement>('speed').value)));
  byId('message-form').addEventListener('submit', (e) => void sendMessage(e));
  byId('note-form').addEventListener('submit', (e) => void addNote(e));
  byId('takeover').addEventListener('click', () => state.watching?.send({ type: 'takeover' }));
  byId('release').addEventListener('click', () => state.watching?.send({ type: 'release' }));
  window.addEventListener('resize', () => state.watching?.fit());
  setInterval(tickClock, 1000);
  if (session.token()) void start();
}

init();
