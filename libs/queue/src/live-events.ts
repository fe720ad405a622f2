import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { Redis } from 'ioredis';
import { Observable, Subject, filter } from 'rxjs';
import { redisOptionsFromUrl } from './redis-options.js';
import { RedisClient } from './redis-client.js';

/** One thing that happened in a session, pushed to instructors' live streams. */
export interface LiveEvent {
  sessionId: string;
  rangeId?: string;
  teamId?: string;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

/**
 * Live session events over Redis pub/sub, so the worker (attack steps,
 * evaluations) and the API (answers, hints) reach every instructor's SSE
 * stream whichever process they run in. Delivery is best effort: the score
 * ledger in PostgreSQL stays the record.
 */
@Injectable()
export class LiveEvents implements OnApplicationShutdown {
  private readonly logger = new Logger(LiveEvents.name);
  private subscriber: Redis | null = null;
  private readonly incoming = new Subject<LiveEvent>();

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisClient,
  ) {}

  private channel(): string {
    return this.redis.key('live');
  }

  async publish(event: LiveEvent): Promise<void> {
    try {
      await this.redis.redis.publish(this.channel(), JSON.stringify(event));
    } catch (err) {
      this.logger.warn(`live event not published: ${(err as Error).message}`);
    }
  }

  /** Events of one session, as they arrive. */
  stream(sessionId: string): Observable<LiveEvent> {
    this.ensureSubscribed();
    return this.incoming.pipe(filter((e) => e.sessionId === sessionId));
  }

  private ensureSubscribed(): void {
    if (this.subscriber) return;
    this.subscriber = new Redis(redisOptionsFromUrl(this.config.REDIS_URL));
    this.subscriber.on('error', (err: Error) => this.logger.warn(`live subscriber: ${err.message}`));
    this.subscriber.subscribe(this.channel()).catch((err: Error) => this.logger.warn(err.message));
    this.subscriber.on('message', (_channel: string, message: string) => {
      try {
        this.incoming.next(JSON.parse(message) as LiveEvent);
      } catch {
        // Not ours: ignore.
      }
    });
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
    this.incoming.complete();
  }
}
