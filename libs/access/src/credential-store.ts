import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { CredentialEntity, TraineeEntity, UserEntity } from '@app/database';
import { RedisClient, redisOptionsFromUrl } from '@app/queue';
import { Redis } from 'ioredis';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import type { Principal } from './principal.js';
import { Role } from './roles.js';
import { newToken, secretHash } from './secrets.js';

interface Cached {
  principal: Principal;
  userId: string | null;
  /** The cache keeps a credential at most this long (ACCESS_CACHE_MS), and never past its own expiry. */
  until: number;
}

/** Rows of an UPDATE ... RETURNING: TypeORM answers `[rows, affected]` for updates on PostgreSQL. */
export function returnedRows<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

/** Last-use writes are batched: a sliding idle limit of minutes does not need a write per request. */
const TOUCH_EVERY_MS = 60_000;

export interface IssuedCredential {
  token: string;
  credential: CredentialEntity;
}

/**
 * Server-side credentials: login sessions, API tokens and trainee sessions. A token is 32 random
 * bytes; PostgreSQL keeps its sha256 with the expiry, idle limit and revocation. Validated tokens
 * are trusted in-process for ACCESS_CACHE_MS; a revocation is announced over Redis pub/sub so
 * every API process forgets it at once (a JWT could not be revoked before it expires).
 */
@Injectable()
export class CredentialStore implements OnApplicationShutdown {
  private readonly logger = new Logger(CredentialStore.name);
  private readonly cache = new Map<string, Cached>();
  private subscriber: Redis | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly redis: RedisClient,
  ) {}

  private channel(): string {
    return this.redis.key('access', 'revoked');
  }

  /** Listens for revocations from every process; called once at boot by the access module. */
  async listen(): Promise<void> {
    if (this.subscriber) return;
    this.subscriber = new Redis(redisOptionsFromUrl(this.config.REDIS_URL));
    this.subscriber.on('error', (err: Error) => this.logger.warn(`revocation subscriber: ${err.message}`));
    this.subscriber.on('message', (_channel: string, message: string) => this.forgetLocally(message));
    await this.subscriber.subscribe(this.channel());
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriber?.disconnect();
    this.subscriber = null;
  }

  /** A new login session of a user (operator or instructor). */
  async openUserSession(user: UserEntity, address: string | null, manager: EntityManager = this.dataSource.manager): Promise<IssuedCredential> {
    const now = Date.now();
    return this.insert(manager, 'cys', {
      kind: 'session',
      userId: user.id,
      scope: 'full',
      expiresAt: new Date(now + this.config.ACCESS_SESSION_HOURS * 3600_000),
      idleSeconds: this.config.ACCESS_SESSION_IDLE_MINUTES * 60,
      createdAddress: address,
    });
  }

  /** A personal API token: named, scoped, expiring, no idle limit. */
  async issueApiToken(userId: string, name: string, scope: 'read' | 'full', expiresAt: Date, address: string | null): Promise<IssuedCredential> {
    return this.insert(this.dataSource.manager, 'cyt', { kind: 'api_token', userId, name, scope, expiresAt, idleSeconds: null, createdAddress: address });
  }

  /** A trainee's session, bound to their team in one session, ending with the session at the latest. */
  async openTraineeSession(
    bound: { traineeId: string; teamId: string; sessionId: string; accessCodeId: string; endsAt: Date },
    address: string | null,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<IssuedCredential> {
    const now = Date.now();
    return this.insert(manager, 'cys', {
      kind: 'trainee_session',
      traineeId: bound.traineeId,
      teamId: bound.teamId,
      sessionId: bound.sessionId,
      accessCodeId: bound.accessCodeId,
      scope: 'full',
      expiresAt: new Date(Math.min(bound.endsAt.getTime(), now + this.config.ACCESS_SESSION_HOURS * 3600_000)),
      idleSeconds: this.config.ACCESS_SESSION_IDLE_MINUTES * 60,
      createdAddress: address,
    });
  }

  private async insert(manager: EntityManager, prefix: 'cys' | 'cyt', values: Partial<CredentialEntity>): Promise<IssuedCredential> {
    const token = newToken(prefix);
    const now = new Date();
    const credential = manager.create(CredentialEntity, { ...values, tokenHash: secretHash(token), lastUsedAt: now, revokedAt: null });
    await manager.save(credential);
    return { token, credential };
  }

  /** The principal a bearer token proves, or null (unknown, expired, idle too long, revoked, or its user disabled). */
  async authenticate(token: string): Promise<Principal | null> {
    const hash = secretHash(token);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.principal;
    if (cached) this.cache.delete(hash);

    const credential = await this.dataSource.getRepository(CredentialEntity).findOne({ where: { tokenHash: hash, revokedAt: IsNull() } });
    if (!credential || credential.expiresAt.getTime() <= now) return null;
    if (credential.idleSeconds !== null && credential.lastUsedAt.getTime() + credential.idleSeconds * 1000 <= now) return null;
    const principal = await this.principalOf(credential);
    if (!principal) return null;
    if (now - credential.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
      await this.dataSource.getRepository(CredentialEntity).update({ id: credential.id }, { lastUsedAt: new Date(now) });
    }
    // Cached no longer than the idle limit could end it (a touch happens at most every minute) nor past its expiry.
    const idleEnd = credential.idleSeconds === null ? Infinity : now + credential.idleSeconds * 1000 - TOUCH_EVERY_MS;
    const until = Math.min(now + this.config.ACCESS_CACHE_MS, credential.expiresAt.getTime(), idleEnd);
    if (until > now) this.cache.set(hash, { principal, userId: credential.userId, until });
    return principal;
  }

  private async principalOf(credential: CredentialEntity): Promise<Principal | null> {
    if (credential.kind === 'trainee_session') {
      const trainee = await this.dataSource.getRepository(TraineeEntity).findOne({ where: { id: credential.traineeId! } });
      if (!trainee) return null;
      return {
        kind: 'trainee',
        id: trainee.id,
        role: Role.Trainee,
        displayName: trainee.name,
        traineeId: trainee.id,
        teamId: credential.teamId!,
        sessionId: credential.sessionId!,
        credentialId: credential.id,
        scope: 'full',
      };
    }
    const user = await this.dataSource.getRepository(UserEntity).findOne({ where: { id: credential.userId! } });
    if (!user || user.disabled) return null;
    return {
      kind: 'user',
      id: user.id,
      role: user.role === 'operator' ? Role.Operator : Role.Instructor,
      displayName: user.displayName,
      ...(user.instructorId ? { instructorId: user.instructorId } : {}),
      credentialId: credential.id,
      scope: credential.scope,
      mustChangePassword: user.mustChangePassword,
    };
  }

  /** Revokes one credential (logout, a deleted API token); effective in every process at once. */
  async revoke(credentialId: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    return (await this.revokeWhere(manager, 'id = $1', [credentialId])) > 0;
  }

  /** Revokes every credential of a user (password change or reset), API tokens included when asked. */
  async revokeAllOfUser(userId: string, options: { apiTokens: boolean }, manager: EntityManager = this.dataSource.manager): Promise<number> {
    return this.revokeWhere(manager, `user_id = $1 AND ($2 OR kind <> 'api_token')`, [userId, options.apiTokens]);
  }

  /** Revokes the sessions opened with one access code (reissued code). */
  async revokeOfAccessCode(accessCodeId: string, manager: EntityManager = this.dataSource.manager): Promise<number> {
    return this.revokeWhere(manager, 'access_code_id = $1', [accessCodeId]);
  }

  /** Revokes the live credentials matching `condition` (a constant SQL text; values only as parameters) and announces them. */
  private async revokeWhere(manager: EntityManager, condition: string, parameters: unknown[]): Promise<number> {
    const rows = returnedRows<{ token_hash: string }>(
      await manager.query(`UPDATE credentials SET revoked_at = now() WHERE ${condition} AND revoked_at IS NULL RETURNING token_hash`, parameters),
    );
    await this.announce(rows.map((r) => r.token_hash));
    return rows.length;
  }

  private async announce(hashes: string[]): Promise<void> {
    if (hashes.length === 0) return;
    for (const hash of hashes) this.cache.delete(hash);
    try {
      await this.redis.redis.publish(this.channel(), hashes.join(','));
    } catch (err) {
      // Other processes then forget it within ACCESS_CACHE_MS at the latest.
      this.logger.warn(`revocation not announced (${(err as Error).message}); other API processes drop it within ACCESS_CACHE_MS`);
    }
  }

  private forgetLocally(message: string): void {
    for (const hash of message.split(',')) this.cache.delete(hash);
  }
}
