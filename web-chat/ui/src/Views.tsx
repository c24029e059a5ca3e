// Every view a tool returns (core/views.ts), as a component: the same contract the planner's text,
// MCP and Slack render. Asset text (titles, OCR, descriptions) is shown as text, never as HTML.
import { useEffect, useState } from 'react';
import type { PendingAction, View } from '../../chat-types.ts';
import { type ApiError, api, local } from './api.ts';

type Of<K extends View['kind']> = Extract<View, { kind: K }>;
type Cell = Of<'table'>['rows'][number][number];

interface Props {
  view: View;
  /** For an approved action: what it did. */
  result?: View;
  conversationId: string;
  onAsk: (say: string) => void;
}

export function ViewBlock({ view, result, conversationId, onAsk }: Props) {
  switch (view.kind) {
    case 'grid':
      return <Grid view={view} onAsk={onAsk} />;
    case 'detail':
      return <Detail view={view} onAsk={onAsk} />;
    case 'picture':
      return <Picture view={view} />;
    case 'table':
      return <Table view={view} />;
    case 'proposal':
      return <Proposal view={view} onAsk={onAsk} />;
    case 'pending':
      return (
        <PendingCard
          action={view.action}
          result={result}
          conversationId={conversationId}
          onAsk={onAsk}
        />
      );
    case 'text':
      return (
        <p className="view-text">
          <Linked text={view.text} />
        </p>
      );
  }
}

/** Sent after a person decides an action, so cards it changed (a proposal) read their state again. */
export const DECIDED_EVENT = 'curator:decided';

/** Text with this server's own links made clickable; every other URL stays text. */
export function Linked({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s"')]+)/g);
  return (
    <>
      {parts.map((part, i) => {
        const href = i % 2 === 1 ? local(part.replace(/[.,;:]+$/, '')) : undefined;
        return href ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one text are positional
          <a key={i} href={href}>
            {part}
          </a>
        ) : (
          part
        );
      })}
    </>
  );
}

/** Labelled lines ("Method", "Risks", "Palette"), as a definition list. */
function Fields({ fields }: { fields?: { label: string; value: string }[] }) {
  if (!fields?.length) return null;
  return (
    <dl className="fields">
      {fields.map((f) => (
        <div key={f.label}>
          <dt>{f.label}</dt>
          <dd>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Read({ read }: { read?: string[] }) {
  if (!read?.length) return null;
  return (
    <ul className="read" aria-label="Read as">
      {read.map((r) => (
        <li key={r}>{r}</li>
      ))}
    </ul>
  );
}

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

function Grid({ view, onAsk }: { view: Of<'grid'>; onAsk: (s: string) => void }) {
  const items = view.items;
  return (
    <section className="view grid-view" aria-label={view.title ?? 'Assets'}>
      <header>
        <h2>{view.title ?? `${view.total} asset${view.total === 1 ? '' : 's'}`}</h2>
        {items.length < view.total && (
          <span className="muted">
            showing {items.length} of {view.total}
          </span>
        )}
      </header>
      <Read read={view.read} />
      {items.length === 0 && <p className="muted">Nothing matched.</p>}
      <ul className="grid">
        {items.map((i) => (
          <li key={i.id} className="card" data-asset-id={i.id}>
            <div className="thumb">
              {local(i.thumbnailUrl) ? (
                <img src={local(i.thumbnailUrl)} alt={i.title} loading="lazy" />
              ) : (
                <span className="no-thumb">no preview</span>
              )}
            </div>
            <div className="card-body">
              <strong className="card-title" title={i.title}>
                {i.title}
              </strong>
              {(i.facts?.length ?? 0) > 0 && <p className="facts">{i.facts?.join(' · ')}</p>}
              {(i.colours?.length ?? 0) > 0 && (
                <p className="colours">
                  {i.colours?.map((c, n) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a colour may be named twice
                    <span key={n} className="chip">
                      {c}
                    </span>
                  ))}
                </p>
              )}
              {i.score !== undefined && (
                <p className="score">
                  score <strong>{num(i.score)}</strong>
                  {i.scoreParts && (
                    <span className="parts">
                      {' '}
                      (
                      {Object.entries(i.scoreParts)
                        .map(([k, v]) => `${k} ${num(v)}`)
                        .join(', ')}
                      )
                    </span>
                  )}
                </p>
              )}
              <p className="card-actions">
                <button type="button" onClick={() => onAsk(`show me asset ${i.id}`)}>
                  Details
                </button>
                <button type="button" onClick={() => onAsk(`more like ${i.id}`)}>
                  Similar
                </button>
              </p>
            </div>
          </li>
        ))}
      </ul>
      {view.note && <p className="note">{view.note}</p>}
      {view.next && items.length > 0 && (
        <button type="button" onClick={() => onAsk('show me the next page')}>
          More
        </button>
      )}
    </section>
  );
}

function Detail({ view, onAsk }: { view: Of<'detail'>; onAsk: (s: string) => void }) {
  const related = view.related ?? [];
  return (
    <section className="view detail-view" aria-label={view.title}>
      <div className="detail-head">
        {local(view.thumbnailUrl) && (
          <img className="detail-thumb" src={local(view.thumbnailUrl)} alt={view.title} />
        )}
        <div>
          <h2>{view.title}</h2>
          <p className="muted">{view.id}</p>
          {(view.facts?.length ?? 0) > 0 && <p className="facts">{view.facts?.join(' · ')}</p>}
        </div>
      </div>
      <Fields fields={view.fields} />
      {view.quoted && (
        <figure className="quoted">
          <figcaption>{view.quoted.label} (text from the asset, shown as data)</figcaption>
          <blockquote>{view.quoted.text}</blockquote>
        </figure>
      )}
      {related.length > 0 && (
        <div className="related">
          <h3>Related</h3>
          <ul>
            {related.slice(0, 24).map((r) => (
              <li key={`${r.direction}:${r.id}:${r.relation}`}>
                <span className="muted">
                  {r.direction === 'up' ? 'parent' : 'child'} · {r.relation}
                </span>{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => onAsk(`show me asset ${r.id}`)}
                >
                  {r.id}
                </button>
              </li>
            ))}
          </ul>
          {related.length > 24 && <p className="muted">… and {related.length - 24} more</p>}
        </div>
      )}
    </section>
  );
}

function Picture({ view }: { view: Of<'picture'> }) {
  const src = local(view.url);
  return (
    <figure className="view picture-view">
      {src ? <img src={src} alt={view.alt} /> : <p className="muted">{view.alt}</p>}
      <figcaption>
        {view.caption ?? view.alt}
        {src && (
          <>
            {' '}
            <a href={src} target="_blank" rel="noreferrer">
              Open
            </a>
          </>
        )}
      </figcaption>
    </figure>
  );
}

function CellText({ c }: { c: Cell }) {
  if (c === null) return <span className="muted">–</span>;
  if (typeof c === 'object') {
    return (
      <span className="interval">
        {num(c.value)}{' '}
        <span className="muted">
          ({num(c.low)}–{num(c.high)})
        </span>
      </span>
    );
  }
  return <>{typeof c === 'number' ? num(c) : c}</>;
}

function Rows({
  columns,
  rows,
  title,
  thumbnails,
}: {
  columns: string[];
  rows: Cell[][];
  title?: string;
  thumbnails?: (string | null)[];
}) {
  const pictures = thumbnails?.some(Boolean) ? thumbnails : undefined;
  return (
    <div className="table-wrap">
      <table>
        {title && <caption>{title}</caption>}
        <thead>
          <tr>
            {pictures && (
              <th scope="col">
                <span className="visually-hidden">picture</span>
              </th>
            )}
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own
            <tr key={i}>
              {pictures && (
                <td className="row-thumb">
                  {local(pictures[i] ?? undefined) && (
                    <img src={local(pictures[i] ?? undefined)} alt="" loading="lazy" />
                  )}
                </td>
              )}
              {r.map((c, j) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                <td key={j}>
                  <CellText c={c} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Table({ view }: { view: Of<'table'> }) {
  return (
    <section className="view table-view">
      <Read read={view.read} />
      <Rows
        columns={view.columns}
        rows={view.rows}
        title={view.title}
        thumbnails={view.thumbnails}
      />
      {view.total !== undefined && view.total > view.rows.length && (
        <p className="muted">
          {view.rows.length} of {view.total} rows
        </p>
      )}
      {view.note && <p className="note">{view.note}</p>}
    </section>
  );
}

/** A proposal's current status: it may have been decided since the card was drawn. */
function useProposalStatus(id: string, shown: Of<'proposal'>['status']) {
  const [status, setStatus] = useState(shown);
  useEffect(() => {
    let live = true;
    const read = () =>
      fetch(`/api/proposals/${encodeURIComponent(id)}`, { credentials: 'same-origin' })
        .then((r) => (r.ok ? (r.json() as Promise<{ status?: Of<'proposal'>['status'] }>) : null))
        .then((p) => {
          if (live && p?.status) setStatus(p.status);
        })
        .catch(() => {});
    void read();
    window.addEventListener(DECIDED_EVENT, read);
    return () => {
      live = false;
      window.removeEventListener(DECIDED_EVENT, read);
    };
  }, [id]);
  return status;
}

function Proposal({ view: shown, onAsk }: { view: Of<'proposal'>; onAsk: (s: string) => void }) {
  const status = useProposalStatus(shown.id, shown.status);
  const view = { ...shown, status };
  return (
    <section className="view proposal-view" aria-label={view.title}>
      <header>
        <h2>{view.title}</h2>
        <span className={`status ${view.status}`}>{view.status}</span>
      </header>
      <p>{view.summary}</p>
      <Read read={view.read} />
      {view.rows.length > 0 && <Rows columns={view.columns} rows={view.rows} />}
      <Fields fields={view.fields} />
      {view.status === 'proposed' ? (
        <p className="decide">
          <span className="muted">Nothing changes until a person decides.</span>{' '}
          <button
            type="button"
            className="primary"
            onClick={() => onAsk(`approve proposal ${view.id}`)}
          >
            Approve…
          </button>
          <button type="button" onClick={() => onAsk(`reject proposal ${view.id}`)}>
            Reject…
          </button>
        </p>
      ) : view.status === 'approved' ? (
        <p>
          <a href={`/api/proposals/${view.id}/budget.csv`}>Download the budget as CSV</a>
        </p>
      ) : null}
    </section>
  );
}

function PendingCard({
  action: initial,
  result: initialResult,
  conversationId,
  onAsk,
}: {
  action: PendingAction;
  result?: View;
  conversationId: string;
  onAsk: (s: string) => void;
}) {
  const [action, setAction] = useState(initial);
  const [result, setResult] = useState<View | undefined>(initialResult);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [settled, setSettled] = useState(false);
  const decide = (decision: 'approve' | 'deny') => {
    setBusy(true);
    setError(null);
    api.decide(action.id, decision, conversationId, action.input).then(
      (r) => {
        setAction(r.action);
        setResult(r.view);
        setBusy(false);
        window.dispatchEvent(new Event(DECIDED_EVENT));
      },
      (e: ApiError) => {
        setError(e.message);
        setBusy(false);
        // Decided elsewhere, expired, or it ran and failed: asking again cannot help.
        if (e.status === 409 || e.status === 404 || e.status >= 500) setSettled(true);
      },
    );
  };
  const open = action.status === 'pending' && !settled;
  const label: Record<PendingAction['status'], string> = {
    pending: 'Waiting for your approval',
    approved: action.error ? 'Approved, but it failed' : 'Approved, running…',
    executed: 'Approved and done',
    denied: 'Denied: nothing changed',
    expired: 'Expired: nothing changed',
  };
  return (
    <section className={`view pending-view ${action.status}`} aria-label="Action awaiting approval">
      <header>
        <h2>{label[action.status]}</h2>
        <span className="muted">{action.tool}</span>
      </header>
      <p>{action.summary}</p>
      {action.targetCount !== undefined && (
        <p className="muted">
          Covers {action.targetCount} asset{action.targetCount === 1 ? '' : 's'}
        </p>
      )}
      {action.progress && (
        <p className="muted">
          {action.progress.done} of {action.progress.total} batches done
        </p>
      )}
      {open && (
        <p className="decide">
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => decide('approve')}
          >
            Approve
          </button>
          <button type="button" disabled={busy} onClick={() => decide('deny')}>
            Deny
          </button>
          <span className="muted"> expires {new Date(action.expiresAt).toLocaleString()}</span>
        </p>
      )}
      {action.error && (
        <p className="error">
          It did not run to the end: {action.error}. Nothing else was retried.
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <div className="result">
          <ViewBlock view={result} conversationId={conversationId} onAsk={onAsk} />
        </div>
      )}
    </section>
  );
}
