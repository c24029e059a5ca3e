// One conversation: streamed messages with their views, a composer that takes text and dropped
// images, and errors shown as messages with a way to try again.
import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport, type FileUIPart } from 'ai';
import { type DragEvent, type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import type { ChatMessage, ToolView, UploadInfo } from '../../chat-types.ts';
import { modelName } from './App.tsx';
import { api, local, SIGNED_OUT_EVENT } from './api.ts';
import { Linked, ViewBlock } from './Views.tsx';

const MAX_UPLOAD = 10 * 1024 * 1024;
const IMAGE_TYPES = /^image\/(?:jpeg|png|webp|avif|gif|tiff)$/;

export interface ChatProps {
  id: string;
  initialMessages: ChatMessage[];
  defaultModel: string;
  suggestions: string[];
  onTurnDone: () => void;
}

export function Chat({ id, initialMessages, defaultModel, suggestions, onTurnDone }: ChatProps) {
  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatMessage>({
        api: '/api/chat',
        credentials: 'same-origin',
        // The server keeps the conversation: only the newest question travels.
        prepareSendMessagesRequest: ({ id: chatId, messages: all, trigger, messageId }) => ({
          body: { id: chatId, messages: all.slice(-1), trigger, messageId },
        }),
      }),
    [],
  );
  const { messages, sendMessage, status, error, regenerate, stop, clearError } =
    useChat<ChatMessage>({ id, messages: initialMessages, transport, onFinish: onTurnDone });
  const [text, setText] = useState('');
  const [attached, setAttached] = useState<UploadInfo[]>([]);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const end = useRef<HTMLDivElement>(null);
  const busy = status === 'submitted' || status === 'streaming';

  // A new question scrolls to itself, so its answer reads from the top; an opened conversation
  // starts at its end.
  const count = messages.length;
  const log = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const users = log.current?.querySelectorAll('.msg.user');
    const last = users?.[users.length - 1];
    if (last && count > initialMessages.length) last.scrollIntoView({ block: 'start' });
    else end.current?.scrollIntoView({ block: 'end' });
  }, [count, initialMessages.length]);
  useEffect(() => input.current?.focus(), []);
  // A turn refused because the session ended sends the person back to sign in.
  useEffect(() => {
    if (error && /"code":"unauthorized"/.test(error.message ?? '')) {
      window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    }
  }, [error]);

  const send = (say: string) => {
    const words = say.trim();
    if (busy || uploading || (!words && !attached.length)) return;
    const files: FileUIPart[] = attached.map((a) => ({
      type: 'file',
      mediaType: a.mediaType,
      url: a.url,
      filename: a.name,
    }));
    clearError();
    void sendMessage(words ? { text: words, files } : { files });
    setText('');
    setAttached([]);
  };

  const upload = async (files: Iterable<File>) => {
    setUploadError(null);
    for (const f of files) {
      if (!IMAGE_TYPES.test(f.type)) {
        setUploadError(`${f.name}: not an image Curator reads (JPEG, PNG, WebP, AVIF, GIF, TIFF)`);
        continue;
      }
      if (f.size > MAX_UPLOAD) {
        setUploadError(`${f.name}: over 10 MB`);
        continue;
      }
      setUploading(true);
      try {
        const up = await api.upload(f);
        setAttached((a) => [...a, up].slice(-4));
      } catch (e) {
        setUploadError(`${f.name}: ${(e as Error).message}`);
      } finally {
        setUploading(false);
      }
    }
    input.current?.focus();
  };

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send(text);
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer.files.length) void upload(e.dataTransfer.files);
  };

  return (
    <section
      className={`chat${dragging ? ' dragging' : ''}`}
      aria-label="Chat"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <div className="messages" role="log" aria-live="polite" aria-busy={busy} ref={log}>
        {messages.length === 0 && (
          <div className="empty">
            <h1>What do you want to know about your creative library?</h1>
            <p className="muted">
              Ask in your own words, or drop an image here to find similar assets.
            </p>
            {suggestions.length > 0 && (
              <ul className="suggestions" aria-label="Suggested questions">
                {suggestions.map((s) => (
                  <li key={s}>
                    <button type="button" onClick={() => send(s)}>
                      {s}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        {messages.map((m) => (
          <Message
            key={m.id}
            message={m}
            conversationId={id}
            defaultModel={defaultModel}
            onAsk={send}
          />
        ))}
        {status === 'submitted' && (
          <div className="msg assistant pending-dots" role="status" aria-label="Working">
            <span />
            <span />
            <span />
          </div>
        )}
        {error && (
          <div className="msg assistant error" role="alert">
            <p>{errorText(error)}</p>
            <button type="button" onClick={() => void regenerate()}>
              Try again
            </button>
          </div>
        )}
        <div ref={end} />
      </div>

      <form
        className="composer"
        onSubmit={(e) => {
          e.preventDefault();
          send(text);
        }}
      >
        {(attached.length > 0 || uploading || uploadError) && (
          <div className="attachments">
            {attached.map((a) => (
              <figure key={a.id} className="attachment">
                <img src={a.url} alt={`attached: ${a.name}`} />
                <button
                  type="button"
                  aria-label={`Remove ${a.name}`}
                  onClick={() => setAttached((x) => x.filter((y) => y.id !== a.id))}
                >
                  ×
                </button>
              </figure>
            ))}
            {uploading && <span className="muted">Uploading…</span>}
            {uploadError && (
              <span className="error" role="alert">
                {uploadError}
              </span>
            )}
          </div>
        )}
        <div className="composer-row">
          <button
            type="button"
            className="attach"
            aria-label="Attach an image"
            title="Attach an image (or drop it on the chat)"
            onClick={() => fileInput.current?.click()}
          >
            +
          </button>
          <input
            ref={fileInput}
            type="file"
            accept="image/jpeg,image/png,image/webp,image/avif,image/gif,image/tiff"
            hidden
            data-testid="file-input"
            onChange={(e) => {
              if (e.target.files) void upload([...e.target.files]);
              e.target.value = '';
            }}
          />
          <textarea
            ref={input}
            value={text}
            rows={1}
            placeholder="Ask about your assets, performance or budget…"
            aria-label="Message"
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKey}
          />
          {busy ? (
            <button type="button" onClick={() => void stop()}>
              Stop
            </button>
          ) : (
            <button
              type="submit"
              className="primary"
              disabled={uploading || (!text.trim() && !attached.length)}
            >
              Send
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

function Message({
  message,
  conversationId,
  defaultModel,
  onAsk,
}: {
  message: ChatMessage;
  conversationId: string;
  defaultModel: string;
  onAsk: (say: string) => void;
}) {
  if (message.role === 'user') {
    return (
      <div className="msg user">
        {message.parts.map((p, i) =>
          p.type === 'text' ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: a message's parts are positional
            <p key={i}>{p.text}</p>
          ) : p.type === 'file' ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: a message's parts are positional
            <img key={i} className="sent-image" src={local(p.url)} alt="attached" />
          ) : null,
        )}
      </div>
    );
  }
  const model = message.metadata?.model ?? defaultModel;
  const hasViews = message.parts.some(
    (p) => p.type === 'dynamic-tool' && p.state === 'output-available',
  );
  // The offline planner writes out every view as text; beside the view, that text is a repeat.
  const textIsRepeat = hasViews && model === 'offline-planner';
  return (
    <article className="msg assistant">
      {message.parts.map((p, i) => {
        const key = `${message.id}:${i}`;
        if (p.type === 'text') {
          if (!p.text.trim()) return null;
          return textIsRepeat ? (
            <AnswerText key={key} text={p.text} />
          ) : (
            <Prose key={key} text={p.text} />
          );
        }
        if (p.type === 'dynamic-tool') {
          if (p.state === 'output-error') {
            return (
              <p key={key} className="tool-error">
                {p.toolName}: {p.errorText}
              </p>
            );
          }
          if (p.state !== 'output-available') {
            return (
              <p key={key} className="muted tool-running">
                Running {p.toolName}…
              </p>
            );
          }
          const out = p.output as ToolView;
          if (!out?.view) return null;
          return (
            <ViewBlock
              key={key}
              view={out.view}
              result={out.result}
              conversationId={conversationId}
              onAsk={onAsk}
            />
          );
        }
        return null;
      })}
      <footer className="answered-by">Answered by {modelName(model)}</footer>
    </article>
  );
}

/** The server's own sentence when the error carries one (its JSON body), else a plain line. */
export function errorText(e: Error): string {
  const m = e.message?.trim() ?? '';
  if (m.startsWith('{')) {
    try {
      const body = JSON.parse(m) as { error?: { message?: string } };
      if (body.error?.message) return body.error.message;
    } catch {
      // Not JSON after all.
    }
  }
  if (!m || /^[<{]/.test(m) || /failed to fetch|network|load failed/i.test(m)) {
    return 'The answer was interrupted: the connection to the server was lost.';
  }
  return m;
}

/** Plain text with its line breaks, as the model wrote it (never as HTML). */
function Prose({ text }: { text: string }) {
  return (
    <div className="prose">
      {text.split(/\n{2,}/).map((para, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs are positional
        <p key={i}>
          <Linked text={para} />
        </p>
      ))}
    </div>
  );
}

/** The planner's text beside its views: the first line shown, the rest one click away. */
function AnswerText({ text }: { text: string }) {
  const [head, ...rest] = text.split('\n');
  if (!rest.length) return <Prose text={text} />;
  return (
    <details className="as-text">
      <summary>{head}</summary>
      <Prose text={rest.join('\n')} />
    </details>
  );
}
