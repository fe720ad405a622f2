import { Injectable } from '@nestjs/common';
import { RangeEntity } from '@app/database';
import { type LiveEvent, LiveEvents } from '@app/queue';
import { DataSource } from 'typeorm';
import { filter, map, type Observable } from 'rxjs';

/** Whose stream it is: one team of one session (from the trainee's credential, never from the request). */
export interface TraineeScope {
  sessionId: string;
  teamId: string;
}

/** What a trainee's stream carries. Nothing else reaches it: no step output, no answers, no other team. */
export interface TraineeEvent {
  type: 'clock' | 'message' | 'objective-met' | 'attack-step' | 'extension' | 'score';
  at: string;
  data: Record<string, unknown>;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * The trainee's view of one live event, or null when it is not theirs to see:
 * the session clock and their range's own clock, messages to everyone or to
 * their team, their objectives met, their attack steps by title, extra time
 * given to their team. Fields are
 * copied one by one (an allowlist), so a new field on an event never leaks.
 */
export function traineeView(event: LiveEvent, scope: TraineeScope, ownRanges: ReadonlySet<string>): TraineeEvent | null {
  if (event.sessionId !== scope.sessionId) return null;
  const d = event.data;
  switch (event.type) {
    case 'clock':
      if (event.rangeId && !ownRanges.has(event.rangeId)) return null;
      return { type: 'clock', at: event.at, data: { state: d.state, speed: d.speed, action: d.action, scope: event.rangeId ? 'team' : 'session' } };
    case 'message':
      if (event.teamId && event.teamId !== scope.teamId) return null;
      return { type: 'message', at: event.at, data: { text: text(d.text), from: text(d.from), to: event.teamId ? 'team' : 'all' } };
    case 'objective-met':
      if (event.teamId !== scope.teamId) return null;
      return { type: 'objective-met', at: event.at, data: { objectiveId: text(d.objectiveId) } };
    case 'answer':
      if (event.teamId !== scope.teamId) return null;
      if (d.correct !== true) return { type: 'score', at: event.at, data: {} };
      return { type: 'objective-met', at: event.at, data: { objectiveId: text(d.objectiveId) } };
    case 'extension':
      if (event.teamId !== scope.teamId) return null;
      return { type: 'extension', at: event.at, data: { minutes: d.minutes, extraMinutes: d.extraMinutes, endsAt: text(d.endsAt) } };
    // The team's score moved: a signal only (no points, ids or values); the console asks for its standing.
    case 'hint':
    case 'report':
    case 'report-graded':
    case 'step-blocked':
      if (event.teamId !== scope.teamId) return null;
      return { type: 'score', at: event.at, data: {} };
    case 'attack-step':
      if (event.teamId !== scope.teamId) return null;
      return { type: 'attack-step', at: event.at, data: { title: d.title, scenarioMs: d.scenarioMs } };
    default:
      return null;
  }
}

/** A trainee's live stream (SSE): only their own team's events, as traineeView shapes them. */
@Injectable()
export class TraineeStream {
  constructor(
    private readonly dataSource: DataSource,
    private readonly live: LiveEvents,
  ) {}

  async stream(scope: TraineeScope): Promise<Observable<TraineeEvent>> {
    const ranges = await this.dataSource.manager.find(RangeEntity, { where: { sessionId: scope.sessionId, teamId: scope.teamId }, select: { id: true } });
    const own = new Set(ranges.map((r) => r.id));
    return this.live.stream(scope.sessionId).pipe(
      map((event) => traineeView(event, scope, own)),
      filter((event): event is TraineeEvent => event !== null),
    );
  }
}
