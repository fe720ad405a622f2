import { formTeams, organisationSpread, teamSizes, type TeamCandidate } from './team-formation.js';

function people(spec: Array<[org: string, count: number]>): TeamCandidate[] {
  const out: TeamCandidate[] = [];
  for (const [org, count] of spec) for (let i = 0; i < count; i++) out.push({ id: `${org}-${i}`, organisationId: org, arrival: out.length + 1 });
  return out;
}

describe('teamSizes', () => {
  it.each([
    [30, 4, [4, 4, 4, 4, 4, 4, 3, 3]],
    [8, 4, [4, 4]],
    [7, 4, [4, 3]],
    [9, 4, [3, 3, 3]],
    [5, 4, [5]],
    [2, 4, [2]],
    [0, 4, []],
    [3, 1, [1, 1, 1]],
  ])('%i trainees at size %i -> %j', (n, size, expected) => {
    expect(teamSizes(n, size)).toEqual(expected);
  });

  it('never makes a team below 3 unless the session is smaller, and always seats everyone', () => {
    for (let n = 1; n <= 80; n++) {
      for (let size = 3; size <= 8; size++) {
        const sizes = teamSizes(n, size);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
        if (n >= 3) expect(Math.min(...sizes)).toBeGreaterThanOrEqual(3);
        expect(sizes.length).toBeLessThanOrEqual(Math.ceil(n / size));
      }
    }
  });
});

describe('formTeams', () => {
  it('keeps organisations together when the sizes allow', () => {
    const candidates = people([['a', 4], ['b', 2], ['c', 2], ['d', 3], ['e', 1]]);
    const teams = formTeams(candidates, 4);
    expect(teams.map((t) => t.length).sort()).toEqual([4, 4, 4]);
    const org = (id: string) => id.split('-')[0];
    const spread = organisationSpread(teams, org);
    for (const [, s] of spread) expect(s.teams).toBe(1);
  });

  it('splits an organisation larger than a team over as few teams as possible', () => {
    const candidates = people([['big', 9], ['x', 3], ['y', 4]]);
    const teams = formTeams(candidates, 4);
    const spread = organisationSpread(teams, (id) => id.split('-')[0]);
    expect(spread.get('big')!.teams).toBe(Math.ceil(9 / 4));
    expect(spread.get('x')!.teams).toBe(1);
    expect(spread.get('y')!.teams).toBe(1);
    expect(teams.flat().sort()).toEqual(candidates.map((c) => c.id).sort());
  });

  it('gives one trainee per team at team size 1 (self-paced)', () => {
    expect(formTeams(people([['a', 3]]), 1)).toEqual([['a-0'], ['a-1'], ['a-2']]);
  });

  it('places everyone exactly once for many random mixes', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const spec: Array<[string, number]> = [];
      for (let o = 0; o < 1 + Math.floor(rand() * 10); o++) spec.push([`o${o}`, 1 + Math.floor(rand() * 7)]);
      const candidates = people(spec);
      const teams = formTeams(candidates, 3 + Math.floor(rand() * 3));
      expect(teams.flat().sort()).toEqual(candidates.map((c) => c.id).sort());
      if (candidates.length >= 3) expect(Math.min(...teams.map((t) => t.length))).toBeGreaterThanOrEqual(3);
    }
  });
});
