import type { Objective } from './model.js';

/**
 * The most a team can score on these objectives: every objective's points and every time bonus
 * (a report's points are its IOC share and the instructor's rubric together). Penalties only take
 * points away. Credits for blocked attack steps (BLOCKED_STEP_POINTS, a deployment setting) are not
 * the template's and are not counted.
 */
export function maxScore(objectives: readonly Pick<Objective, 'points' | 'timeBonus'>[]): number {
  return objectives.reduce((sum, o) => sum + o.points + (o.timeBonus?.points ?? 0), 0);
}
