import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Course catalogue, reference data, sessions, enrollment and teams (issue 3). */
export class Scheduling1764300100000 implements MigrationInterface {
  name = 'Scheduling1764300100000';

  async up(q: QueryRunner): Promise<void> {
    // uuid equality inside GiST exclusion constraints (double booking of venues and instructors).
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(`
      CREATE TABLE regions (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        code text NOT NULL,
        name text NOT NULL,
        sort_order integer NOT NULL DEFAULT 0,
        CONSTRAINT regions_code_key UNIQUE (code)
      )`);
    await q.query(`
      CREATE TABLE prefectures (
        code smallint NOT NULL PRIMARY KEY,
        name text NOT NULL,
        name_ja text NOT NULL,
        region_id uuid NOT NULL,
        CONSTRAINT prefectures_name_key UNIQUE (name),
        CONSTRAINT prefectures_region_fk FOREIGN KEY (region_id) REFERENCES regions (id)
      )`);
    await q.query(`
      CREATE TABLE organisation_types (
        code text NOT NULL PRIMARY KEY,
        name text NOT NULL,
        sort_order integer NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE TABLE organisations (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        name text NOT NULL,
        type_code text NOT NULL,
        prefecture_code smallint,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT organisations_name_key UNIQUE (name),
        CONSTRAINT organisations_type_fk FOREIGN KEY (type_code) REFERENCES organisation_types (code),
        CONSTRAINT organisations_prefecture_fk FOREIGN KEY (prefecture_code) REFERENCES prefectures (code)
      )`);
    await q.query(`
      CREATE TABLE venues (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        name text NOT NULL,
        prefecture_code smallint NOT NULL,
        city text NOT NULL,
        seat_capacity integer NOT NULL,
        range_host_capacity integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT venues_name_key UNIQUE (name),
        CONSTRAINT venues_seat_capacity_check CHECK (seat_capacity > 0),
        CONSTRAINT venues_range_host_capacity_check CHECK (range_host_capacity > 0),
        CONSTRAINT venues_prefecture_fk FOREIGN KEY (prefecture_code) REFERENCES prefectures (code)
      )`);
    await q.query(`
      CREATE TABLE courses (
        code text NOT NULL PRIMARY KEY,
        name text NOT NULL,
        level text NOT NULL,
        format text NOT NULL,
        audience text NOT NULL,
        admitted_organisation_types text[] NOT NULL,
        placement text NOT NULL,
        prefecture_codes smallint[] NOT NULL,
        months smallint[] NOT NULL,
        planned_sessions integer,
        duration_days smallint NOT NULL,
        default_seats integer NOT NULL,
        default_team_size smallint NOT NULL,
        instructors_per_session smallint NOT NULL,
        self_paced boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT courses_format_check CHECK (format IN ('in_person', 'online')),
        CONSTRAINT courses_placement_check CHECK (placement IN ('any_prefecture', 'per_region', 'listed_prefectures', 'online'))
      )`);
    await q.query(`
      CREATE TABLE instructors (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        name text NOT NULL,
        email text NOT NULL,
        course_codes text[] NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT instructors_email_key UNIQUE (email)
      )`);
    await q.query(`
      CREATE TABLE trainees (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        name text NOT NULL,
        email text NOT NULL,
        organisation_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT trainees_email_key UNIQUE (email),
        CONSTRAINT trainees_organisation_fk FOREIGN KEY (organisation_id) REFERENCES organisations (id)
      )`);
    await q.query(`CREATE INDEX trainees_organisation_idx ON trainees (organisation_id)`);
    await q.query(`
      CREATE TABLE annual_plans (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        fiscal_year integer NOT NULL,
        status text NOT NULL DEFAULT 'draft',
        request jsonb NOT NULL,
        warnings jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        CONSTRAINT annual_plans_status_check CHECK (status IN ('draft', 'published'))
      )`);
    await q.query(`
      CREATE TABLE sessions (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        course_code text NOT NULL,
        venue_id uuid,
        prefecture_code smallint,
        region_id uuid,
        fiscal_year integer NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        seats integer NOT NULL,
        team_size smallint NOT NULL DEFAULT 4,
        status text NOT NULL DEFAULT 'draft',
        status_reason text,
        plan_id uuid,
        enrollment_counter integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sessions_period_check CHECK (ends_at > starts_at),
        CONSTRAINT sessions_seats_check CHECK (seats > 0),
        CONSTRAINT sessions_team_size_check CHECK (team_size BETWEEN 1 AND 20),
        CONSTRAINT sessions_status_check CHECK (status IN ('draft', 'open', 'closed', 'provisioning', 'ready', 'running', 'finished', 'cancelled')),
        CONSTRAINT sessions_course_fk FOREIGN KEY (course_code) REFERENCES courses (code),
        CONSTRAINT sessions_venue_fk FOREIGN KEY (venue_id) REFERENCES venues (id),
        CONSTRAINT sessions_prefecture_fk FOREIGN KEY (prefecture_code) REFERENCES prefectures (code),
        CONSTRAINT sessions_region_fk FOREIGN KEY (region_id) REFERENCES regions (id),
        CONSTRAINT sessions_plan_fk FOREIGN KEY (plan_id) REFERENCES annual_plans (id) ON DELETE SET NULL,
        CONSTRAINT sessions_venue_no_overlap EXCLUDE USING gist (venue_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
          WHERE (status <> 'cancelled' AND venue_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX sessions_course_starts_idx ON sessions (course_code, starts_at)`);
    await q.query(`CREATE INDEX sessions_starts_idx ON sessions (starts_at)`);
    await q.query(`CREATE INDEX sessions_plan_idx ON sessions (plan_id)`);
    await q.query(`
      CREATE TABLE session_instructors (
        session_id uuid NOT NULL,
        instructor_id uuid NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        active boolean NOT NULL DEFAULT true,
        PRIMARY KEY (session_id, instructor_id),
        CONSTRAINT session_instructors_session_fk FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE,
        CONSTRAINT session_instructors_instructor_fk FOREIGN KEY (instructor_id) REFERENCES instructors (id),
        CONSTRAINT session_instructors_no_overlap EXCLUDE USING gist (instructor_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
          WHERE (active)
      )`);
    await q.query(`CREATE INDEX session_instructors_instructor_idx ON session_instructors (instructor_id)`);
    await q.query(`
      CREATE TABLE enrollments (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        session_id uuid NOT NULL,
        trainee_id uuid NOT NULL,
        status text NOT NULL,
        arrival integer NOT NULL,
        confirmed_at timestamptz,
        cancelled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT enrollments_session_trainee_key UNIQUE (session_id, trainee_id),
        CONSTRAINT enrollments_status_check CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
        CONSTRAINT enrollments_session_fk FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE,
        CONSTRAINT enrollments_trainee_fk FOREIGN KEY (trainee_id) REFERENCES trainees (id)
      )`);
    await q.query(`CREATE INDEX enrollments_session_status_idx ON enrollments (session_id, status, arrival)`);
    await q.query(`CREATE INDEX enrollments_trainee_idx ON enrollments (trainee_id)`);
    await q.query(`
      CREATE TABLE teams (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        session_id uuid NOT NULL,
        number integer NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT teams_session_number_key UNIQUE (session_id, number),
        CONSTRAINT teams_session_fk FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE team_members (
        enrollment_id uuid NOT NULL PRIMARY KEY,
        team_id uuid NOT NULL,
        session_id uuid NOT NULL,
        trainee_id uuid NOT NULL,
        CONSTRAINT team_members_session_trainee_key UNIQUE (session_id, trainee_id),
        CONSTRAINT team_members_enrollment_fk FOREIGN KEY (enrollment_id) REFERENCES enrollments (id) ON DELETE CASCADE,
        CONSTRAINT team_members_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX team_members_team_idx ON team_members (team_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'team_members',
      'teams',
      'enrollments',
      'session_instructors',
      'sessions',
      'annual_plans',
      'trainees',
      'instructors',
      'courses',
      'venues',
      'organisations',
      'organisation_types',
      'prefectures',
      'regions',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
