import type { INestApplication } from '@nestjs/common';
import { LiveEvents } from '@app/queue';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { operatorToken } from './support/access.js';
import { createApiApp } from './support/test-app.js';

/** The instructors' live stream: Server-Sent Events fed by Redis pub/sub (what the worker publishes). */
describe('GET /api/v1/sessions/:id/stream (SSE over real Redis pub/sub)', () => {
  let app: INestApplication;
  let port: number;
  let token: string;

  beforeAll(async () => {
    app = await createApiApp();
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as { port: number }).port;
    token = await operatorToken(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it("delivers a session's events, and only that session's, as they are published", async () => {
    const sessionId = randomUUID();
    const received: string[] = [];
    const request = http.get(`http://127.0.0.1:${port}/api/v1/sessions/${sessionId}/stream`, { headers: { authorization: `Bearer ${token}` } });
    const response = await new Promise<http.IncomingMessage>((resolve) => request.on('response', resolve));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/event-stream');
    const got = new Promise<void>((resolve) => {
      response.on('data', (chunk: Buffer) => {
        received.push(chunk.toString());
        if (received.join('').includes('objective-met')) resolve();
      });
    });
    const live = app.get(LiveEvents);
    // The subscription is set up when the stream opens; give Redis a moment to confirm it.
    await new Promise((r) => setTimeout(r, 300));
    await live.publish({ sessionId: randomUUID(), type: 'other-session', at: new Date().toISOString(), data: {} });
    await live.publish({ sessionId, type: 'objective-met', at: new Date().toISOString(), data: { objectiveId: 'c2-domain' } });
    await got;
    request.destroy();
    const text = received.join('');
    expect(text).toContain('event: objective-met');
    expect(text).toContain('"objectiveId":"c2-domain"');
    expect(text).not.toContain('other-session');
  });
});
