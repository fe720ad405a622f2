import type { SessionStatus } from '@app/database';

export const SESSION_STATUSES: readonly SessionStatus[] = [
  'draft',
  'open',
  'closed',
  'provisioning',
  'ready',
  'running',
  'finished',
  'cancelled',
];

/**
 * The session life cycle. closed -> open reopens enrollment (the teams are dropped);
 * provisioning -> closed is the way back when range provisioning fails.
 */
export const SESSION_TRANSITIONS: Readonly<Record<SessionStatus, readonly SessionStatus[]>> = {
  draft: ['open', 'cancelled'],
  open: ['closed', 'cancelled'],
  closed: ['open', 'provisioning', 'cancelled'],
  provisioning: ['ready', 'closed', 'cancelled'],
  ready: ['running', 'cancelled'],
  running: ['finished'],
  finished: [],
  cancelled: [],
};

/** Why from -> to is not allowed, or null when it is. */
export function transitionRefusal(from: SessionStatus, to: SessionStatus): string | null {
  if (SESSION_TRANSITIONS[from].includes(to)) return null;
  if (from === to) return `the session is already ${from}`;
  const allowed = SESSION_TRANSITIONS[from];
  if (allowed.length === 0) return `${article(from)} ${from} session cannot change status any more`;
  const hint = HINTS[`${from}->${to}`];
  return `${article(from)} ${from} session cannot become ${to}${hint ? ` (${hint})` : ''}; from ${from} it can become: ${allowed.join(', ')}`;
}

const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');

const HINTS: Record<string, string> = {
  'draft->closed': 'publish it (open) and let trainees enroll first',
  'open->provisioning': 'close enrollment first, which forms the teams',
  'open->ready': 'close enrollment and provision the team ranges first',
  'closed->ready': 'the team ranges must be provisioned first',
  'ready->finished': 'it has to run first',
  'running->cancelled': 'a running session can only finish',
};

export function isSessionStatus(value: string): value is SessionStatus {
  return (SESSION_STATUSES as readonly string[]).includes(value);
}

/** Statuses in which a session books its venue and instructors. */
export const BOOKING_STATUSES: readonly SessionStatus[] = SESSION_STATUSES.filter((s) => s !== 'cancelled');
