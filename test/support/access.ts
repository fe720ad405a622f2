import type { INestApplication } from '@nestjs/common';
import { UserDirectory } from '@app/access';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { ROOT } from './processes.js';

type Target = INestApplication | string;

const serverOf = (target: Target) => (typeof target === 'string' ? target : target.getHttpServer());

/** A supertest agent that sends the bearer token on every request. */
export function authed(target: Target, token: string) {
  return request.agent(serverOf(target)).set('Authorization', `Bearer ${token}`);
}

export interface Login {
  token: string;
  userId: string;
  email: string;
  password: string;
}

/**
 * Credentials for e2e suites, the production way: the bootstrap of an operator (UserDirectory, as
 * `npm run access:bootstrap` does), then logins and password changes over HTTP; instructors are
 * created by that operator, trainee codes issued for a session.
 */
export class AccessClient {
  private readonly tag = randomBytes(3).toString('hex');
  private seq = 0;

  private constructor(
    readonly target: Target,
    readonly operator: Login,
  ) {}

  /** Bootstraps an operator in the app (its one-time password changed at first login). */
  static async start(app: INestApplication, target: Target = app): Promise<AccessClient> {
    const email = `operator-${randomBytes(4).toString('hex')}@e2e.example.org`;
    const { user, oneTimePassword } = await app.get(UserDirectory, { strict: false }).bootstrapOperator(email, 'E2E operator');
    const operator = await AccessClient.firstLogin(target, email, oneTimePassword, user.id);
    return new AccessClient(target, operator);
  }

  /** Logs in with a one-time password and changes it: the session the user then works with. */
  static async firstLogin(target: Target, email: string, oneTimePassword: string, userId: string): Promise<Login> {
    const login = await request(serverOf(target)).post('/api/v1/auth/login').send({ email, password: oneTimePassword });
    if (login.status !== 200) throw new Error(`login of ${email}: ${login.status} ${JSON.stringify(login.body)}`);
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const changed = await authed(target, login.body.token).post('/api/v1/auth/password').send({ currentPassword: oneTimePassword, newPassword: password });
    if (changed.status !== 200) throw new Error(`password change of ${email}: ${changed.status} ${JSON.stringify(changed.body)}`);
    return { token: changed.body.token, userId, email, password };
  }

  /** An agent of the operator. */
  asOperator() {
    return authed(this.target, this.operator.token);
  }

  /** A new scheduling instructor (optionally of these courses) with an account, logged in. */
  async instructor(courseCodes = ['A', 'B-1', 'B-2', 'C', 'ONLINE-A']): Promise<Login & { instructorId: string }> {
    const n = ++this.seq;
    const email = `instructor-${this.tag}-${n}@e2e.example.org`;
    const instructor = await this.asOperator().post('/api/v1/instructors').send({ name: `Instructor ${this.tag}-${n}`, email, courseCodes });
    if (instructor.status !== 201) throw new Error(`instructor: ${instructor.status} ${JSON.stringify(instructor.body)}`);
    const user = await this.asOperator().post('/api/v1/users').send({ email, displayName: `Instructor ${n}`, role: 'instructor', instructorId: instructor.body.id });
    if (user.status !== 201) throw new Error(`user: ${user.status} ${JSON.stringify(user.body)}`);
    const login = await AccessClient.firstLogin(this.target, email, user.body.oneTimePassword, user.body.user.id);
    return { ...login, instructorId: instructor.body.id };
  }

  /** Access codes for every team member of a session without one. */
  async issueCodes(sessionId: string): Promise<Array<{ traineeId: string; teamId: string; code: string }>> {
    const res = await this.asOperator().post(`/api/v1/sessions/${sessionId}/access-codes`);
    if (res.status !== 200) throw new Error(`access codes: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.codes;
  }

  /** A trainee's session token from their access code. */
  async traineeLogin(code: string): Promise<string> {
    const res = await request(serverOf(this.target)).post('/api/v1/auth/trainee-login').send({ code });
    if (res.status !== 200) throw new Error(`trainee login: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token;
  }
}

/** The operator's token of an app, for suites that only need "everything". */
export async function operatorToken(app: INestApplication): Promise<string> {
  return (await AccessClient.start(app)).operator.token;
}

/**
 * An operator of an API running as its own process (the built one): `npm run access:bootstrap`
 * (dist/libs/access/src/cli/bootstrap.js, this run's environment), then the first login.
 */
export async function bootstrapOperatorOf(baseUrl: string): Promise<Login> {
  const email = `operator-${randomBytes(4).toString('hex')}@e2e.example.org`;
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'dist/libs/access/src/cli/bootstrap.js'), '--email', email], { env: process.env });
  const oneTimePassword = /one-time password: (\S+)/.exec(stdout)?.[1];
  if (!oneTimePassword) throw new Error(`access:bootstrap printed no password: ${stdout}`);
  return AccessClient.firstLogin(baseUrl, email, oneTimePassword, '');
}
