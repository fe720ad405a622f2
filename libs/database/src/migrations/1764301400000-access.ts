import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Identity (issue 9): users, credentials (login sessions, API tokens, trainee sessions), trainee access codes; who and from where in the audit trail. */
export class Access1764301400000 implements MigrationInterface {
  name = 'Access1764301400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        display_name text NOT NULL,
        role text NOT NULL CONSTRAINT users_role_ck CHECK ("role" IN ('operator', 'instructor')),
        instructor_id uuid CONSTRAINT users_instructor_fk REFERENCES instructors (id),
        password_hash text NOT NULL,
        must_change_password boolean NOT NULL DEFAULT true,
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_uq ON users (email)`);
    await q.query(`
      CREATE TABLE credentials (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CONSTRAINT credentials_kind_ck CHECK ("kind" IN ('session', 'api_token', 'trainee_session')),
        token_hash text NOT NULL,
        user_id uuid CONSTRAINT credentials_user_fk REFERENCES users (id) ON DELETE CASCADE,
        trainee_id uuid,
        team_id uuid,
        session_id uuid,
        access_code_id uuid,
        name text,
        scope text NOT NULL DEFAULT 'full' CONSTRAINT credentials_scope_ck CHECK ("scope" IN ('read', 'full')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        idle_seconds integer,
        last_used_at timestamptz NOT NULL,
        revoked_at timestamptz,
        created_address text,
        CONSTRAINT credentials_owner_ck CHECK (("kind" = 'trainee_session') = ("user_id" IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX credentials_token_hash_uq ON credentials (token_hash)`);
    await q.query(`CREATE INDEX credentials_user_idx ON credentials (user_id)`);
    await q.query(`CREATE INDEX credentials_trainee_idx ON credentials (trainee_id)`);
    await q.query(`
      CREATE TABLE trainee_access_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL CONSTRAINT trainee_access_codes_session_fk REFERENCES sessions (id) ON DELETE CASCADE,
        trainee_id uuid NOT NULL CONSTRAINT trainee_access_codes_trainee_fk REFERENCES trainees (id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX trainee_access_codes_hash_uq ON trainee_access_codes (code_hash)`);
    await q.query(`CREATE UNIQUE INDEX trainee_access_codes_live_uq ON trainee_access_codes (session_id, trainee_id) WHERE "revoked_at" IS NULL`);
    await q.query(`ALTER TABLE audit_events ADD COLUMN credential_id text, ADD COLUMN address text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events DROP COLUMN credential_id, DROP COLUMN address`);
    await q.query(`DROP TABLE trainee_access_codes`);
    await q.query(`DROP TABLE credentials`);
    await q.query(`DROP TABLE users`);
  }
}
