import '@xterm/xterm/css/xterm.css';
import './console.css';
import { api, ApiError, logout, openStream, session, type StreamEvent } from './api.js';
import { byId, h, scenarioTime, show, wallTime } from './dom.js';
import { lang, localized, onLanguageChange, setLanguage, t, translatePage, type TextKey } from './i18n.js';
import { enterConsole, handleLogin } from './login.js';
import { openTerminal, type OpenTerminal, type TerminalControl } from './terminal.js';

interface Me {
  principal: { displayName: string; role: string };
  enrolment?: { teamName: string; rangeId: string | null; sessionId: string };
}
interface RangeNode {
  name: string;
  role: string;
  addresses: Record<string, string>;
  health: string;
  shell: boolean;
}
interface TraineeRange {
  id: string;
  status: string;
  nodes: RangeNode[];
}
interface Localized {
  ja: string;
  en: string;
}
interface Objective {
  id: string;
  phase: string;
  kind: 'answer' | 'check' | 'report';
  title: Localized;
  description?: Localized;
  points: number;
  met: boolean;
  pointsEarned: number;
  attemptsLeft: number | null;
  hintsTaken: Array<{ index: number; text: Localized; cost: number }>;
  hintsLeft: number;
  nextHintCost: number | null;
  check?: { holds?: boolean };
  reportSubmitted?: boolean;
}
interface Standing {
  score: number;
  clock: { state: string; speed: number; scenarioMs: number } | null;
}

const PHASES = ['detect', 'analyze', 'contain', 'eradicate', 'recover', 'report'] as const;

const state = {
  rangeId: null as string | null,
  range: null as TraineeRange | null,
  objectives: [] as Objective[],
  standing: null as Standing | null,
  standingAt: 0,
  terminals: new Map<string, { open: OpenTerminal; panel: HTMLElement; tab: HTMLElement }>(),
  activeNode: null as string | null,
  stream: null as { stop: () => void } | null,
  /** Answers typed but not sent survive a re-render (the stream re-renders the objectives). */
  drafts: new Map<string, string>(),
  /** The last answer's outcome per objective: a text key (shown in the current language) and a detail. */
  feedback: new Map<string, { ok: boolean; key: TextKey | null; detail: string }>(),
};

function errorText(err: unknown): string {
  return err instanceof ApiError ? `${t('error')} ${err.status}: ${err.message}` : `${t('error')}: ${(err as Error).message}`;
}

// ---- login ---------------------------------------------------------------------------------------

// ---- loading -------------------------------------------------------------------------------------

async function start(): Promise<void> {
  const me = await enterConsole<Me>();
  if (!me) return;
  byId('team-name').textContent = me.enrolment?.teamName ?? '-';
  state.rangeId = me.enrolment?.rangeId ?? null;
  if (!state.rangeId) {
    byId('range-status').textContent = t('range.none');
    return;
  }
  await Promise.all([loadRange(), loadObjectives(), loadStanding()]);
  state.stream = openStream('/trainee/stream', onStreamEvent, () => void Promise.all([loadStanding(), loadObjectives()]));
}

async function loadRange(): Promise<void> {
  state.range = await api<TraineeRange>('GET', `/ranges/${state.rangeId}`);
  renderRange();
}

async function loadObjectives(): Promise<void> {
  try {
    state.objectives = await api<Objective[]>('GET', `/ranges/${state.rangeId}/objectives`);
    byId('objectives-error').textContent = '';
  } catch (err) {
    byId('objectives-error').textContent = errorText(err);
  }
  renderObjectives();
}

async function loadStanding(): Promise<void> {
  try {
    state.standing = await api<Standing>('GET', `/ranges/${state.rangeId}/standing`);
    state.standingAt = Date.now();
  } catch {
    // Shown again on the next event.
  }
  renderStanding();
}

// ---- the stream ----------------------------------------------------------------------------------

function onStreamEvent(event: StreamEvent): void {
  const data = event.payload.data ?? {};
  switch (event.type) {
    case 'clock':
      addLog(t('event.clock'), `${t(`clock.${String(data.state)}` as TextKey) ?? data.state} ×${String(data.speed)}`, event.payload.at);
      void loadStanding();
      break;
    case 'message':
      addLog(String(data.from ?? ''), String(data.text ?? ''), event.payload.at, true);
      break;
    case 'objective-met':
      addLog(t('event.met'), titleOf(String(data.objectiveId)), event.payload.at);
      void Promise.all([loadStanding(), loadObjectives()]);
      break;
    case 'attack-step':
      addLog(t('event.attack'), localized(data.title as Localized), event.payload.at);
      break;
    case 'score':
      void loadStanding();
      break;
  }
}

function titleOf(objectiveId: string): string {
  const objective = state.objectives.find((o) => o.id === objectiveId);
  return objective ? localized(objective.title) : objectiveId;
}

function addLog(who: string, text: string, at: string | undefined, message = false): void {
  const list = byId('messages');
  list.prepend(h('li', { className: message ? 'message' : 'event' }, h('time', {}, at ? wallTime(at) : ''), ' ', h('strong', {}, who), ' ', text));
}

// ---- rendering -----------------------------------------------------------------------------------

function renderStanding(): void {
  const standing = state.standing;
  byId('score').textContent = String(standing?.score ?? 0);
  const clock = standing?.clock;
  byId('clock-state').textContent = clock ? `(${t(`clock.${clock.state}` as TextKey) ?? clock.state}${clock.speed !== 1 ? ` ×${clock.speed}` : ''})` : `(${t('clock.idle')})`;
  tickClock();
}

function tickClock(): void {
  const clock = state.standing?.clock;
  if (!clock) {
    byId('clock').textContent = '-';
    return;
  }
  const elapsed = clock.state === 'running' ? (Date.now() - state.standingAt) * clock.speed : 0;
  byId('clock').textContent = scenarioTime(clock.scenarioMs + elapsed);
}

function renderRange(): void {
  const range = state.range;
  if (!range) return;
  byId('range-status').textContent = range.status;
  const body = byId('nodes').querySelector('tbody')!;
  body.replaceChildren(
    ...range.nodes.map((node) =>
      h(
        'tr',
        { 'data-node': node.name },
        h('td', {}, node.name),
        h('td', {}, node.role),
        h('td', {}, Object.entries(node.addresses).map(([net, addr]) => `${net}: ${addr}`).join(', ')),
        h('td', { className: `health-${node.health}` }, node.health),
        h('td', {}, node.shell ? h('button', { type: 'button', className: 'open-terminal', 'data-node': node.name, onclick: () => void showTerminal(node.name) }, t('terminal.open')) : '-'),
      ),
    ),
  );
}

function renderObjectives(): void {
  const container = byId('objectives');
  const blocks: HTMLElement[] = [];
  for (const phase of PHASES) {
    const inPhase = state.objectives.filter((o) => o.phase === phase);
    if (!inPhase.length) continue;
    blocks.push(h('section', { className: 'phase', 'data-phase': phase }, h('h3', {}, t(`phase.${phase}` as TextKey)), ...inPhase.map(renderObjective)));
  }
  container.replaceChildren(...blocks);
  const report = state.objectives.find((o) => o.kind === 'report' && !o.reportSubmitted && !o.met);
  show(byId('report-card'), Boolean(report));
}

function renderObjective(o: Objective): HTMLElement {
  const feedback = state.feedback.get(o.id);
  const item = h(
    'article',
    { className: `objective ${o.met ? 'met' : ''}`, 'data-objective': o.id },
    h('header', {}, h('strong', {}, localized(o.title)), ' ', h('span', { className: 'points' }, `${o.pointsEarned} / ${o.points} ${t('points')}`), ' ', h('span', { className: `badge ${o.met ? 'ok' : ''}` }, o.met ? t('met') : t('not-met'))),
    o.description ? h('p', {}, localized(o.description)) : null,
  );
  if (o.kind === 'answer' && !o.met) {
    const input = h('input', { name: 'answer', placeholder: t('answer.placeholder'), maxlength: 500, value: state.drafts.get(o.id) ?? '', autocomplete: 'off', spellcheck: 'false' });
    input.addEventListener('input', () => state.drafts.set(o.id, input.value));
    const form = h(
      'form',
      { className: 'answer', onsubmit: (event: Event) => void submitAnswer(event, o, input) },
      input,
      h('button', { type: 'submit', disabled: o.attemptsLeft === 0 }, t('answer.submit')),
      h('span', { className: 'attempts' }, `${t('answer.attemptsLeft')}: ${o.attemptsLeft ?? '∞'}`),
    );
    item.append(form);
  }
  if (o.kind === 'check') item.append(h('p', { className: 'check' }, o.check?.holds ? t('check.holds') : t('check.notHolds')));
  if (o.kind === 'report' && o.reportSubmitted) item.append(h('p', {}, t('report.submitted')));
  if (feedback) item.append(h('p', { className: feedback.ok ? 'ok' : 'error', role: 'status' }, feedback.key ? `${t(feedback.key)} ` : '', feedback.detail));
  if (o.hintsTaken.length) item.append(h('ol', { className: 'hints' }, ...o.hintsTaken.map((hint) => h('li', {}, localized(hint.text), ` (−${hint.cost})`))));
  if (o.hintsLeft > 0 && !o.met) item.append(h('button', { type: 'button', className: 'hint', onclick: () => void takeHint(o) }, `${t('hint.take')} (${t('hint.cost')} ${o.nextHintCost ?? 0})`));
  return item;
}

// ---- actions -------------------------------------------------------------------------------------

async function submitAnswer(event: Event, o: Objective, input: HTMLInputElement): Promise<void> {
  event.preventDefault();
  try {
    const result = await api<{ correct: boolean; pointsAwarded: number; attemptsLeft: number }>('POST', `/ranges/${state.rangeId}/objectives/${o.id}/answers`, { value: input.value });
    state.feedback.set(o.id, { ok: result.correct, key: result.correct ? 'answer.correct' : 'answer.wrong', detail: `(${result.pointsAwarded >= 0 ? '+' : ''}${result.pointsAwarded})` });
    if (result.correct) state.drafts.delete(o.id);
  } catch (err) {
    state.feedback.set(o.id, { ok: false, key: null, detail: errorText(err) });
  }
  await Promise.all([loadObjectives(), loadStanding()]);
}

async function takeHint(o: Objective): Promise<void> {
  try {
    await api('POST', `/ranges/${state.rangeId}/objectives/${o.id}/hints`);
  } catch (err) {
    state.feedback.set(o.id, { ok: false, key: null, detail: errorText(err) });
  }
  await Promise.all([loadObjectives(), loadStanding()]);
}

async function checkNow(): Promise<void> {
  const button = byId<HTMLButtonElement>('check-now');
  button.disabled = true;
  try {
    const result = await api<{ objectives: Objective[] }>('POST', `/ranges/${state.rangeId}/check-now`);
    state.objectives = result.objectives;
    byId('objectives-error').textContent = '';
    renderObjectives();
    await loadStanding();
  } catch (err) {
    byId('objectives-error').textContent = errorText(err);
  } finally {
    button.disabled = false;
  }
}

// ---- the incident report -------------------------------------------------------------------------

function addTimelineRow(): void {
  byId('report-timeline').append(
    h('div', { className: 'row timeline-row' }, h('input', { name: 'at', placeholder: t('report.at'), 'data-i18n-placeholder': 'report.at', maxlength: 100 }), h('input', { name: 'event', placeholder: t('report.event'), 'data-i18n-placeholder': 'report.event', maxlength: 2000 })),
  );
}

function addSelfRow(): void {
  byId('report-self').append(
    h(
      'div',
      { className: 'row self-row' },
      h('input', { name: 'item', placeholder: t('report.item'), 'data-i18n-placeholder': 'report.item', maxlength: 500 }),
      h('select', { name: 'cause' }, h('option', { value: 'plan', 'data-i18n': 'report.cause.plan' }, t('report.cause.plan')), h('option', { value: 'do', 'data-i18n': 'report.cause.do' }, t('report.cause.do'))),
      h('input', { name: 'note', placeholder: t('report.note'), 'data-i18n-placeholder': 'report.note', maxlength: 2000 }),
    ),
  );
}

const lines = (id: string) =>
  byId<HTMLTextAreaElement>(id)
    .value.split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

async function submitReport(event: Event): Promise<void> {
  event.preventDefault();
  const objective = state.objectives.find((o) => o.kind === 'report' && !o.reportSubmitted && !o.met);
  if (!objective) return;
  const field = (row: Element, name: string) => (row.querySelector(`[name="${name}"]`) as HTMLInputElement).value.trim();
  const body = {
    timeline: [...byId('report-timeline').querySelectorAll('.timeline-row')].map((row) => ({ at: field(row, 'at'), event: field(row, 'event') })).filter((r) => r.event),
    impact: byId<HTMLTextAreaElement>('report-impact').value.trim(),
    iocs: lines('report-iocs'),
    actions: lines('report-actions'),
    recommendations: lines('report-recommendations'),
    selfAnalysis: [...byId('report-self').querySelectorAll('.self-row')]
      .map((row) => ({ item: field(row, 'item'), cause: field(row, 'cause') as 'plan' | 'do', note: field(row, 'note') || undefined }))
      .filter((r) => r.item),
  };
  try {
    const result = await api<{ autoPoints: number; wrongIocs: number }>('POST', `/ranges/${state.rangeId}/objectives/${objective.id}/report`, body);
    byId('report-error').textContent = '';
    byId('report-result').textContent = `${t('report.submitted')}. ${t('report.result')}: ${result.autoPoints}`;
  } catch (err) {
    byId('report-error').textContent = errorText(err);
  }
  await Promise.all([loadObjectives(), loadStanding()]);
}

// ---- terminals -----------------------------------------------------------------------------------

function activate(node: string): void {
  state.activeNode = node;
  for (const [name, entry] of state.terminals) {
    show(entry.panel, name === node);
    entry.tab.classList.toggle('active', name === node);
    entry.tab.setAttribute('aria-selected', String(name === node));
  }
  const active = state.terminals.get(node);
  if (active) {
    active.open.fit();
    active.open.terminal.focus();
  }
}

async function showTerminal(node: string): Promise<void> {
  if (state.terminals.has(node)) return activate(node);
  const notice = byId('terminal-notice');
  const panel = h('div', { className: 'terminal', 'data-node': node });
  const tab = h('button', { type: 'button', role: 'tab', className: 'tab', 'data-node': node, onclick: () => activate(node) }, node);
  const closeButton = h('button', { type: 'button', className: 'close', title: t('terminal.close'), onclick: (e: Event) => (e.stopPropagation(), closeTerminal(node)) }, '×');
  tab.append(' ', closeButton);
  byId('terminals').append(panel);
  byId('terminal-tabs').append(tab);
  const onControl = (control: TerminalControl) => {
    if (control.type === 'closed') notice.textContent = `${node}: ${t('terminal.closed')} (${control.message})`;
    if (control.type === 'takeover') notice.textContent = `${node}: ${t('terminal.takeover')} (${control.by})`;
    if (control.type === 'released') notice.textContent = `${node}: ${t('terminal.released')}`;
  };
  try {
    const open = await openTerminal(panel, state.rangeId!, node, 'shell', onControl);
    state.terminals.set(node, { open, panel, tab });
    open.socket.addEventListener('close', () => tab.classList.add('ended'));
    notice.textContent = '';
    activate(node);
  } catch (err) {
    panel.remove();
    tab.remove();
    notice.textContent = `${node}: ${errorText(err)}`;
  }
}

function closeTerminal(node: string): void {
  const entry = state.terminals.get(node);
  if (!entry) return;
  entry.open.close();
  entry.panel.remove();
  entry.tab.remove();
  state.terminals.delete(node);
  const next = state.terminals.keys().next();
  if (!next.done) activate(next.value);
}

// ---- page ----------------------------------------------------------------------------------------

function renderLanguage(): void {
  byId('lang').textContent = t('lang.switch');
  renderRange();
  renderObjectives();
  renderStanding();
}

function init(): void {
  translatePage();
  byId('lang').textContent = t('lang.switch');
  byId('lang').addEventListener('click', () => setLanguage(lang() === 'ja' ? 'en' : 'ja'));
  onLanguageChange(renderLanguage);
  handleLogin('/auth/trainee-login', { code: 'code' }, 'code', start);
  byId('logout').addEventListener('click', () => void logout());
  byId('check-now').addEventListener('click', () => void checkNow());
  byId('report-form').addEventListener('submit', (e) => void submitReport(e));
  byId('report-timeline-add').addEventListener('click', addTimelineRow);
  byId('report-self-add').addEventListener('click', addSelfRow);
  addTimelineRow();
  addSelfRow();
  window.addEventListener('resize', () => state.activeNode && state.terminals.get(state.activeNode)?.open.fit());
  setInterval(tickClock, 1000);
  if (session.token()) void start();
}

init();
