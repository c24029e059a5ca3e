// Calls to the server's JSON routes. Every failure becomes an Error whose message is the server's
// own sentence, so the page can show it as it is.
import type {
  ChatMessage,
  ConversationSummary,
  DecisionResult,
  PendingAction,
  SessionInfo,
  UploadInfo,
} from '../../chat-types.ts';

/** Fired when the server says the session is gone, so the page goes back to the sign-in form. */
export const SIGNED_OUT_EVENT = 'curator:signed-out';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Check that curator serve is running.');
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: fall through to the status line.
  }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/api/session')) {
      window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    }
    const msg =
      (body as { error?: { message?: string } } | null)?.error?.message ??
      `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, msg);
  }
  return body as T;
}

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const api = {
  session: () => call<SessionInfo>('/api/session'),
  signIn: (token: string, name: string | undefined) =>
    call<SessionInfo>('/api/session', json('POST', { token, name })),
  signOut: () => call<SessionInfo>('/api/session', { method: 'DELETE' }),
  conversations: (cursor?: string) =>
    call<{ items: ConversationSummary[]; next: string | null }>(
      `/api/conversations?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    ),
  conversation: (id: string) =>
    call<{ id: string; title: string; messages: ChatMessage[]; truncated?: boolean }>(
      `/api/conversations/${encodeURIComponent(id)}`,
    ),
  suggestions: () => call<{ items: string[] }>('/api/suggestions'),
  inbox: () => call<{ items: PendingAction[] }>('/api/chat/actions'),
  decide: (id: string, decision: 'approve' | 'deny', conversationId: string, input: unknown) =>
    call<DecisionResult>(
      `/api/chat/actions/${encodeURIComponent(id)}/${decision}`,
      json('POST', { conversationId, input }),
    ),
  upload: (file: File) => {
    const form = new FormData();
    form.append('file', file);
    return call<UploadInfo>('/api/uploads', { method: 'POST', body: form });
  },
};

/**
 * Server URLs made relative, so they load from this page's origin whatever PUBLIC_URL says. Only
 * this server's own files, charts and API qualify: anything else (another site, a path that a
 * browser would read as another host, a script URL) is not a link.
 */
export function local(url: string | undefined): string | undefined {
  if (!url || /[\\\s]/.test(url)) return undefined;
  try {
    const u = new URL(url, window.location.origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    if (!/^\/(?:files|charts|api)\/[^/]/.test(u.pathname)) return undefined;
    return `${u.pathname}${u.search}`;
  } catch {
    return undefined;
  }
}

/** A random conversation id (a UUID v4), also on plain-http pages where randomUUID is missing. */
export function newId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
