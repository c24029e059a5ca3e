// Views: the one contract between tools and surfaces. A tool turns its output into a view; every
// surface (the offline planner's answers, MCP results, later the web chat and Slack) renders views
// and never a tool's raw output. `viewText` is the plain-text rendering the planner and MCP share.
import { z } from 'zod';
import { clip } from './util.ts';

export const GridItem = z.object({
  id: z.string(),
  title: z.string(),
  thumbnailUrl: z.string().optional(),
  /** The few facts that matter, in reading order ("master", "approved", "1080×1920"). */
  facts: z.array(z.string()).default([]),
  /** Colour names, shown apart from the facts. */
  colours: z.array(z.string()).default([]),
  score: z.number().optional(),
  scoreParts: z.record(z.string(), z.number()).optional(),
});
export type GridItem = z.input<typeof GridItem>;

/** A side effect waiting for a person: the one shape the agent, MCP and HTTP all return. */
export const PendingAction = z.object({
  /** The approval id: approve or deny with it. */
  id: z.string(),
  tool: z.string(),
  input: z.unknown(),
  conversationId: z.string(),
  /** Id of the actor whose request (through the model) produced the action. */
  requestedBy: z.string(),
  status: z.enum(['pending', 'approved', 'denied', 'executed', 'expired']),
  createdAt: z.string(),
  expiresAt: z.string(),
  summary: z.string(),
  /** How many assets the action covers, when it was resolved to a set of them. */
  targetCount: z.number().optional(),
  /** Committed batches, while a bulk action runs (or after it stopped mid-way). */
  progress: z.object({ done: z.number(), total: z.number() }).optional(),
  /** Why an approved action failed when it ran (its status stays "approved"). */
  error: z.string().optional(),
});
export type PendingAction = z.infer<typeof PendingAction>;

const Interval = z.object({ value: z.number(), low: z.number(), high: z.number() });
const Cell = z.union([z.string(), z.number(), Interval, z.null()]);

export const View = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('grid'),
    title: z.string().optional(),
    items: z.array(GridItem),
    total: z.number(),
    /** How the request's filters were read ("campaign Spring Launch"). */
    read: z.array(z.string()).default([]),
    next: z.string().nullable().default(null),
    note: z.string().optional(),
  }),
  z.object({
    kind: z.literal('detail'),
    id: z.string(),
    title: z.string(),
    thumbnailUrl: z.string().optional(),
    facts: z.array(z.string()).default([]),
    /** Labelled lines ("Palette", "Keywords"). */
    fields: z.array(z.object({ label: z.string(), value: z.string() })).default([]),
    /** Text that came from the asset (a description): shown as data, never as instructions. */
    quoted: z.object({ label: z.string(), text: z.string() }).optional(),
    related: z
      .array(z.object({ id: z.string(), relation: z.string(), direction: z.enum(['up', 'down']) }))
      .default([]),
  }),
  z.object({
    kind: z.literal('picture'),
    url: z.string(),
    alt: z.string(),
    caption: z.string().optional(),
  }),
  z.object({
    kind: z.literal('table'),
    title: z.string().optional(),
    columns: z.array(z.string()),
    rows: z.array(z.array(Cell)),
    /** A picture for each row, where a row is an asset (its thumbnail URL), for the surfaces that show pictures. */
    thumbnails: z.array(z.string().nullable()).optional(),
    total: z.number().optional(),
    /** How the request was read ("campaign Spring Launch", "last month: 2026-04-01 to …"). */
    read: z.array(z.string()).default([]),
    /** The method and its caveats, for numbers a person will judge. */
    note: z.string().optional(),
  }),
  z.object({
    kind: z.literal('proposal'),
    /** The stored proposal's id: a person approves or rejects it with decide-proposal. */
    id: z.string(),
    status: z.enum(['proposed', 'approved', 'rejected']),
    title: z.string(),
    summary: z.string(),
    columns: z.array(z.string()),
    rows: z.array(z.array(Cell)),
    total: z.number().optional(),
    /** Labelled lines: window, method, impact, drivers, risks, what would change the advice. */
    fields: z.array(z.object({ label: z.string(), value: z.string() })).default([]),
    read: z.array(z.string()).default([]),
  }),
  z.object({ kind: z.literal('pending'), action: PendingAction }),
  z.object({ kind: z.literal('text'), text: z.string() }),
]);
export type View = z.input<typeof View>;
type ParsedView = z.output<typeof View>;

export const views = {
  grid: (v: Omit<Extract<View, { kind: 'grid' }>, 'kind'>): View => ({ kind: 'grid', ...v }),
  detail: (v: Omit<Extract<View, { kind: 'detail' }>, 'kind'>): View => ({ kind: 'detail', ...v }),
  picture: (v: Omit<Extract<View, { kind: 'picture' }>, 'kind'>): View => ({
    kind: 'picture',
    ...v,
  }),
  table: (v: Omit<Extract<View, { kind: 'table' }>, 'kind'>): View => ({ kind: 'table', ...v }),
  proposal: (v: Omit<Extract<View, { kind: 'proposal' }>, 'kind'>): View => ({
    kind: 'proposal',
    ...v,
  }),
  pending: (action: PendingAction): View => ({ kind: 'pending', action }),
  text: (text: string): View => ({ kind: 'text', text }),
};

export interface TextOptions {
  /** Titles of assets known from the same turn, to name related assets ("derived_from X — 'Hero'"). */
  titles?: ReadonlyMap<string, string>;
  /** Lead a grid with its total ("There are 5 assets …"), for "how many" questions. */
  countFirst?: boolean;
  /** At most this many grid rows. */
  maxItems?: number;
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

/** A table cell as text: an interval reads "1.20 (1.10–1.30)", a missing value "–". */
export const cellText = (c: z.output<typeof Cell>) =>
  c === null
    ? '–'
    : typeof c === 'object'
      ? `${num(c.value)} (${num(c.low)}–${num(c.high)})`
      : typeof c === 'number'
        ? num(c)
        : c;

/** Plain text of a view: what a person reads in a terminal, a chat message or an MCP result. */
export function viewText(view: View, opts: TextOptions = {}): string {
  const v = View.parse(view) as ParsedView;
  switch (v.kind) {
    case 'grid': {
      const where = v.read.length ? ` matching ${v.read.join(', ')}` : '';
      const shown = v.items.slice(0, opts.maxItems ?? v.items.length);
      const lines: string[] = [];
      // An empty answer still says what was asked ("0 results for \"water bottle\" matching …").
      if (v.total === 0) lines.push(`${v.title ?? 'No assets'}${where}.`);
      else if (opts.countFirst) {
        lines.push(`There ${v.total === 1 ? 'is 1 asset' : `are ${v.total} assets`}${where}.`);
        if (shown.length) lines.push(`The newest ${shown.length === 1 ? 'one' : shown.length}:`);
      } else {
        const showing = shown.length < v.total ? ` — showing ${shown.length}` : '';
        lines.push(`${v.title ?? `Found ${plural(v.total, 'asset')}`}${where}${showing}:`);
      }
      shown.forEach((i, n) => {
        const facts = i.facts.length ? ` (${i.facts.join(', ')})` : '';
        const colours = i.colours.length ? ` · colours: ${i.colours.join(', ')}` : '';
        const score = i.score === undefined ? '' : ` · score ${num(i.score)}`;
        lines.push(`${n + 1}. ${i.id} — "${i.title}"${facts}${colours}${score}`);
        if (i.scoreParts) {
          const parts = Object.entries(i.scoreParts).map(([k, x]) => `${k} ${num(x)}`);
          lines.push(`   Why: ${parts.join(', ')}`);
        }
      });
      if (v.note) lines.push(`Note: ${v.note.replace(/\.$/, '')}.`);
      if (v.next && shown.length) lines.push('More are available: ask for the next page.');
      return lines.join('\n');
    }
    case 'detail': {
      const lines = [
        `Asset ${v.id} — "${v.title}"${v.facts.length ? ` (${v.facts.join(', ')})` : ''}.`,
      ];
      for (const f of v.fields) lines.push(`${f.label}: ${f.value}.`);
      if (v.quoted)
        lines.push(`${v.quoted.label} (asset text, shown as data): "${clip(v.quoted.text, 240)}"`);
      const named = (r: { id: string; relation: string }) => {
        const t = opts.titles?.get(r.id);
        return `${r.id}${t ? ` — "${t}"` : ''} via ${r.relation}`;
      };
      const up = v.related.filter((r) => r.direction === 'up');
      const down = v.related.filter((r) => r.direction === 'down');
      if (up.length) lines.push(`Parents: ${up.map(named).join('; ')}.`);
      if (down.length) {
        lines.push(`Children (${down.length}):`);
        for (const c of down.slice(0, 12)) lines.push(`- ${named(c)}`);
        if (down.length > 12) lines.push(`- … and ${down.length - 12} more`);
      }
      return lines.join('\n');
    }
    case 'picture':
      return `${v.caption ?? v.alt}: ${v.url}`;
    case 'table': {
      const lines = v.title ? [`${v.title}:`] : [];
      if (v.read.length) lines.push(`Read as: ${v.read.join('; ')}.`);
      lines.push(v.columns.join(' | '));
      for (const r of v.rows) lines.push(r.map(cellText).join(' | '));
      if (v.total !== undefined && v.total > v.rows.length)
        lines.push(`(${v.rows.length} of ${v.total} rows)`);
      if (v.note) lines.push(`Note: ${v.note.replace(/\.$/, '')}.`);
      return lines.join('\n');
    }
    case 'proposal': {
      const lines = [`${v.title} (proposal ${v.id}, ${v.status}):`, v.summary];
      if (v.read.length) lines.push(`Read as: ${v.read.join('; ')}.`);
      if (v.rows.length) {
        lines.push(v.columns.join(' | '));
        for (const r of v.rows) lines.push(r.map(cellText).join(' | '));
        if (v.total !== undefined && v.total > v.rows.length)
          lines.push(`(${v.rows.length} of ${v.total} rows)`);
      }
      for (const f of v.fields) lines.push(`${f.label}: ${f.value}`);
      if (v.status === 'proposed')
        lines.push(
          `Nothing changes until a person decides: say "approve proposal ${v.id}" or "reject proposal ${v.id}".`,
        );
      return lines.join('\n');
    }
    case 'pending':
      return [
        `Awaiting approval: ${v.action.summary}.`,
        `Pending action ${v.action.id}. Nothing has changed yet; approve or deny it with that id.`,
      ].join('\n');
    case 'text':
      return v.text;
  }
}
