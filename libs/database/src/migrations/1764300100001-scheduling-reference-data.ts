import type { MigrationInterface, QueryRunner } from 'typeorm';

// A snapshot of the reference data as of this migration (later edits go through the API).
// Regions: the 11 jurisdictions of MIC's regional telecommunications bureaus (CYDER is an MIC
// programme), the usual blocks for B-1's "11 regions nationwide".
const REGIONS: Array<[code: string, name: string, prefectures: number[]]> = [
  ['hokkaido', 'Hokkaido', [1]],
  ['tohoku', 'Tohoku', [2, 3, 4, 5, 6, 7]],
  ['kanto', 'Kanto', [8, 9, 10, 11, 12, 13, 14, 19]],
  ['shinetsu', 'Shinetsu', [15, 20]],
  ['hokuriku', 'Hokuriku', [16, 17, 18]],
  ['tokai', 'Tokai', [21, 22, 23, 24]],
  ['kinki', 'Kinki', [25, 26, 27, 28, 29, 30]],
  ['chugoku', 'Chugoku', [31, 32, 33, 34, 35]],
  ['shikoku', 'Shikoku', [36, 37, 38, 39]],
  ['kyushu', 'Kyushu', [40, 41, 42, 43, 44, 45, 46]],
  ['okinawa', 'Okinawa', [47]],
];

const PREFECTURES: Array<[code: number, name: string, nameJa: string]> = [
  [1, 'Hokkaido', '北海道'], [2, 'Aomori', '青森県'], [3, 'Iwate', '岩手県'], [4, 'Miyagi', '宮城県'],
  [5, 'Akita', '秋田県'], [6, 'Yamagata', '山形県'], [7, 'Fukushima', '福島県'], [8, 'Ibaraki', '茨城県'],
  [9, 'Tochigi', '栃木県'], [10, 'Gunma', '群馬県'], [11, 'Saitama', '埼玉県'], [12, 'Chiba', '千葉県'],
  [13, 'Tokyo', '東京都'], [14, 'Kanagawa', '神奈川県'], [15, 'Niigata', '新潟県'], [16, 'Toyama', '富山県'],
  [17, 'Ishikawa', '石川県'], [18, 'Fukui', '福井県'], [19, 'Yamanashi', '山梨県'], [20, 'Nagano', '長野県'],
  [21, 'Gifu', '岐阜県'], [22, 'Shizuoka', '静岡県'], [23, 'Aichi', '愛知県'], [24, 'Mie', '三重県'],
  [25, 'Shiga', '滋賀県'], [26, 'Kyoto', '京都府'], [27, 'Osaka', '大阪府'], [28, 'Hyogo', '兵庫県'],
  [29, 'Nara', '奈良県'], [30, 'Wakayama', '和歌山県'], [31, 'Tottori', '鳥取県'], [32, 'Shimane', '島根県'],
  [33, 'Okayama', '岡山県'], [34, 'Hiroshima', '広島県'], [35, 'Yamaguchi', '山口県'], [36, 'Tokushima', '徳島県'],
  [37, 'Kagawa', '香川県'], [38, 'Ehime', '愛媛県'], [39, 'Kochi', '高知県'], [40, 'Fukuoka', '福岡県'],
  [41, 'Saga', '佐賀県'], [42, 'Nagasaki', '長崎県'], [43, 'Kumamoto', '熊本県'], [44, 'Oita', '大分県'],
  [45, 'Miyazaki', '宮崎県'], [46, 'Kagoshima', '鹿児島県'], [47, 'Okinawa', '沖縄県'],
];

const ORGANISATION_TYPES: Array<[code: string, name: string]> = [
  ['national_agency', 'National agency'],
  ['designated_corporation', 'Designated corporation'],
  ['incorporated_administrative_agency', 'Incorporated administrative agency'],
  ['local_government', 'Local government'],
  ['critical_infrastructure_operator', 'Critical-infrastructure operator'],
  ['other', 'Other'],
];

const ALL = ORGANISATION_TYPES.map(([code]) => code);
const NOT_LOCAL = ALL.filter((code) => code !== 'local_government');
const FOR_A = 'People starting to work on information systems: the flow of incident response';
const FOR_B = 'System administrators and operators: leading the incident response, security management';

// The FY2021 course plan of the seed (CYDER, MIC/NICT). Durations and default seats are ours.
const COURSES = [
  { code: 'A', name: 'Course A', level: 'beginner', format: 'in_person', audience: FOR_A, admitted: ALL, placement: 'any_prefecture', prefectures: [], months: [7, 8, 9, 10, 11, 12, 1, 2], planned: 65, days: 1, seats: 30, teamSize: 4, selfPaced: false },
  { code: 'B-1', name: 'Course B-1', level: 'intermediate', format: 'in_person', audience: FOR_B, admitted: ['local_government'], placement: 'per_region', prefectures: [], months: [10, 11, 12, 1, 2], planned: 21, days: 1, seats: 30, teamSize: 4, selfPaced: false },
  { code: 'B-2', name: 'Course B-2', level: 'intermediate', format: 'in_person', audience: FOR_B, admitted: NOT_LOCAL, placement: 'listed_prefectures', prefectures: [13, 23, 27, 40], months: [1, 2], planned: 13, days: 1, seats: 30, teamSize: 4, selfPaced: false },
  { code: 'C', name: 'Course C', level: 'semi-advanced', format: 'in_person', audience: 'Security specialists: advanced security techniques', admitted: ALL, placement: 'listed_prefectures', prefectures: [13], months: [1, 2], planned: 2, days: 2, seats: 20, teamSize: 4, selfPaced: false },
  { code: 'ONLINE-A', name: 'Online A', level: 'beginner', format: 'online', audience: FOR_A, admitted: ALL, placement: 'online', prefectures: [], months: [11, 12, 1, 2], planned: null, days: 1, seats: 500, teamSize: 1, selfPaced: true },
];

/** Seeds the reference data; ON CONFLICT DO NOTHING keeps it idempotent and never undoes an edit. */
export class SchedulingReferenceData1764300100001 implements MigrationInterface {
  name = 'SchedulingReferenceData1764300100001';

  async up(q: QueryRunner): Promise<void> {
    for (const [index, [code, name]] of REGIONS.entries()) {
      await q.query(`INSERT INTO regions (code, name, sort_order) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING`, [code, name, index + 1]);
    }
    for (const [code, name, nameJa] of PREFECTURES) {
      const region = REGIONS.find(([, , prefectures]) => prefectures.includes(code))![0];
      await q.query(
        `INSERT INTO prefectures (code, name, name_ja, region_id)
         SELECT $1, $2, $3, id FROM regions WHERE code = $4
         ON CONFLICT (code) DO NOTHING`,
        [code, name, nameJa, region],
      );
    }
    for (const [index, [code, name]] of ORGANISATION_TYPES.entries()) {
      await q.query(`INSERT INTO organisation_types (code, name, sort_order) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING`, [code, name, index + 1]);
    }
    for (const c of COURSES) {
      await q.query(
        `INSERT INTO courses (code, name, level, format, audience, admitted_organisation_types, placement, prefecture_codes,
           months, planned_sessions, duration_days, default_seats, default_team_size, instructors_per_session, self_paced)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14)
         ON CONFLICT (code) DO NOTHING`,
        [c.code, c.name, c.level, c.format, c.audience, c.admitted, c.placement, c.prefectures, c.months, c.planned, c.days, c.seats, c.teamSize, c.selfPaced],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM courses WHERE code = ANY($1)`, [COURSES.map((c) => c.code)]);
    await q.query(`DELETE FROM organisation_types WHERE code = ANY($1)`, [ORGANISATION_TYPES.map(([code]) => code)]);
    await q.query(`DELETE FROM prefectures WHERE code = ANY($1)`, [PREFECTURES.map(([code]) => code)]);
    await q.query(`DELETE FROM regions WHERE code = ANY($1)`, [REGIONS.map(([code]) => code)]);
  }
}
