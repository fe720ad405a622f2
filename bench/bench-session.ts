import type { RangeService } from '@app/ranges';
import type { DataSource } from 'typeorm';

/**
 * A scheduled session (Online A, closed, far ahead) with `teams` teams, written straight to the
 * bench's own throw-away database: ranges are requested only for a real session and its teams
 * (foreign keys), and these benches time provisioning, not scheduling.
 */
export async function benchSessionWithTeams(db: DataSource, teams: number): Promise<{ sessionId: string; teamIds: string[] }> {
  const [{ id: sessionId }] = (await db.query(
    `INSERT INTO sessions (course_code, fiscal_year, starts_at, ends_at, seats, team_size, status)
     VALUES ('ONLINE-A', 2030, '2030-12-10T01:00:00Z', '2030-12-10T08:00:00Z', $1, 1, 'closed') RETURNING id`,
    [teams],
  )) as Array<{ id: string }>;
  const rows = (await db.query(
    `INSERT INTO teams (session_id, number, name) SELECT $1, n, 'Team ' || n FROM generate_series(1, $2::int) AS n RETURNING id`,
    [sessionId, teams],
  )) as Array<{ id: string }>;
  return { sessionId, teamIds: rows.map((r) => r.id) };
}

/**
 * Ranges of the template for a new bench session of `teams` teams, provisioned the production way
 * (RangeService, the worker's jobs), waited for until every one is ready (any failed one fails the
 * bench). Prints how long it took.
 */
export async function provisionBenchRanges(
  db: DataSource,
  ranges: RangeService,
  templateId: string,
  teams: number,
): Promise<{ sessionId: string; teamIds: string[] }> {
  const { sessionId, teamIds } = await benchSessionWithTeams(db, teams);
  const started = performance.now();
  await ranges.provisionSession(sessionId, { templateId, teamIds });
  for (;;) {
    const [{ ready, failed }] = await db.query(
      `SELECT count(*) FILTER (WHERE status = 'ready')::int AS ready, count(*) FILTER (WHERE status = 'failed')::int AS failed FROM ranges WHERE session_id = $1`,
      [sessionId],
    );
    if (failed) throw new Error(`${failed} range(s) failed to provision`);
    if (ready === teams) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(`${teams} ranges ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { sessionId, teamIds };
}
