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
