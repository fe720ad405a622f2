/** The smallest team allowed, unless the whole session is smaller. */
export const MIN_TEAM_SIZE = 3;

/**
 * Team sizes for n trainees at a target team size: as few teams as the target allows, balanced,
 * none below MIN_TEAM_SIZE unless the session itself is smaller (then one team). A target below
 * MIN_TEAM_SIZE (self-paced courses: 1) is taken literally.
 */
export function teamSizes(n: number, targetSize: number): number[] {
  if (n <= 0) return [];
  let count = Math.ceil(n / targetSize);
  if (targetSize >= MIN_TEAM_SIZE && Math.floor(n / count) < MIN_TEAM_SIZE) count = Math.max(1, Math.floor(n / MIN_TEAM_SIZE));
  if (targetSize < MIN_TEAM_SIZE) {
    const sizes = Array<number>(count).fill(targetSize);
    sizes[count - 1] = n - targetSize * (count - 1);
    return sizes;
  }
  const base = Math.floor(n / count);
  const extra = n % count;
  return Array.from({ length: count }, (_, i) => base + (i < extra ? 1 : 0));
}

/** Most teams a session of `seats` can need at `targetSize`: what its range host must run at once. */
export function maxTeams(seats: number, targetSize: number): number {
  return teamSizes(seats, targetSize).length;
}

export interface TeamCandidate {
  id: string;
  organisationId: string;
  /** Enrollment arrival order; ties and member order follow it. */
  arrival: number;
}

/**
 * Splits the confirmed trainees into teams (arrays of candidate ids, largest team first), keeping
 * each organisation together where the sizes allow: organisations are placed largest first into the
 * team that fits them most tightly; an organisation that fits nowhere whole fills the emptiest team
 * and continues in the next, so it spans as few teams as possible.
 */
export function formTeams(candidates: readonly TeamCandidate[], targetSize: number): string[][] {
  const sizes = teamSizes(candidates.length, targetSize);
  const teams: string[][] = sizes.map(() => []);
  const room = [...sizes];
  const groups = new Map<string, TeamCandidate[]>();
  for (const c of [...candidates].sort((a, b) => a.arrival - b.arrival)) {
    const group = groups.get(c.organisationId) ?? [];
    group.push(c);
    groups.set(c.organisationId, group);
  }
  const ordered = [...groups.values()].sort((a, b) => b.length - a.length || a[0].arrival - b[0].arrival);
  for (const group of ordered) {
    let rest = group;
    while (rest.length > 0) {
      let best = -1;
      for (let i = 0; i < room.length; i++) {
        if (room[i] >= rest.length && (best < 0 || room[i] < room[best])) best = i;
      }
      if (best >= 0) {
        teams[best].push(...rest.map((c) => c.id));
        room[best] -= rest.length;
        break;
      }
      let widest = 0;
      for (let i = 1; i < room.length; i++) if (room[i] > room[widest]) widest = i;
      const take = rest.slice(0, room[widest]);
      teams[widest].push(...take.map((c) => c.id));
      room[widest] -= take.length;
      rest = rest.slice(take.length);
    }
  }
  return teams;
}

/** How many teams each organisation spans, and the fewest it could span at these team sizes. */
export function organisationSpread(
  teams: readonly (readonly string[])[],
  organisationOf: (id: string) => string,
): Map<string, { teams: number; members: number }> {
  const spread = new Map<string, { teams: Set<number>; members: number }>();
  teams.forEach((team, index) => {
    for (const id of team) {
      const org = organisationOf(id);
      const entry = spread.get(org) ?? { teams: new Set<number>(), members: 0 };
      entry.teams.add(index);
      entry.members++;
      spread.set(org, entry);
    }
  });
  return new Map([...spread].map(([org, e]) => [org, { teams: e.teams.size, members: e.members }]));
}
