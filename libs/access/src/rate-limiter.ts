import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { RedisClient } from '@app/queue';
import { LoginThrottledError, RateLimitUnavailableError, RequestRateLimitedError } from './errors.js';

/** Longest wait between two login attempts once an account or address keeps failing. */
const MAX_LOGIN_DELAY_SECONDS = 900;
/** Failures are forgotten this long after the last one. */
const LOGIN_FAILURE_MEMORY_SECONDS = 3600;
/**
 * An address gets ten times an account's free failures: a whole venue (dozens of trainees typing
 * access codes) may reach us from one NAT address.
 */
const ADDRESS_ALLOWANCE_FACTOR = 10;

/** What the limiter saw: a free request, or the seconds until the next one is allowed. */
export interface LimitVerdict {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * Rate limits held in Redis, so they hold across API processes. Fixed windows (INCR + PEXPIRE in
 * one MULTI: one round trip) for requests; for logins a failure count per account and per address
 * with a growing delay (1 s, 2 s, 4 s ... up to 15 min) after LOGIN_FREE_ATTEMPTS failures of an
 * account (ten times as many of an address).
 * @nestjs/throttler has no Redis storage of its own and no growing delays; this is the part of it we need.
 */
@Injectable()
export class RateLimiter {
  constructor(
    private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {}

  /** Counts one request in `bucket` and refuses it past `limit` per `windowMs`. */
  async hit(bucket: string, limit: number, windowMs: number): Promise<LimitVerdict> {
    const key = this.redis.key('rate', bucket);
    const replies = await this.redis.redis
      .multi()
      .incr(key)
      .pexpire(key, windowMs, 'NX')
      .pttl(key)
      .exec()
      .catch((err: Error) => {
        throw new RateLimitUnavailableError('rate limits are unavailable (Redis does not answer); try again shortly', {}, { cause: err });
      });
    const count = Number(replies?.[0]?.[1] ?? 0);
    const ttl = Number(replies?.[2]?.[1] ?? windowMs);
    if (count <= limit) return { allowed: true, retryAfterSeconds: 0 };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((ttl > 0 ? ttl : windowMs) / 1000)) };
  }

  /**
   * One request: counted per credential (every route) and, for answers, hints and check now, per
   * team (or per credential for callers without a team), in one round trip.
   */
  async perRequest(credentialId: string, team: string | null): Promise<void> {
    const buckets = [{ key: this.redis.key('rate', `cred:${credentialId}`), limit: this.config.RATE_LIMIT_PER_MINUTE, what: 'this credential' }];
    if (team !== null) buckets.push({ key: this.redis.key('rate', `team:${team}`), limit: this.config.RATE_LIMIT_TEAM_PER_MINUTE, what: 'answers, hints or checks of this team' });
    const multi = this.redis.redis.multi();
    for (const { key } of buckets) multi.incr(key).pexpire(key, 60_000, 'NX').pttl(key);
    const replies = await multi.exec().catch((err: Error) => {
      throw new RateLimitUnavailableError('rate limits are unavailable (Redis does not answer); try again shortly', {}, { cause: err });
    });
    buckets.forEach(({ limit, what }, i) => {
      const count = Number(replies?.[i * 3]?.[1] ?? 0);
      const ttl = Number(replies?.[i * 3 + 2]?.[1] ?? 60_000);
      if (count > limit) throw new RequestRateLimitedError(`too many requests: ${what}`, Math.max(1, Math.ceil((ttl > 0 ? ttl : 60_000) / 1000)));
    });
  }

  private loginKeys(subjects: string[]): Array<{ fails: string; wait: string }> {
    return subjects.map((s) => ({ fails: this.redis.key('login', 'fails', s), wait: this.redis.key('login', 'wait', s) }));
  }

  /** Refuses a login attempt while any of its subjects (account, address) is still waiting out a delay. */
  async checkLogin(subjects: string[]): Promise<void> {
    const keys = this.loginKeys(subjects);
    const waits = await Promise.all(keys.map((k) => this.redis.redis.pttl(k.wait))).catch((err: Error) => {
      throw new RateLimitUnavailableError('login limits are unavailable (Redis does not answer); try again shortly', {}, { cause: err });
    });
    const longest = Math.max(0, ...waits);
    if (longest > 0) throw new LoginThrottledError('too many failed logins; wait before trying again', Math.ceil(longest / 1000));
  }

  /** Records a failed login; returns the delay (seconds) now imposed on the next attempt. */
  async loginFailed(subjects: string[]): Promise<number> {
    let delay = 0;
    for (const key of this.loginKeys(subjects)) {
      const replies = await this.redis.redis.multi().incr(key.fails).expire(key.fails, LOGIN_FAILURE_MEMORY_SECONDS).exec();
      const failures = Number(replies?.[0]?.[1] ?? 0);
      const free = key.fails.includes(':address:') ? this.config.LOGIN_FREE_ATTEMPTS * ADDRESS_ALLOWANCE_FACTOR : this.config.LOGIN_FREE_ATTEMPTS;
      const over = failures - free;
      if (over <= 0) continue;
      const seconds = Math.min(MAX_LOGIN_DELAY_SECONDS, 2 ** (over - 1));
      await this.redis.redis.set(key.wait, '1', 'EX', seconds);
      delay = Math.max(delay, seconds);
    }
    return delay;
  }

  /** A successful login clears the account's failures (not the address's: one good account does not unlock a spraying address). */
  async loginSucceeded(account: string): Promise<void> {
    const [key] = this.loginKeys([account]);
    await this.redis.redis.del(key!.fails, key!.wait);
  }
}
