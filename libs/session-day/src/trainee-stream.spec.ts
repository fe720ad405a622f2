import type { LiveEvent } from '@app/queue';
import { traineeView } from './trainee-stream.js';

const scope = { sessionId: 's1', teamId: 't1' };
const own = new Set(['r1']);
const at = '2030-12-03T01:00:00.000Z';
const event = (patch: Partial<LiveEvent>): LiveEvent => ({ sessionId: 's1', type: 'clock', at, data: {}, ...patch });

describe('traineeView: a trainee sees only their own team, and never an answer or step output', () => {
  it('passes the session clock and their own range clock, not another team’s', () => {
    expect(traineeView(event({ data: { action: 'start', state: 'running', speed: 60 } }), scope, own)).toEqual({
      type: 'clock',
      at,
      data: { action: 'start', state: 'running', speed: 60, scope: 'session' },
    });
    expect(traineeView(event({ rangeId: 'r1', data: { action: 'pause', state: 'paused', speed: 1 } }), scope, own)?.data.scope).toBe('team');
    expect(traineeView(event({ rangeId: 'r2', data: { action: 'pause' } }), scope, own)).toBeNull();
    expect(traineeView(event({ sessionId: 's2' }), scope, own)).toBeNull();
  });

  it('passes messages to everyone and to their team only', () => {
    expect(traineeView(event({ type: 'message', data: { text: 'lunch at 12', from: 'Instructor A', secret: 'x' } }), scope, own)).toEqual({
      type: 'message',
      at,
      data: { text: 'lunch at 12', from: 'Instructor A', to: 'all' },
    });
    expect(traineeView(event({ type: 'message', teamId: 't1', data: { text: 'look at the web logs' } }), scope, own)?.data.to).toBe('team');
    expect(traineeView(event({ type: 'message', teamId: 't2', data: { text: 'hint for team 2' } }), scope, own)).toBeNull();
  });

  it('passes their objectives met (from evaluations and correct answers) without points of others or the submitted value', () => {
    expect(traineeView(event({ type: 'objective-met', teamId: 't1', rangeId: 'r1', data: { objectiveId: 'implant-stopped', probe: 'pgrep ...' } }), scope, own)).toEqual({
      type: 'objective-met',
      at,
      data: { objectiveId: 'implant-stopped' },
    });
    expect(traineeView(event({ type: 'answer', teamId: 't1', data: { objectiveId: 'attacker-address', correct: true, value: '10.0.0.5' } }), scope, own)).toEqual({
      type: 'objective-met',
      at,
      data: { objectiveId: 'attacker-address' },
    });
    expect(traineeView(event({ type: 'answer', teamId: 't1', data: { objectiveId: 'x', correct: false, value: 'guess' } }), scope, own)).toEqual({ type: 'score', at, data: {} });
    expect(traineeView(event({ type: 'answer', teamId: 't2', data: { objectiveId: 'x', correct: false } }), scope, own)).toBeNull();
    expect(traineeView(event({ type: 'objective-met', teamId: 't2', data: { objectiveId: 'x' } }), scope, own)).toBeNull();
  });

  it('passes their attack steps by title only: no step id, status, output or exit code; nothing else at all', () => {
    const step = event({
      type: 'attack-step',
      teamId: 't1',
      rangeId: 'r1',
      data: { stepId: 'exploit', status: 'executed', title: { en: 'Command injection', ja: 'コマンドインジェクション' }, scenarioMs: 240000, output: 'uid=0(root)' },
    });
    expect(traineeView(step, scope, own)).toEqual({ type: 'attack-step', at, data: { title: { en: 'Command injection', ja: 'コマンドインジェクション' }, scenarioMs: 240000 } });
    expect(traineeView({ ...step, teamId: 't2' }, scope, own)).toBeNull();
    expect(traineeView(event({ type: 'range-degraded', teamId: 't1', data: { answer: 'secret' } }), scope, own)).toBeNull();
  });

  it('signals that their score moved (hints, reports, grades, blocked steps) with nothing in it; another team\'s moves not at all', () => {
    for (const type of ['hint', 'report', 'step-blocked', 'report-graded']) {
      expect(traineeView(event({ type, teamId: 't1', rangeId: 'r1', data: { answer: 'secret', points: 50, reportId: 'x' } }), scope, own)).toEqual({ type: 'score', at, data: {} });
      expect(traineeView(event({ type, teamId: 't2', data: { points: 50 } }), scope, own)).toBeNull();
    }
  });

  it('passes extra time given to their team (minutes and the new end), not another team’s', () => {
    const extension = event({ type: 'extension', teamId: 't1', rangeId: 'r1', data: { minutes: 10, extraMinutes: 15, endsAt: at, actor: 'instructor:x' } });
    expect(traineeView(extension, scope, own)).toEqual({ type: 'extension', at, data: { minutes: 10, extraMinutes: 15, endsAt: at } });
    expect(traineeView({ ...extension, teamId: 't2' }, scope, own)).toBeNull();
  });
});
