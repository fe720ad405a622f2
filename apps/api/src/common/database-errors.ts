import { HttpStatus } from '@nestjs/common';

/** The fields of a PostgreSQL error (pg's DatabaseError) the API reads. */
export interface PostgresErrorFields {
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  detail?: string;
  message?: string;
}

/** How the API answers a database refusal: never with PostgreSQL's own text (it carries keys, uuids, ranges). */
export interface DatabaseRefusal {
  status: HttpStatus.BAD_REQUEST | HttpStatus.CONFLICT;
  message: string;
  /** Our own name of the constraint that refused the change, when there is one. */
  constraint?: string;
}

/** A sentence for each constraint a caller can run into (names from libs/database/src/migrations). */
const CONSTRAINT_SENTENCES: Readonly<Record<string, string>> = {
  sessions_venue_no_overlap: 'the venue is already booked by another session at that time',
  session_instructors_no_overlap: 'an instructor is already teaching another session at that time',
  range_subnets_no_overlap: 'the subnet overlaps one that is already allocated',
  range_subnets_cidr_uq: 'the subnet is already allocated',
  range_subnets_range_network_uq: 'the range already has a subnet for this network',
  regions_code_key: 'a region with this code already exists',
  prefectures_name_key: 'a prefecture with this name already exists',
  organisations_name_key: 'an organisation with this name already exists',
  venues_name_key: 'a venue with this name already exists',
  instructors_email_key: 'an instructor with this e-mail address already exists',
  trainees_email_key: 'a trainee with this e-mail address already exists',
  enrollments_session_trainee_key: 'the trainee is already enrolled in this session',
  teams_session_number_key: 'the session already has a team with this number',
  team_members_session_trainee_key: 'the trainee is already in a team of this session',
  ranges_active_team_uq: 'the team already has a live range in this session',
  scenario_clocks_session_uq: 'the session already has a scenario clock',
  scenario_clocks_range_uq: 'the range already has its own scenario clock',
  attack_runs_range_step_uq: 'the attack step has already run in this range',
  score_events_first_met_uq: 'the objective is already met',
  score_events_bonus_uq: 'the time bonus is already awarded',
  sessions_period_check: 'a session must end after it starts',
  sessions_seats_check: 'a session needs at least one seat',
  sessions_team_size_check: 'a team has from 1 to 20 trainees',
  venues_seat_capacity_check: 'a venue needs at least one seat',
  venues_range_host_capacity_check: "a venue's range host must run at least one range",
  scenario_clocks_speed_ck: 'the scenario speed is from 1 to 60',
};

/** Type names of "invalid input syntax for type X" worth naming to the caller. */
const TYPE_WORDS: Readonly<Record<string, string>> = {
  uuid: 'a valid uuid',
  integer: 'a whole number',
  bigint: 'a whole number',
  smallint: 'a whole number',
  numeric: 'a number',
  'double precision': 'a number',
  boolean: 'true or false',
  date: 'a valid date',
  'timestamp with time zone': 'a valid date and time',
  json: 'valid JSON',
  jsonb: 'valid JSON',
  inet: 'a valid IP address',
  cidr: 'a valid network address',
};

/** Data exceptions (class 22) that only bad input causes: 400. */
const BAD_INPUT: Readonly<Record<string, string>> = {
  '22001': 'a text value is longer than allowed',
  '22003': 'a number is out of range',
  '22007': 'a date or time is not valid',
  '22008': 'a date or time is out of range',
  '22021': 'a text value contains a character that cannot be stored (such as a NUL byte)',
  '22P05': 'a text value contains a character that cannot be stored (such as a NUL byte)',
  '22023': 'a value is not valid',
};

const CONCURRENT = 'the change conflicted with a concurrent change; retry';

/** An SQL identifier (table, column list) taken from PostgreSQL's text; anything else is not echoed. */
function identifier(text: string | undefined): string | undefined {
  return text && /^[a-z_][a-z0-9_]*(, [a-z_][a-z0-9_]*)*$/.test(text) ? text : undefined;
}

function keyColumns(detail: string | undefined): string | undefined {
  return identifier(/^Key \(([^)]*)\)=/.exec(detail ?? '')?.[1]);
}

function detailTable(detail: string | undefined): string | undefined {
  return identifier(/table "([^"]+)"/.exec(detail ?? '')?.[1]);
}

/**
 * Turns a PostgreSQL refusal into a readable answer: which constraint, in words. Returns null
 * for errors no caller can cause or fix (those stay 500). The raw text is for the server log only.
 */
export function describeDatabaseError(error: PostgresErrorFields): DatabaseRefusal | null {
  const { code, constraint, detail } = error;
  const known = constraint ? CONSTRAINT_SENTENCES[constraint] : undefined;
  const table = identifier(error.table);
  const ours = identifier(constraint);
  const conflict = (message: string): DatabaseRefusal => ({ status: HttpStatus.CONFLICT, message, ...(ours ? { constraint: ours } : {}) });
  const bad = (message: string): DatabaseRefusal => ({ status: HttpStatus.BAD_REQUEST, message, ...(ours ? { constraint: ours } : {}) });
  switch (code) {
    case '23505': {
      if (known) return conflict(known);
      const columns = keyColumns(detail);
      return conflict(`${columns ? `the same ${columns}` : 'the same value'} already exists${table ? ` in ${table}` : ''}`);
    }
    case '23P01':
      return conflict(known ?? `the change overlaps an existing entry${table ? ` in ${table}` : ''}`);
    case '23503': {
      const other = detailTable(detail);
      if (detail?.includes('is still referenced')) {
        return conflict(`it is still used by ${other ?? 'other records'}; remove or move those first`);
      }
      const columns = keyColumns(detail);
      return conflict(`${columns ?? 'a reference'} names ${other ? `a ${other} record` : 'a record'} that does not exist`);
    }
    case '40001':
    case '40P01':
      return conflict(CONCURRENT);
    case '23514':
      return bad(known ?? `a value breaks the rule ${ours ?? 'of the table'}`);
    case '23502': {
      const column = identifier(error.column);
      return bad(`a required value is missing${column ? ` (${column})` : ''}`);
    }
    case '22P02': {
      if (/^invalid input value for enum/.test(error.message ?? '')) return bad('a value is not one of the allowed values');
      const type = /for type ([a-z ]+):/.exec(error.message ?? '')?.[1];
      const words = type ? TYPE_WORDS[type] : undefined;
      return bad(words ? `a value is not ${words}` : 'a value is not in the expected form');
    }
    default:
      return code && BAD_INPUT[code] ? bad(BAD_INPUT[code]) : null;
  }
}
