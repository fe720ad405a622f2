import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

/** A 2xx answer that is not JSON (CSV, Server-Sent Events, Prometheus text), with an example of it. */
export const ApiTextResponse = (mediaType: string, description: string, example: string, status = 200) =>
  applyDecorators(ApiResponse({ status, description, content: { [mediaType]: { schema: { type: 'string' }, example } } }));

/** A 2xx JSON answer without a DTO class (exports, aggregates), with an example of it. */
export const ApiJsonExampleResponse = (description: string, example: object, status = 200) =>
  applyDecorators(
    ApiResponse({
      status,
      description,
      content: { 'application/json': { schema: Array.isArray(example) ? { type: 'array', items: { type: 'object' } } : { type: 'object' }, example } },
    }),
  );

const UUID_1 = '5f0c7a4e-3b1d-4c8e-9a2f-6d1e8b7c4a90';
const UUID_2 = '0b8e2d6c-71f4-4a3e-b5c9-2e6f1a7d8c34';

/** Examples of the CSV and event-stream answers, beside the routes that give them. */
export const TEXT_EXAMPLES = {
  scheduleCsv:
    '\uFEFFid,course,status,fiscal_year,month,starts_at,ends_at,starts_at_jst,ends_at_jst,prefecture_code,prefecture,region,venue,city,seats,confirmed,waitlisted,team_size,instructors,plan_id\r\n' +
    `${UUID_1},A,open,2030,2030-11,2030-11-19T01:00:00.000Z,2030-11-19T08:00:00.000Z,2030-11-19T10:00:00+09:00,2030-11-19T17:00:00+09:00,4,Miyagi,Tohoku,Sendai Conference Hall,Sendai,40,12,0,4,Sato Hanako,\r\n`,
  reviewCsv:
    '\uFEFFsession_id,team_id,team_name,range_id,team_score,at,at_jst,scenario_ms,kind,type,ref,phase,points,summary\r\n' +
    `${UUID_1},${UUID_2},Team 1,${UUID_1},350,2030-11-19T02:04:00.000Z,2030-11-19T11:04:00+09:00,240000,event,attack-step,exploit,,0,Attacker exploits the ping CGI\r\n`,
  accessCodesCsv:
    '\uFEFFteam,trainee,organisation,email,code,expires,expires_jst\r\n' +
    'Team 1,Sato Hanako,Miyagi Prefectural Office,sato.hanako@example.jp,K7QM-4XRT-9PWD,2030-11-19T08:00:00.000Z,2030-11-19T17:00:00+09:00\r\n',
  accessCodesText:
    'To: sato.hanako@example.jp\nSubject: CYDER ONLINE-A access code / アクセスコード\n\nSato Hanako 様\n\nOnline A (2030-11-19 10:00 JST - 2030-11-19 17:00 JST)\nTeam / チーム: Team 1\nAccess code / アクセスコード: K7QM-4XRT-9PWD\nValid until / 有効期限: 2030-11-19 17:00 JST\n',
  instructorStream: `event: objective-met\ndata: {"sessionId":"${UUID_1}","teamId":"${UUID_2}","type":"objective-met","at":"2030-11-19T02:10:00.000Z","atJst":"2030-11-19T11:10:00+09:00","data":{"objectiveId":"attacker-address","points":100}}\n\n`,
  traineeStream: `event: message\ndata: {"type":"message","at":"2030-11-19T02:30:00.000Z","atJst":"2030-11-19T11:30:00+09:00","data":{"text":"Look at the web server's logs","to":"team"}}\n\n`,
  metrics: '# HELP cyder_ranges Ranges by status\n# TYPE cyder_ranges gauge\ncyder_ranges{status="ready"} 12\n',
} as const;
