/** Calls to the API of this origin with the user's bearer token (kept for this tab only). */
const TOKEN_KEY = 'cyder.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) {
    const err = (parsed ?? {}) as Record<string, unknown>;
    const fields = Array.isArray(err.errors) ? (err.errors as Array<{ field: string; messages: string[] }>).map((e) => `${e.field}: ${e.messages.join(', ')}`).join('; ') : '';
    throw new ApiError(res.status, `${String(err.message ?? res.statusText)}${fields ? ` (${fields})` : ''}`, err);
  }
  return parsed as T;
}

/** One event: its SSE type and the JSON it carried (the trainee's TraineeEvent, the instructors' LiveEvent). */
/** Ends the caller's session on the server (if it is still there) and starts the page afresh. */
export async function logout(): Promise<void> {
  try {
    await api('POST', '/auth/logout');
  } catch {
    // Gone already: the page forgets it either way.
  }
  session.clear();
  location.reload();
}

export interface StreamEvent {
  type: string;
  payload: { data?: Record<string, unknown>; teamId?: string; rangeId?: string; at?: string; [key: string]: unknown };
}

/**
 * Server-Sent Events with the bearer token: EventSource cannot send an Authorization header, so the
 * stream is read with fetch and parsed here. Reconnects after a drop until stop() is called;
 * onOpen runs on every (re)connection, so the caller can catch up on what it missed.
 */
export function openStream(path: string, onEvent: (event: StreamEvent) => void, onOpen: () => void): { stop: () => void } {
  let stopped = false;
  let controller: AbortController | null = null;
  const run = async (): Promise<void> => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const res = await fetch(`/api/v1${path}`, { headers: { Authorization: `Bearer ${session.token() ?? ''}`, Accept: 'text/event-stream' }, signal: controller.signal });
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        onOpen();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let type = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) type = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
            }
            if (!data.length) continue;
            try {
              onEvent({ type, payload: JSON.parse(data.join('\n')) as StreamEvent['payload'] });
            } catch {
              // Not JSON: not one of ours.
            }
          }
        }
      } catch {
        // Dropped or refused: try again shortly.
      }
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  };
  void run();
  return {
    stop: () => {
      stopped = true;
      controller?.abort();
    },
  };
}
