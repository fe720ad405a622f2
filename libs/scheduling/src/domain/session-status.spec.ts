import { SESSION_STATUSES, SESSION_TRANSITIONS, transitionRefusal } from './session-status.js';

describe('session status machine', () => {
  it('allows the life cycle draft -> open -> closed -> provisioning -> ready -> running -> finished', () => {
    const path = ['draft', 'open', 'closed', 'provisioning', 'ready', 'running', 'finished'] as const;
    for (let i = 0; i + 1 < path.length; i++) expect(transitionRefusal(path[i], path[i + 1])).toBeNull();
  });

  it('allows cancelling before the session runs, and never after', () => {
    for (const from of ['draft', 'open', 'closed', 'provisioning', 'ready'] as const) expect(transitionRefusal(from, 'cancelled')).toBeNull();
    expect(transitionRefusal('running', 'cancelled')).toMatch(/running session cannot become cancelled/);
    expect(transitionRefusal('finished', 'cancelled')).toMatch(/cannot change status any more/);
  });

  it('refuses skipping steps with the reason and what is allowed instead', () => {
    expect(transitionRefusal('draft', 'closed')).toBe(
      'a draft session cannot become closed (publish it (open) and let trainees enroll first); from draft it can become: open, cancelled',
    );
    expect(transitionRefusal('open', 'provisioning')).toMatch(/close enrollment first/);
    expect(transitionRefusal('open', 'open')).toBe('the session is already open');
  });

  it('treats finished and cancelled as final', () => {
    for (const to of SESSION_STATUSES) {
      expect(transitionRefusal('finished', to)).not.toBeNull();
      expect(transitionRefusal('cancelled', to)).not.toBeNull();
    }
    expect(SESSION_TRANSITIONS.finished).toEqual([]);
  });
});
