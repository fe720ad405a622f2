import { loadConfig } from '@app/config';
import type { AuditTrail } from '@app/database';
import type { DataSource } from 'typeorm';
import type { Principal } from './principal.js';
import { ResourceResolver } from './resource-resolver.js';
import { Role } from './roles.js';

const SESSION = '11111111-1111-4111-8111-111111111111';
const OWN_RANGE = '22222222-2222-4222-8222-222222222222';
const OTHER_RANGE = '33333333-3333-4333-8333-333333333333';
const UNKNOWN = '44444444-4444-4444-8444-444444444444';
const rows: Record<string, { session_id: string; team_id: string | null; assigned: boolean }> = {
  [OWN_RANGE]: { session_id: SESSION, team_id: 'team-1', assigned: false },
  [OTHER_RANGE]: { session_id: SESSION, team_id: 'team-2', assigned: false },
};
const trainee: Principal = { kind: 'trainee', id: 't1', role: Role.Trainee, displayName: 'T', traineeId: 't1', teamId: 'team-1', sessionId: SESSION, credentialId: 'c1', scope: 'full' };
const context = { route: 'GET /ranges/:id', address: '127.0.0.1' };

describe('ResourceResolver: owners kept in memory', () => {
  let queries: string[];
  let refusals: number;
  let resolver: ResourceResolver;

  beforeEach(() => {
    queries = [];
    refusals = 0;
    const dataSource = {
      query: async (_sql: string, [id]: [string]) => {
        queries.push(id);
        return rows[id] ? [rows[id]] : [];
      },
    } as unknown as DataSource;
    const audit = { record: async () => void (refusals += 1) } as unknown as AuditTrail;
    // Never listening here: only the fixed owners (ranges, reports) are kept.
    resolver = new ResourceResolver(dataSource, audit, loadConfig({}));
  });

  it("reads a range's owner once: its session and team never change", async () => {
    await resolver.authorize(trainee, { range: 'id' }, { id: OWN_RANGE }, context);
    await resolver.authorize(trainee, { range: 'id' }, { id: OWN_RANGE }, context);
    await resolver.authorize(trainee, { range: 'id' }, { id: OWN_RANGE.toUpperCase() }, context);
    expect(queries).toEqual([OWN_RANGE]);
  });

  it("refuses another team's range known from memory only after the same one query an unknown id costs (404 both)", async () => {
    await resolver.authorize({ ...trainee, teamId: 'team-2' }, { range: 'id' }, { id: OTHER_RANGE }, context); // team 2 put it in memory
    queries.length = 0;
    await expect(resolver.authorize(trainee, { range: 'id' }, { id: OTHER_RANGE }, context)).rejects.toMatchObject({ kind: 'not_found', message: `range ${OTHER_RANGE} does not exist` });
    await expect(resolver.authorize(trainee, { range: 'id' }, { id: UNKNOWN }, context)).rejects.toMatchObject({ kind: 'not_found', message: `range ${UNKNOWN} does not exist` });
    expect(queries).toEqual([OTHER_RANGE, UNKNOWN]);
    expect(refusals).toBe(1); // recorded for the thing that exists only
  });

  it('keeps no assignment while it does not listen for changes: an instructor is looked up every time', async () => {
    const instructor: Principal = { kind: 'user', id: 'u', role: Role.Instructor, displayName: 'I', instructorId: 'i1', credentialId: 'c2', scope: 'full' };
    for (let i = 0; i < 2; i++) await expect(resolver.authorize(instructor, { range: 'id' }, { id: OWN_RANGE }, context)).rejects.toMatchObject({ kind: 'forbidden' });
    expect(queries).toEqual([OWN_RANGE, OWN_RANGE]);
  });
});
