/** A change asked of a scenario clock. */
export type ClockAction = 'start' | 'pause' | 'resume' | 'stop' | 'speed';

/** The roles the clock rules know (the access layer's Role values). */
export type ClockCallerRole = 'operator' | 'instructor' | 'trainee';

/** Who changes a clock: the authenticated principal (id, role and, for a trainee, the team). */
export interface ClockCaller {
  id: string;
  role: ClockCallerRole;
  teamId?: string;
}

/** What the rules need to know of the clock asked for. */
export interface ClockTarget {
  /** A range's own clock (not the session's). */
  rangeClock: boolean;
  /** The range's session is of a self-paced course (Online A). */
  selfPaced: boolean;
}

/**
 * Why the caller may not make this change, or null when they may. A trainee
 * may only start the clock of a self-paced (Online A) range; pausing, resuming,
 * stopping and speed belong to instructors and operators, so no team can
 * stretch its time bonuses or hold times with its own pause.
 */
export function clockRefusal(caller: Pick<ClockCaller, 'role'>, action: ClockAction, target: ClockTarget): string | null {
  if (caller.role !== 'trainee') return null;
  if (!target.rangeClock) return 'only instructors and operators control a session scenario clock';
  if (!target.selfPaced) return 'only a self-paced (Online A) range clock can be started by its trainee';
  if (action !== 'start') return `only instructors and operators can ${action} the scenario clock`;
  return null;
}
