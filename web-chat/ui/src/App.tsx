// The page: a conversation sidebar, the chat, and sign-in when the server is shared. The open
// conversation is in the address (#c=<id>), so a reload or a shared link opens it again.
import { useCallback, useEffect, useState } from 'react';
import type { ChatMessage, ConversationSummary, SessionInfo } from '../../chat-types.ts';
import { api } from './api.ts';
import { Chat } from './Chat.tsx';

const fromHash = () => /[#&]c=([a-z0-9-]{2,64})/.exec(window.location.hash)?.[1] ?? null;
const newConversationId = () => crypto.randomUUID();

export function App() {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);

  const load = useCallback(() => {
    setFatal(null);
    api.session().then(setSession, (e: Error) => setFatal(e.message));
  }, []);
  useEffect(() => load(), [load]);

  if (fatal) {
    return (
      <div className="center" role="alert">
        <p>{fatal}</p>
        <button type="button" onClick={load}>
          Try again
        </button>
      </div>
    );
  }
  if (!session) return <div className="center">Loading…</div>;
  if (session.mode === 'token' && !session.user) return <SignIn onDone={setSession} />;
  return <Workspace session={session} onSignOut={() => api.signOut().then(setSession, load)} />;
}

function SignIn({ onDone }: { onDone: (s: SessionInfo) => void }) {
  const [token, setToken] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="center signin"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        api.signIn(token, name).then(onDone, (err: Error) => setError(err.message));
      }}
    >
      <h1>Curator</h1>
      <label>
        Your name
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoComplete="name"
          required
        />
      </label>
      <label>
        Access token
        <input
          type="password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          autoComplete="current-password"
          required
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">Sign in</button>
    </form>
  );
}

interface Open {
  id: string;
  messages: ChatMessage[];
  /** Bumped to remount the chat on a new conversation. */
  key: string;
}

function Workspace({ session, onSignOut }: { session: SessionInfo; onSignOut: () => void }) {
  const [list, setList] = useState<ConversationSummary[]>([]);
  const [listError, setListError] = useState<string | null>(null);
  const [open, setOpen] = useState<Open | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);
  const [menu, setMenu] = useState(false);
  const [suggested, setSuggested] = useState<string[]>([]);

  const refresh = useCallback(() => {
    api.conversations().then(
      (r) => {
        setList(r.items);
        setListError(null);
      },
      (e: Error) => setListError(e.message),
    );
  }, []);

  const openConversation = useCallback((id: string | null) => {
    setOpenError(null);
    setMenu(false);
    if (!id) {
      const fresh = newConversationId();
      history.replaceState(null, '', `#c=${fresh}`);
      setOpen({ id: fresh, messages: [], key: fresh });
      return;
    }
    history.replaceState(null, '', `#c=${id}`);
    api.conversation(id).then(
      (c) => setOpen({ id, messages: c.messages, key: `${id}:${Date.now()}` }),
      (e: Error & { status?: number }) => {
        // A new conversation's id is in the address before its first answer is stored.
        if (e.status === 404) setOpen({ id, messages: [], key: id });
        else setOpenError(e.message);
      },
    );
  }, []);

  useEffect(() => {
    refresh();
    openConversation(fromHash());
    api.suggestions().then(
      (r) => setSuggested(r.items),
      () => setSuggested([]),
    );
  }, [refresh, openConversation]);

  return (
    <div className={`layout${menu ? ' menu-open' : ''}`}>
      <aside className="sidebar" aria-label="Conversations">
        <div className="sidebar-head">
          <span className="brand">Curator</span>
          <button type="button" className="primary" onClick={() => openConversation(null)}>
            New chat
          </button>
        </div>
        {listError && (
          <p className="error" role="alert">
            {listError}
          </p>
        )}
        <nav>
          <ul className="conversations">
            {list.map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  className={open?.id === c.id ? 'current' : ''}
                  aria-current={open?.id === c.id ? 'page' : undefined}
                  onClick={() => openConversation(c.id)}
                  title={c.title}
                >
                  <span className="conv-title">{c.title}</span>
                  <time dateTime={c.updatedAt}>{new Date(c.updatedAt).toLocaleString()}</time>
                </button>
              </li>
            ))}
            {!list.length && !listError && <li className="muted">No conversations yet.</li>}
          </ul>
        </nav>
        <div className="sidebar-foot">
          <span>
            Signed in as <strong>{session.user}</strong>
          </span>
          {session.mode === 'token' && (
            <button type="button" onClick={onSignOut}>
              Sign out
            </button>
          )}
        </div>
      </aside>
      <main className="main">
        <header className="topbar">
          <button
            type="button"
            className="menu-button"
            aria-expanded={menu}
            aria-label="Conversations"
            onClick={() => setMenu(!menu)}
          >
            ☰
          </button>
          <span className="model" title="The model that answers in this chat">
            Model: <strong>{modelName(session.model)}</strong>
          </span>
        </header>
        {openError && (
          <div className="error" role="alert">
            {openError}{' '}
            <button type="button" onClick={() => openConversation(open?.id ?? fromHash())}>
              Retry
            </button>
          </div>
        )}
        {open && (
          <Chat
            key={open.key}
            id={open.id}
            initialMessages={open.messages}
            defaultModel={session.model}
            suggestions={suggested}
            onTurnDone={refresh}
          />
        )}
      </main>
    </div>
  );
}

export function modelName(id: string | undefined): string {
  if (!id) return 'unknown';
  return id === 'offline-planner' ? 'offline planner (no LLM)' : id;
}
