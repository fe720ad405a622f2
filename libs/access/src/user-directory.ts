import { Injectable } from '@nestjs/common';
import { AuditTrail, CredentialEntity, InstructorEntity, UserEntity } from '@app/database';
import { DataSource } from 'typeorm';
import { CredentialStore, type IssuedCredential } from './credential-store.js';
import { AccessConflictError, AccessInputError, AccessNotFoundError, NotAuthenticatedError } from './errors.js';
import { decoyPasswordHash, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.js';
import { actorOf, type Principal } from './principal.js';
import { RateLimiter } from './rate-limiter.js';
import { oneTimePassword } from './secrets.js';

export interface NewUser {
  email: string;
  displayName: string;
  role: 'operator' | 'instructor';
  instructorId?: string;
}

export interface ApiTokenView {
  id: string;
  name: string;
  scope: 'read' | 'full';
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date;
  revokedAt: Date | null;
}

/** Operators and instructors: accounts, password logins, password changes and personal API tokens. */
@Injectable()
export class UserDirectory {
  constructor(
    private readonly dataSource: DataSource,
    private readonly credentials: CredentialStore,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditTrail,
  ) {}

  /** A new account with a one-time password (returned once; it must be changed at first login). */
  async create(input: NewUser, actor: string): Promise<{ user: UserEntity; oneTimePassword: string }> {
    const email = normalizeEmail(input.email);
    if (input.role === 'instructor' && !input.instructorId) {
      throw new AccessInputError('an instructor account names its instructor', [{ field: 'instructorId', messages: ['instructorId is required for an instructor'] }]);
    }
    if (input.role === 'operator' && input.instructorId) {
      throw new AccessInputError('an operator account has no instructor', [{ field: 'instructorId', messages: ['instructorId is only for instructors'] }]);
    }
    const password = oneTimePassword();
    const passwordHash = await hashPassword(password);
    const user = await this.dataSource.transaction(async (manager) => {
      if (await manager.existsBy(UserEntity, { email })) throw new AccessConflictError(`an account with e-mail ${email} already exists`);
      if (input.instructorId && !(await manager.existsBy(InstructorEntity, { id: input.instructorId }))) {
        throw new AccessNotFoundError(`instructor ${input.instructorId} does not exist`);
      }
      const created = await manager.save(
        manager.create(UserEntity, {
          email,
          displayName: input.displayName.trim(),
          role: input.role,
          instructorId: input.instructorId ?? null,
          passwordHash,
          mustChangePassword: true,
          disabled: false,
        }),
      );
      await this.audit.record({ actor, action: 'user.created', subjectType: 'user', subjectId: created.id, details: { email, role: input.role } }, manager);
      return created;
    });
    return { user, oneTimePassword: password };
  }

  /**
   * The first operator (bootstrap command): created, or given a new one-time password when it
   * exists. Every session of an existing account ends.
   */
  async bootstrapOperator(emailInput: string, displayName: string): Promise<{ user: UserEntity; oneTimePassword: string; created: boolean }> {
    const email = normalizeEmail(emailInput);
    const existing = await this.dataSource.getRepository(UserEntity).findOne({ where: { email } });
    if (!existing) {
      const { user, oneTimePassword: password } = await this.create({ email, displayName, role: 'operator' }, 'system:bootstrap');
      return { user, oneTimePassword: password, created: true };
    }
    if (existing.role !== 'operator') throw new AccessConflictError(`${email} is an ${existing.role} account, not an operator`);
    const password = await this.resetPassword(existing.id, 'system:bootstrap');
    return { user: existing, oneTimePassword: password, created: false };
  }

  /** A new one-time password for an account (operator route, bootstrap); every session and API token of it ends. */
  async resetPassword(userId: string, actor: string): Promise<string> {
    const password = oneTimePassword();
    const passwordHash = await hashPassword(password);
    await this.dataSource.transaction(async (manager) => {
      const result = await manager.update(UserEntity, { id: userId }, { passwordHash, mustChangePassword: true, disabled: false });
      if (!result.affected) throw new AccessNotFoundError(`user ${userId} does not exist`);
      await this.audit.record({ actor, action: 'user.password-reset', subjectType: 'user', subjectId: userId }, manager);
    });
    await this.credentials.revokeAllOfUser(userId, { apiTokens: true });
    return password;
  }

  /**
   * E-mail and password login. Unknown e-mail and wrong password answer the same, in the same time;
   * failures slow further attempts per account and per address.
   */
  async login(emailInput: string, password: string, address: string): Promise<IssuedCredential & { user: UserEntity }> {
    const email = normalizeEmail(emailInput);
    const subjects = [`account:${email}`, `address:${address}`];
    await this.limiter.checkLogin(subjects);
    const user = await this.dataSource.getRepository(UserEntity).findOne({ where: { email } });
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
    if (!user || !ok || user.disabled) {
      const delay = await this.limiter.loginFailed(subjects);
      await this.audit.record({
        actor: user ? `${user.role}:${user.id}` : 'anonymous',
        action: 'auth.login-failed',
        subjectType: 'user',
        subjectId: user?.id ?? email,
        details: { email, delaySeconds: delay },
        address,
      });
      throw new NotAuthenticatedError('wrong e-mail or password');
    }
    await this.limiter.loginSucceeded(`account:${email}`);
    const issued = await this.credentials.openUserSession(user, address);
    await this.audit.record({ actor: `${user.role}:${user.id}`, action: 'auth.login', subjectType: 'user', subjectId: user.id, credentialId: issued.credential.id, address });
    return { ...issued, user };
  }

  /** Changes the caller's password: every session and API token of the user ends; a fresh session is returned. */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string, address: string): Promise<IssuedCredential> {
    if (principal.kind !== 'user') throw new AccessInputError('trainees have no password');
    if (newPassword.length < MIN_PASSWORD_LENGTH) {
      throw new AccessInputError(`a password has at least ${MIN_PASSWORD_LENGTH} characters`, [
        { field: 'newPassword', messages: [`newPassword must have at least ${MIN_PASSWORD_LENGTH} characters`] },
      ]);
    }
    if (newPassword === currentPassword) {
      throw new AccessInputError('the new password is the current one', [{ field: 'newPassword', messages: ['newPassword must differ from the current password'] }]);
    }
    const user = await this.dataSource.getRepository(UserEntity).findOneOrFail({ where: { id: principal.id } });
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      await this.limiter.loginFailed([`account:${user.email}`, `address:${address}`]);
      throw new NotAuthenticatedError('the current password is wrong');
    }
    const passwordHash = await hashPassword(newPassword);
    await this.dataSource.transaction(async (manager) => {
      await manager.update(UserEntity, { id: user.id }, { passwordHash, mustChangePassword: false });
      await this.audit.record({ actor: actorOf(principal), action: 'user.password-changed', subjectType: 'user', subjectId: user.id }, manager);
    });
    await this.credentials.revokeAllOfUser(user.id, { apiTokens: true });
    return this.credentials.openUserSession({ ...user, mustChangePassword: false }, address);
  }

  async logout(principal: Principal): Promise<void> {
    await this.credentials.revoke(principal.credentialId);
    await this.audit.record({ actor: actorOf(principal), action: 'auth.logout', subjectType: 'credential', subjectId: principal.credentialId });
  }

  async list(): Promise<UserEntity[]> {
    return this.dataSource.getRepository(UserEntity).find({ order: { createdAt: 'ASC' } });
  }

  async get(userId: string): Promise<UserEntity> {
    const user = await this.dataSource.getRepository(UserEntity).findOne({ where: { id: userId } });
    if (!user) throw new AccessNotFoundError(`user ${userId} does not exist`);
    return user;
  }

  /** Disables or enables an account; disabling ends every session and API token of it. */
  async setDisabled(userId: string, disabled: boolean, actor: string): Promise<UserEntity> {
    const result = await this.dataSource.getRepository(UserEntity).update({ id: userId }, { disabled });
    if (!result.affected) throw new AccessNotFoundError(`user ${userId} does not exist`);
    if (disabled) await this.credentials.revokeAllOfUser(userId, { apiTokens: true });
    await this.audit.record({ actor, action: disabled ? 'user.disabled' : 'user.enabled', subjectType: 'user', subjectId: userId });
    return this.get(userId);
  }

  /** A personal API token for scripts; the secret is returned once. */
  async issueApiToken(principal: Principal, name: string, scope: 'read' | 'full', expiresInDays: number, address: string): Promise<{ token: string; view: ApiTokenView }> {
    if (principal.kind !== 'user') throw new AccessInputError('trainees cannot hold API tokens');
    const { token, credential } = await this.credentials.issueApiToken(principal.id, name.trim(), scope, new Date(Date.now() + expiresInDays * 86400_000), address);
    await this.audit.record({ actor: actorOf(principal), action: 'api-token.issued', subjectType: 'credential', subjectId: credential.id, details: { name, scope } });
    return { token, view: tokenView(credential) };
  }

  async listApiTokens(principal: Principal): Promise<ApiTokenView[]> {
    const rows = await this.dataSource.getRepository(CredentialEntity).find({ where: { userId: principal.id, kind: 'api_token' }, order: { createdAt: 'ASC' } });
    return rows.map(tokenView);
  }

  /** Revokes one of the caller's API tokens (operators: anyone's). Another user's token answers 404 to a non-operator. */
  async revokeApiToken(principal: Principal, tokenId: string): Promise<void> {
    const token = await this.dataSource.getRepository(CredentialEntity).findOne({ where: { id: tokenId, kind: 'api_token' } });
    if (!token || (token.userId !== principal.id && principal.role !== 'operator')) throw new AccessNotFoundError(`API token ${tokenId} does not exist`);
    await this.credentials.revoke(token.id);
    await this.audit.record({ actor: actorOf(principal), action: 'api-token.revoked', subjectType: 'credential', subjectId: token.id });
  }
}

function tokenView(c: CredentialEntity): ApiTokenView {
  return { id: c.id, name: c.name ?? '', scope: c.scope, createdAt: c.createdAt, expiresAt: c.expiresAt, lastUsedAt: c.lastUsedAt, revokedAt: c.revokedAt };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
