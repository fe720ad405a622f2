/** The consoles' texts in Japanese (CYDER's default) and English; the choice is kept in the browser. */
export type Lang = 'ja' | 'en';

const TEXTS = {
  'app.trainee': { ja: 'CYDER 演習コンソール', en: 'CYDER exercise console' },
  'app.instructor': { ja: 'CYDER 講師コンソール', en: 'CYDER instructor console' },
  'lang.switch': { ja: 'English', en: '日本語' },
  'login.code': { ja: 'アクセスコード', en: 'Access code' },
  'login.email': { ja: 'メールアドレス', en: 'E-mail' },
  'login.password': { ja: 'パスワード', en: 'Password' },
  'login.submit': { ja: 'ログイン', en: 'Log in' },
  'login.failed': { ja: 'ログインできませんでした', en: 'Login failed' },
  logout: { ja: 'ログアウト', en: 'Log out' },
  team: { ja: 'チーム', en: 'Team' },
  score: { ja: '得点', en: 'Score' },
  clock: { ja: 'シナリオ時刻', en: 'Scenario time' },
  'clock.idle': { ja: '未開始', en: 'not started' },
  'clock.running': { ja: '進行中', en: 'running' },
  'clock.paused': { ja: '一時停止', en: 'paused' },
  'clock.stopped': { ja: '終了', en: 'stopped' },
  range: { ja: '演習環境', en: 'Range' },
  'range.none': { ja: 'チームの演習環境はまだありません', en: 'Your team has no range yet' },
  'node.name': { ja: 'ノード', en: 'Node' },
  'node.role': { ja: '役割', en: 'Role' },
  'node.addresses': { ja: 'アドレス', en: 'Addresses' },
  'node.health': { ja: '状態', en: 'Health' },
  'node.terminal': { ja: '端末', en: 'Terminal' },
  'terminal.open': { ja: '端末を開く', en: 'Open terminal' },
  'terminal.close': { ja: '閉じる', en: 'Close' },
  'terminal.closed': { ja: '端末は閉じられました', en: 'The terminal was closed' },
  'terminal.takeover': { ja: '講師が操作中', en: 'An instructor has the keyboard' },
  'terminal.released': { ja: '操作が戻りました', en: 'The keyboard is yours again' },
  'terminal.watch': { ja: '端末を見る', en: 'Watch terminal' },
  'terminal.takeoverButton': { ja: '操作を引き継ぐ', en: 'Take over' },
  'terminal.releaseButton': { ja: '操作を返す', en: 'Release' },
  objectives: { ja: '課題', en: 'Objectives' },
  'phase.detect': { ja: '検知', en: 'Detect' },
  'phase.analyze': { ja: '分析', en: 'Analyze' },
  'phase.contain': { ja: '封じ込め', en: 'Contain' },
  'phase.eradicate': { ja: '根絶', en: 'Eradicate' },
  'phase.recover': { ja: '復旧', en: 'Recover' },
  'phase.report': { ja: '報告', en: 'Report' },
  points: { ja: '点', en: 'pts' },
  met: { ja: '達成', en: 'Met' },
  'not-met': { ja: '未達成', en: 'Not met' },
  'answer.placeholder': { ja: '回答を入力', en: 'Your answer' },
  'answer.submit': { ja: '回答する', en: 'Submit' },
  'answer.attemptsLeft': { ja: '残り回答回数', en: 'Attempts left' },
  'answer.correct': { ja: '正解です', en: 'Correct' },
  'answer.wrong': { ja: '不正解です', en: 'Wrong answer' },
  'hint.take': { ja: 'ヒントを見る', en: 'Take a hint' },
  'hint.cost': { ja: 'コスト', en: 'cost' },
  'check.holds': { ja: '条件を満たしています', en: 'The check holds' },
  'check.notHolds': { ja: '条件を満たしていません', en: 'The check does not hold' },
  'check.now': { ja: '今すぐ確認', en: 'Check now' },
  'report.open': { ja: 'インシデント報告書を書く', en: 'Write the incident report' },
  'report.submitted': { ja: '報告書は提出済みです', en: 'The report was submitted' },
  'report.timeline': { ja: 'タイムライン', en: 'Timeline' },
  'report.at': { ja: '時刻', en: 'When' },
  'report.event': { ja: '出来事', en: 'What happened' },
  'report.addRow': { ja: '行を追加', en: 'Add a row' },
  'report.impact': { ja: '影響', en: 'Impact' },
  'report.iocs': { ja: 'IOC（1行に1つ）', en: 'IOCs (one per line)' },
  'report.actions': { ja: '実施した対応（1行に1つ）', en: 'Actions taken (one per line)' },
  'report.recommendations': { ja: '再発防止策（1行に1つ）', en: 'Recommendations (one per line)' },
  'report.selfAnalysis': { ja: '自己分析（できなかったこと：計画の問題か実行の問題か）', en: 'Self-analysis (what was missed: a Plan or a Do problem)' },
  'report.item': { ja: '項目', en: 'Item' },
  'report.cause': { ja: '原因', en: 'Cause' },
  'report.cause.plan': { ja: '計画 (Plan)', en: 'Plan' },
  'report.cause.do': { ja: '実行 (Do)', en: 'Do' },
  'report.note': { ja: 'メモ', en: 'Note' },
  'report.submit': { ja: '報告書を提出', en: 'Submit the report' },
  'report.result': { ja: 'IOC の得点', en: 'IOC points' },
  messages: { ja: 'お知らせ', en: 'Messages' },
  'messages.none': { ja: 'まだありません', en: 'None yet' },
  'event.attack': { ja: '攻撃', en: 'Attack' },
  'event.clock': { ja: '時計', en: 'Clock' },
  'event.met': { ja: '課題達成', en: 'Objective met' },
  from: { ja: '送信者', en: 'From' },
  session: { ja: 'セッション', en: 'Session' },
  'session.open': { ja: '表示', en: 'Show' },
  board: { ja: 'ボード', en: 'Board' },
  'board.progress': { ja: 'フェーズ別進捗', en: 'Progress by phase' },
  'board.metrics': { ja: '指標', en: 'Metrics' },
  'board.health': { ja: '環境', en: 'Range' },
  'board.last': { ja: '最新の出来事', en: 'Last event' },
  'board.details': { ja: '詳細', en: 'Details' },
  'metrics.ttd': { ja: '検知まで', en: 'to detect' },
  'metrics.ttc': { ja: '封じ込めまで', en: 'to contain' },
  'metrics.ttr': { ja: '復旧まで', en: 'to recover' },
  'clock.start': { ja: '開始', en: 'Start' },
  'clock.pause': { ja: '一時停止', en: 'Pause' },
  'clock.resume': { ja: '再開', en: 'Resume' },
  'clock.speed': { ja: '速度', en: 'Speed' },
  'clock.setSpeed': { ja: '速度を変更', en: 'Set speed' },
  timeline: { ja: 'タイムライン（入力されたコマンドを含む）', en: 'Timeline (commands entered included)' },
  notes: { ja: 'メモ', en: 'Notes' },
  'notes.add': { ja: 'メモを追加', en: 'Add a note' },
  reports: { ja: '報告書と採点', en: 'Reports and grading' },
  'reports.none': { ja: '提出された報告書はありません', en: 'No report submitted' },
  'grade.points': { ja: '評価点', en: 'Rubric points' },
  'grade.comment': { ja: 'コメント', en: 'Comment' },
  'grade.submit': { ja: '採点する', en: 'Grade' },
  'grade.awaiting': { ja: '採点待ち', en: 'awaiting grading' },
  'message.send': { ja: 'メッセージを送る', en: 'Send a message' },
  'message.allTeams': { ja: '全チーム', en: 'All teams' },
  error: { ja: 'エラー', en: 'Error' },
} satisfies Record<string, Record<Lang, string>>;

export type TextKey = keyof typeof TEXTS;

const STORAGE_KEY = 'cyder.lang';
let current: Lang = localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'ja';
const listeners: Array<() => void> = [];

export const lang = (): Lang => current;
export const t = (key: TextKey): string => (TEXTS as Record<string, Record<Lang, string>>)[key]?.[current] ?? String(key);
/** A template's text (title, hint, step) in the chosen language, falling back to the other. */
export const localized = (text: { ja?: string; en?: string } | null | undefined): string => (text ? (text[current] ?? text.ja ?? text.en ?? '') : '');

/** Fills every [data-i18n] element's text and [data-i18n-placeholder] element's placeholder. */
export function translatePage(root: ParentNode = document): void {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as TextKey);
  for (const el of root.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder as TextKey);
}

export function onLanguageChange(listener: () => void): void {
  listeners.push(listener);
}

export function setLanguage(next: Lang): void {
  current = next;
  localStorage.setItem(STORAGE_KEY, next);
  translatePage();
  for (const listener of listeners) listener();
}
