// Calls to the server's JSON routes. Every failure becomes an Error whose message is the server's
// own sentence, so the page can show it as it is.
import type {
  ChatMessage,
  ConversationSummary,
  DecisionResult,
  SessionInfo,
  UploadInfo,
} from '../../chat-types.ts';

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
  signIn: (token: string, name: string) =>
    call<SessionInfo>('/api/session', json('POST', { token, name })),
  signOut: () => call<SessionInfo>('/api/session', { method: 'DELETE' }),
  conversations: () =>
    call<{ items: ConversationSummary[]; next: string | null }>('/api/conversations?limit=50'),
  conversation: (id: string) =>
    call<{ id: string; title: string; messages: ChatMessage[] }>(
      `/api/conversations/${encodeURIComponent(id)}`,
    ),
  suggestions: () => call<{ items: string[] }>('/api/suggestions'),
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

/** Server URLs made relative, so they load from this page's origin whatever PUBLIC_URL says. */
export function local(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url, window.location.origin);
    if (/^\/(?:files|charts|api)\//.test(u.pathname)) return `${u.pathname}${u.search}`;
    return u.origin === window.location.origin ? `${u.pathname}${u.search}` : undefined;
  } catch {
    return undefined;
  }
}
