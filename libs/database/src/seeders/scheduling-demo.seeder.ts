import type { EntityManager } from 'typeorm';
import type { Seeder } from './seeder.js';

// Prefectural capitals (the city where a prefecture-wide venue usually is), by JIS code.
const CAPITALS = [
  'Sapporo', 'Aomori', 'Morioka', 'Sendai', 'Akita', 'Yamagata', 'Fukushima', 'Mito', 'Utsunomiya', 'Maebashi',
  'Saitama', 'Chiba', 'Shinjuku', 'Yokohama', 'Niigata', 'Toyama', 'Kanazawa', 'Fukui', 'Kofu', 'Nagano',
  'Gifu', 'Shizuoka', 'Nagoya', 'Tsu', 'Otsu', 'Kyoto', 'Osaka', 'Kobe', 'Nara', 'Wakayama',
  'Tottori', 'Matsue', 'Okayama', 'Hiroshima', 'Yamaguchi', 'Tokushima', 'Takamatsu', 'Matsuyama', 'Kochi', 'Fukuoka',
  'Saga', 'Nagasaki', 'Kumamoto', 'Oita', 'Miyazaki', 'Kagoshima', 'Naha',
];

// The four B-2 cities get a second room, so B-2, C and A can share a month there.
const SECOND_ROOMS: Array<[code: number, city: string]> = [
  [13, 'Chiyoda'],
  [23, 'Nagoya'],
  [27, 'Osaka'],
  [40, 'Fukuoka'],
];

const DEMO_INSTRUCTORS = 12;

/**
 * Demo venues (one training room per prefecture, two in the B-2 cities) and demo instructors, so
 * a fresh installation can plan a year at once. Idempotent: rows are matched by name / e-mail.
 */
export const schedulingDemoSeeder: Seeder = {
  name: 'scheduling-demo',
  async run(m: EntityManager): Promise<string> {
    let venues = 0;
    const rooms: Array<[number, string, string, number]> = [
      ...CAPITALS.map((city, i): [number, string, string, number] => [i + 1, city, `${city} training room`, 40]),
      ...SECOND_ROOMS.map(([code, city]): [number, string, string, number] => [code, city, `${city} training room 2`, 60]),
    ];
    for (const [code, city, name, seats] of rooms) {
      const rows = await m.query(
        `INSERT INTO venues (name, prefecture_code, city, seat_capacity, range_host_capacity)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING RETURNING id`,
        [name, code, city, seats, Math.ceil(seats / 3)],
      );
      venues += rows.length;
    }
    let instructors = 0;
    for (let i = 1; i <= DEMO_INSTRUCTORS; i++) {
      const n = String(i).padStart(2, '0');
      // Every demo instructor teaches A and B; the first four also teach C.
      const courses = i <= 4 ? ['A', 'B-1', 'B-2', 'C'] : ['A', 'B-1', 'B-2'];
      const rows = await m.query(
        `INSERT INTO instructors (name, email, course_codes) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING RETURNING id`,
        [`Demo instructor ${n}`, `instructor${n}@demo.cyder-range.invalid`, courses],
      );
      instructors += rows.length;
    }
    return `${venues} venue(s) and ${instructors} instructor(s) added (${rooms.length} and ${DEMO_INSTRUCTORS} expected in all)`;
  },
};
