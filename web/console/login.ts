import { api, ApiError, session } from './api.js';
import { byId, show } from './dom.js';
import { t } from './i18n.js';

/**
 * The login form (#login-form) of both consoles. On submit its inputs (request field -> input id) go
 * to the login route; the token is kept for this tab, the secret input (password or access code) is
 * emptied and the page starts; a refusal is shown in #login-error.
 */
export function handleLogin(route: string, inputs: Record<string, string>, secret: string, start: () => Promise<void>): void {
  byId('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const body = Object.fromEntries(Object.entries(inputs).map(([field, id]) => [field, byId<HTMLInputElement>(id).value]));
      try {
        const issued = await api<{ token: string }>('POST', route, body);
        session.set(issued.token);
        byId<HTMLInputElement>(secret).value = '';
        await start();
      } catch (err) {
        byId('login-error').textContent = `${t('login.failed')}: ${err instanceof ApiError ? err.message : (err as Error).message}`;
      }
    })();
  });
}

/**
 * Who the kept token belongs to (GET /auth/me), with the console shown in place of the login form;
 * null, with the token forgotten and the form left, when there is no valid session.
 */
export async function enterConsole<Me>(): Promise<Me | null> {
  let me: Me;
  try {
    me = await api<Me>('GET', '/auth/me');
  } catch {
    session.clear();
    return null;
  }
  show(byId('login'), false);
  for (const id of ['main', 'status', 'logout']) show(byId(id), true);
  return me;
}
