// The page: a conversation sidebar, the chat, and sign-in when the server is shared. The open
// conversation is in the address (#c=<id>), so a reload or a shared link opens it again.
import { Component, type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import type {
  ChatMessage,
  ConversationSummary,
  PendingAction,
  SessionInfo,
} from '../../chat-types.ts';
import { type ApiError, api, newId, SIGNED_OUT_EVENT } from './api.ts';
import { Chat } from './Chat.tsx';
import { DECIDED_EVENT, ViewBlock } from './Views.tsx';

const fromHash = () => /[#&]c=([a-z0-9-]{2,64})/.exec(window.location.hash)?.[1] ?? null;

type Session = SessionInfo;

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);

  const load = useCallback(() => {
    setFatal(null);
    api.session().then(setSession, (e: Error) => setFatal(e.message));
  }, []);
  useEffect(() => load(), [load]);
  // A session that ends (expired, signed out elsewhere) brings the sign-in form back.
  useEffect(() => {
    window.addEventListener(SIGNED_OUT_EVENT, load);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, load);
  }, [load]);

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
  if (session.mode === 'token' && !session.user) {
    return <SignIn session={session} onDone={setSession} />;
  }
  return (
    <Boundary>
      <Workspace
        key={session.user}
        session={session}
        onSignOut={() => {
          history.replaceState(null, '', window.location.pathname);
          api.signOut().then(setSession, load);
        }}
      />
    </Boundary>
  );
}

/** A rendering fault shows as a message with a way back, never as a blank page. */
class Boundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="center" role="alert">
        <p>Something on this page failed: {this.state.error.message}</p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}

function SignIn({ session, onDone }: { session: Session; onDone: (s: Session) => void }) {
  const [token, setToken] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const personal = session.signIn?.personal ?? false;
  const shared = session.signIn?.shared ?? true;
  return (
    <form
      className="center signin"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        api
          .signIn(token, name.trim() || undefined)
          .then(onDone, (err: Error) => setError(err.message));
      }}
    >
      <h1>Curator</h1>
      <label>
        {personal && !shared ? 'Your token' : 'Access token'}
        <input
          type="password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          autoComplete="current-password"
          required
        />
      </label>
      {shared && (
        <label>
          Your name{personal ? ' (not needed with a personal token)' : ''}
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="name"
            required={!personal}
          />
        </label>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary">
        Sign in
      </button>
    </form>
  );
}

interface Open {
  id: string;
  messages: ChatMessage[];
  truncated?: boolean;
  /** Bumped to remount the chat on a new conversation. */
  key: string;
}

function Workspace({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const [list, setList] = useState<ConversationSummary[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [open, setOpen] = useState<Open | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [menu, setMenu] = useState(false);
  const [narrow, setNarrow] = useState(() => window.matchMedia('(max-width: 760px)').matches);
  const [suggested, setSuggested] = useState<string[]>([]);
  const [inbox, setInbox] = useState<PendingAction[] | null>(null);
  const [showInbox, setShowInbox] = useState(false);
  /** Ids minted in this tab: only these may be empty because nothing was said in them yet. */
  const minted = useRef(new Set<string>());
  /** The latest open request: a slower earlier one must not replace it. */
  const opening = useRef(0);

  const refresh = useCallback(() => {
    api.conversations().then(
      (r) => {
        setList(r.items);
        setNext(r.next);
        setListError(null);
      },
      (e: Error) => setListError(e.message),
    );
  }, []);

  const older = () => {
    if (!next) return;
    api.conversations(next).then(
      (r) => {
        setList((l) => [...l, ...r.items.filter((i) => !l.some((x) => x.id === i.id))]);
        setNext(r.next);
      },
      (e: Error) => setListError(e.message),
    );
  };

  // The approver group's inbox: every conversation's pending actions, read again after decisions.
  const readInbox = useCallback(() => {
    if (!session.approver) return;
    api.inbox().then(
      (r) => setInbox(r.items),
      () => setInbox(null),
    );
  }, [session.approver]);
  useEffect(() => {
    readInbox();
    if (!session.approver) return;
    const t = setInterval(readInbox, 30_000);
    window.addEventListener(DECIDED_EVENT, readInbox);
    return () => {
      clearInterval(t);
      window.removeEventListener(DECIDED_EVENT, readInbox);
    };
  }, [readInbox, session.approver]);

  const fresh = useCallback(() => {
    const id = newId();
    minted.current.add(id);
    history.replaceState(null, '', `#c=${id}`);
    setOpen({ id, messages: [], key: id });
  }, []);

  const openConversation = useCallback(
    (id: string | null) => {
      const ticket = ++opening.current;
      setNotice(null);
      setMenu(false);
      setShowInbox(false);
      if (!id) return fresh();
      history.replaceState(null, '', `#c=${id}`);
      api.conversation(id).then(
        (c) => {
          if (ticket !== opening.current) return;
          setOpen({ id, messages: c.messages, truncated: c.truncated, key: `${id}:${Date.now()}` });
        },
        (e: ApiError) => {
          if (ticket !== opening.current) return;
          if (e.status === 404 && minted.current.has(id)) {
            setOpen({ id, messages: [], key: id });
          } else if (e.status === 404) {
            // A link to a conversation that is not this person's, or is gone: start a new one.
            fresh();
            setNotice('That conversation is not available to you; here is a new one.');
          } else setNotice(e.message);
        },
      );
    },
    [fresh],
  );

  useEffect(() => {
    refresh();
    openConversation(fromHash());
    api.suggestions().then(
      (r) => setSuggested(r.items),
      () => setSuggested([]),
    );
  }, [refresh, openConversation]);

  useEffect(() => {
    const mq = window.matchMedia('(max-width: 760px)');
    const on = () => setNarrow(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);

  useEffect(() => {
    if (!menu) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setMenu(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [menu]);

  // On a phone the folded sidebar is out of reach for Tab and screen readers too.
  const hidden = narrow && !menu;
  return (
    <div className={`layout${menu ? ' menu-open' : ''}`}>
      <aside className="sidebar" aria-label="Conversations" inert={hidden}>
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
        {session.approver && (
          <button
            type="button"
            className={`inbox-button${showInbox ? ' current' : ''}`}
            onClick={() => {
              setShowInbox(true);
              setMenu(false);
              readInbox();
            }}
          >
            Waiting for approval <span className="count">{inbox?.length ?? '…'}</span>
          </button>
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
          {next && (
            <button type="button" className="older" onClick={older}>
              Older conversations
            </button>
          )}
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
      {menu && (
        <button
          type="button"
          className="backdrop"
          aria-label="Close the conversation list"
          onClick={() => setMenu(false)}
        />
      )}
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
        {notice && (
          <div className="notice" role="status">
            {notice}
          </div>
        )}
        {open?.truncated && (
          <div className="notice" role="status">
            This conversation is long: its earliest messages are not shown.
          </div>
        )}
        {showInbox && (
          <section className="inbox" aria-label="Waiting for approval">
            <h1>Waiting for approval</h1>
            {inbox?.length === 0 && <p className="muted">Nothing is waiting for a decision.</p>}
            {inbox?.map((a) => (
              <ViewBlock
                key={a.id}
                view={{ kind: 'pending', action: a }}
                conversationId="inbox"
                onAsk={() => {}}
              />
            ))}
          </section>
        )}
        {open && !showInbox && (
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
