// Views (core/views.ts) as Block Kit: the Slack rendering of the contract every surface shares.
// Asset text is untrusted, so it is escaped for mrkdwn (no mentions, links or formatting sneak in),
// and every limit Slack enforces (50 blocks, 3,000 characters a section, 2,000 an alt text) is
// respected here rather than discovered as an invalid_blocks error.

import type { types } from '@slack/bolt';

type KnownBlock = types.KnownBlock;

import type { View } from '../core/views.ts';
import { cellText, viewText } from '../core/views.ts';

/** A Block Kit block, built as plain JSON here and typed where it leaves for the Web API. */
// biome-ignore lint/suspicious/noExplicitAny: Block Kit blocks are plain JSON objects
export type Block = Record<string, any> & { type: string };

/** The blocks as the Web API client types them. */
export const known = (blocks: Block[]) => blocks as unknown as KnownBlock[];

export interface BlockOptions {
  /** A URL Slack's servers can fetch for a picture (signed, under PUBLIC_URL), or none. */
  image(url: string | undefined): string | undefined;
  /** Button values carry the conversation, so a click is tied to its thread. */
  conversationId: string;
}

export const ACTIONS = {
  approve: 'curator_approve',
  deny: 'curator_deny',
  more: 'curator_more',
  ask: 'curator_ask',
} as const;

const MAX_BLOCKS = 48;

/** mrkdwn-safe text: &, < and > escaped, so "<!channel>" or a link in asset text stays text. */
export const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

// biome-ignore lint/suspicious/noExplicitAny: an accessory is plain Block Kit JSON
const section = (text: string, extra: Record<string, any> = {}): Block => ({
  ...extra,
  type: 'section',
  text: { type: 'mrkdwn', text: cut(text, 2900) },
});
const context = (text: string): Block => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: cut(text, 2900) }],
});

type Cell = Extract<View, { kind: 'table' }>['rows'][number][number];
const cell = (c: Cell) => cellText(c ?? null);

/** A table as aligned monospace text: Slack has no table block that every client shows. */
function tableText(columns: string[], rows: Cell[][]): string {
  // Escaped cell by cell before measuring, and without backticks, so the fence always closes.
  const clean = (v: string) => esc(v.replace(/`/g, "'"));
  const all = [columns.map(clean), ...rows.map((r) => r.map((c) => clean(cell(c))))];
  const widths = columns.map((_, i) =>
    Math.min(28, Math.max(...all.map((r) => (r[i] ?? '').length))),
  );
  const line = (r: string[]) =>
    r
      .map((v, i) => cut(v, widths[i]!).padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const lines = all.map(line);
  let out = '';
  for (const l of lines) {
    if (out.length + l.length > 2800) {
      out += '…\n';
      break;
    }
    out += `${l}\n`;
  }
  return `\`\`\`${out.trimEnd()}\`\`\``;
}

const button = (text: string, actionId: string, value: string, style?: 'primary' | 'danger') => ({
  type: 'button',
  text: { type: 'plain_text', text, emoji: false },
  action_id: actionId,
  value: cut(value, 2000),
  ...(style ? { style } : {}),
});

/** The blocks of one view. */
export function viewBlocks(view: View, opts: BlockOptions): Block[] {
  switch (view.kind) {
    case 'grid': {
      const read = view.read?.length ? ` matching ${view.read.join(', ')}` : '';
      const items = view.items.slice(0, 10);
      const out: Block[] = [
        section(
          `*${esc(view.title ?? `${view.total} asset${view.total === 1 ? '' : 's'}`)}*${esc(read)}${items.length < view.total ? ` — showing ${items.length} of ${view.total}` : ''}`,
        ),
      ];
      for (const i of items) {
        const facts = i.facts?.length ? `\n${esc(i.facts.join(' · '))}` : '';
        const score =
          i.score === undefined
            ? ''
            : `\nscore *${num(i.score)}*${
                i.scoreParts
                  ? ` (${Object.entries(i.scoreParts)
                      .map(([k, v]) => `${esc(k)} ${num(v)}`)
                      .join(', ')})`
                  : ''
              }`;
        const img = opts.image(i.thumbnailUrl);
        out.push(
          section(`*${esc(i.title)}*\n\`${esc(i.id)}\`${facts}${score}`, {
            ...(img
              ? {
                  accessory: {
                    type: 'image',
                    image_url: img,
                    alt_text: cut(i.title, 1900) || 'asset',
                  },
                }
              : {}),
          }),
        );
      }
      if (view.note) out.push(context(esc(view.note)));
      if (view.next && items.length) {
        out.push({
          type: 'actions',
          elements: [button('More', ACTIONS.more, opts.conversationId)],
        });
      }
      return out;
    }
    case 'detail': {
      const img = opts.image(view.thumbnailUrl);
      const out: Block[] = [
        section(
          `*${esc(view.title)}*  \`${esc(view.id)}\`${view.facts?.length ? `\n${esc(view.facts.join(' · '))}` : ''}`,
          img
            ? {
                accessory: {
                  type: 'image',
                  image_url: img,
                  alt_text: cut(view.title, 1900) || 'asset',
                },
              }
            : {},
        ),
      ];
      const fields = (view.fields ?? []).slice(0, 10).map((f) => ({
        type: 'mrkdwn',
        text: cut(`*${esc(f.label)}*\n${esc(f.value)}`, 1900),
      }));
      if (fields.length) out.push({ type: 'section', fields });
      if (view.quoted) {
        out.push(
          context(
            `${esc(view.quoted.label)} (text from the asset, shown as data): ${esc(cut(view.quoted.text, 600))}`,
          ),
        );
      }
      const related = view.related ?? [];
      if (related.length) {
        out.push(
          context(
            related
              .slice(0, 12)
              .map(
                (r) =>
                  `${r.direction === 'up' ? 'parent' : 'child'} \`${esc(r.id)}\` (${esc(r.relation)})`,
              )
              .join(' · ') + (related.length > 12 ? ` … and ${related.length - 12} more` : ''),
          ),
        );
      }
      return out;
    }
    case 'picture': {
      // Slack fetches PNG, JPEG or GIF; a chart's SVG has a PNG twin at the same address.
      const img = opts.image(view.url?.replace(/\.svg(\?|$)/, '.png$1'));
      if (!img) return [section(esc(view.caption ?? view.alt))];
      return [
        {
          type: 'image',
          image_url: img,
          alt_text: cut(view.alt, 1900) || 'picture',
          title: { type: 'plain_text', text: cut(view.caption ?? view.alt, 1900) || 'picture' },
        },
      ];
    }
    case 'table': {
      const out: Block[] = [];
      if (view.title) out.push(section(`*${esc(view.title)}*`));
      if (view.read?.length) out.push(context(`Read as: ${esc(view.read.join('; '))}`));
      const pictures = view.thumbnails?.map((t) => opts.image(t ?? undefined));
      if (pictures?.some(Boolean)) {
        // Rows that are assets: each with its picture beside its numbers, the first few of them.
        const shown = view.rows.slice(0, 8);
        shown.forEach((r, i) => {
          const [head, ...rest] = view.columns.map((c, j) => ({ c, v: cell(r[j] ?? null) }));
          // With a rank first, the second column (the asset) is the title, not a line.
          const lines = (head?.c === '#' ? rest.slice(1) : rest)
            .filter((x) => x.v !== '–')
            .map((x) => `${esc(x.c)}: *${esc(x.v)}*`)
            .join('\n');
          const title = head?.c === '#' ? `${head.v}. ${cell(r[1] ?? null)}` : (head?.v ?? '');
          const img = pictures[i];
          out.push(
            section(`*${esc(title)}*\n${lines}`, {
              ...(img
                ? {
                    accessory: {
                      type: 'image',
                      image_url: img,
                      alt_text: cut(title, 1900) || 'asset',
                    },
                  }
                : {}),
            }),
          );
        });
        if (view.rows.length > shown.length)
          out.push(context(`… and ${view.rows.length - shown.length} more rows`));
      } else out.push(section(tableText(view.columns, view.rows)));
      if (view.total !== undefined && view.total > view.rows.length) {
        out.push(context(`${view.rows.length} of ${view.total} rows`));
      }
      if (view.note) out.push(context(esc(view.note)));
      return out;
    }
    case 'proposal': {
      const out: Block[] = [
        section(`*${esc(view.title)}* — _${view.status}_\n${esc(view.summary)}`),
      ];
      if (view.read?.length) out.push(context(`Read as: ${esc(view.read.join('; '))}`));
      if (view.rows.length) {
        // The moves as a phone can show them: where, from, to, and by how much.
        const keep = view.columns
          .map((c, i) => ({ c, i }))
          .filter((x) => /^(?:placement|now|proposed|change)/.test(x.c));
        const cols = keep.length >= 2 ? keep : view.columns.map((c, i) => ({ c, i }));
        const rows = view.rows.slice(0, 12);
        out.push(
          section(
            tableText(
              cols.map((x) => x.c),
              rows.map((r) => cols.map((x) => r[x.i] ?? null)),
            ),
          ),
        );
        const total = view.total ?? view.rows.length;
        if (total > rows.length) out.push(context(`${rows.length} of ${total} moves shown`));
      }
      const fields = (view.fields ?? []).slice(0, 10).map((f) => ({
        type: 'mrkdwn',
        text: cut(`*${esc(f.label)}*\n${esc(f.value)}`, 1900),
      }));
      if (fields.length) out.push({ type: 'section', fields });
      if (view.status === 'proposed') {
        out.push({
          type: 'actions',
          elements: [
            button('Approve…', ACTIONS.ask, `approve proposal ${view.id}`, 'primary'),
            button('Reject…', ACTIONS.ask, `reject proposal ${view.id}`),
          ],
        });
      }
      return out;
    }
    case 'pending':
      return pendingBlocks(view.action);
    case 'text':
      return [section(esc(view.text))];
  }
}

type Pending = Extract<View, { kind: 'pending' }>['action'];

/** A pending action's card: what it does, and the buttons bound to exactly this action. */
export function pendingBlocks(action: Pending, decided?: string): Block[] {
  const out: Block[] = [
    section(
      `*${decided ? 'Decided' : 'Waiting for approval'}:* ${esc(action.summary)}${action.targetCount !== undefined ? `\nCovers ${action.targetCount} asset${action.targetCount === 1 ? '' : 's'}` : ''}`,
    ),
  ];
  if (decided) out.push(context(decided));
  else {
    out.push({
      type: 'actions',
      block_id: `pending:${action.id}`,
      elements: [
        button('Approve', ACTIONS.approve, action.id, 'primary'),
        button('Deny', ACTIONS.deny, action.id, 'danger'),
      ],
    });
    out.push(context(`Action \`${esc(action.id)}\` · expires ${action.expiresAt}`));
  }
  return out;
}

/** A whole answer: the views' blocks after the text, within Slack's block limit. */
export function answerBlocks(text: string, views: View[], opts: BlockOptions): Block[] {
  const out: Block[] = [];
  // Long answers go in several sections (each holds 3,000 characters), cut at line ends.
  let rest = esc(text.trim());
  while (rest) {
    let n = rest.length <= 2900 ? rest.length : rest.lastIndexOf('\n', 2900);
    if (n < 1000) n = Math.min(rest.length, 2900);
    out.push(section(rest.slice(0, n)));
    rest = rest.slice(n).replace(/^\n+/, '');
  }
  const pendingShown = new Set<string>();
  for (const v of views) {
    // An action shown twice would repeat its block id, which Slack refuses.
    if (v.kind === 'pending') {
      if (pendingShown.has(v.action.id)) continue;
      pendingShown.add(v.action.id);
    }
    if (out.length) out.push({ type: 'divider' });
    out.push(...viewBlocks(v, opts));
  }
  if (out.length > MAX_BLOCKS) {
    const kept = out.slice(0, MAX_BLOCKS - 1);
    kept.push(
      context(`… ${out.length - kept.length} more blocks left out; ask for fewer results.`),
    );
    return kept;
  }
  return out;
}

/** The notification text Slack shows where blocks cannot be (previews, screen readers). */
export const fallbackText = (views: View[], text: string) =>
  esc(cut(text.trim() || views.map((v) => viewText(v)).join('\n\n') || 'Curator', 3000));

/** Fields Slack adds to the blocks it sends back, which it refuses when they are sent again. */
const READ_ONLY = new Set([
  'image_width',
  'image_height',
  'image_bytes',
  'is_animated',
  'fallback',
]);

/** A message's blocks as Slack returned them, cleaned so they can be sent in an update. */
export function reusable(blocks: Block[]): Block[] {
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(clean);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => !READ_ONLY.has(k))
          .map(([k, x]) => [k, clean(x)]),
      );
    }
    return v;
  };
  return blocks.map((b) => clean(b) as Block);
}
