import type { INestApplication } from '@nestjs/common';
import { UserDirectory } from '@app/access';

/** The p-th percentile of ascending figures (NaN when there are none). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** One JSON call to the API over loopback HTTP (as a browser or the demo makes it): the status and the body. */
export async function call(base: string, method: string, route: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** A call that must succeed (2xx): its body. */
export async function must(base: string, method: string, route: string, headers: Record<string, string>, body?: unknown): Promise<any> {
  const res = await call(base, method, route, headers, body);
  if (res.status >= 300) throw new Error(`${method} ${route} -> ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

/** A user's first login: the one-time password, changed as the API requires; the session's Authorization header. */
export async function firstLogin(base: string, email: string, oneTimePassword: string, runId: string): Promise<Record<string, string>> {
  const login = await must(base, 'POST', '/auth/login', {}, { email, password: oneTimePassword });
  const changed = await must(base, 'POST', '/auth/password', { authorization: `Bearer ${login.token}` }, { currentPassword: oneTimePassword, newPassword: `bench-${runId}-passphrase` });
  return { authorization: `Bearer ${changed.token as string}` };
}

/** The bench's operator: bootstrapped in the app (as `npm run access:bootstrap` does), then logged in over HTTP. */
export async function benchOperator(app: INestApplication, base: string, runId: string): Promise<Record<string, string>> {
  const email = `operator-${runId}@bench.example.org`;
  const { oneTimePassword } = await app.get(UserDirectory).bootstrapOperator(email, 'Bench operator');
  return firstLogin(base, email, oneTimePassword, runId);
}
