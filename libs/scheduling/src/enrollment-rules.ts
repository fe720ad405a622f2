import { withArticle } from '@app/errors';
import type { EntityManager } from 'typeorm';

/**
 * Confirms waitlisted trainees, first come first served, while seats are free. Runs inside the
 * caller's transaction, which holds the session row lock. Returns the promoted enrollments.
 */
export async function promoteWaitlisted(
  m: EntityManager,
  sessionId: string,
  seats: number,
): Promise<Array<{ id: string; trainee_id: string }>> {
  const [{ confirmed }] = await m.query(`SELECT count(*)::int AS confirmed FROM enrollments WHERE session_id = $1 AND status = 'confirmed'`, [sessionId]);
  const free = seats - confirmed;
  if (free <= 0) return [];
  return m.query(
    `UPDATE enrollments SET status = 'confirmed', confirmed_at = now(), updated_at = now()
     WHERE id IN (SELECT id FROM enrollments WHERE session_id = $1 AND status = 'waitlisted' ORDER BY arrival LIMIT $2)
     RETURNING id, trainee_id`,
    [sessionId, free],
  ).then(([rows]: [Array<{ id: string; trainee_id: string }>]) => rows);
}

/** What decides whether a trainee (by their organisation) may attend a session. */
export interface EligibilityFacts {
  course: { code: string; placement: string; admittedOrganisationTypes: readonly string[] };
  session: { regionId: string | null; regionName: string | null; otherRegion: 'warn' | 'refuse' };
  organisation: { name: string; typeCode: string; typeName: string; regionId: string | null; regionName: string | null };
  /** Names of the admitted organisation types, in catalogue order. */
  admittedNames: readonly string[];
}

/**
 * Why the organisation may not attend the session, or null: the course admits its type, and a
 * per-region (B-1) session that refuses other regions serves the organisation's region.
 */
export function eligibilityRefusal(f: EligibilityFacts): string | null {
  if (!f.course.admittedOrganisationTypes.includes(f.organisation.typeCode)) {
    const type = f.organisation.typeName.toLowerCase();
    // "is an other" reads as a slip: an organisation of type Other is "of another type".
    const kind = type === 'other' ? 'of another type' : withArticle(type);
    return `${f.course.code} admits ${f.admittedNames.map((n) => n.toLowerCase()).join(', ')} only; ${f.organisation.name} is ${kind}`;
  }
  if (f.session.otherRegion === 'refuse' && otherRegion(f)) {
    return `this ${f.course.code} session serves region ${f.session.regionName} only; ${f.organisation.name} is in region ${f.organisation.regionName}`;
  }
  return null;
}

/** The organisation's region when a per-region session serves another one (warned about, or refused when the session says so). */
export function otherRegion(f: Pick<EligibilityFacts, 'course' | 'session' | 'organisation'>): string | null {
  const { course, session, organisation } = f;
  if (course.placement !== 'per_region' || !session.regionId || !organisation.regionId || organisation.regionId === session.regionId) return null;
  return organisation.regionName;
}
