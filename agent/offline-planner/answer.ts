// Writing answers from tool results. Everything said here comes from a tool result of this turn;
// asset text (titles, descriptions, keywords) is quoted as data and never acted upon.
import type { ChannelRef } from './extract.ts';
import { colourMatches } from './extract.ts';
import type { ToolExchange } from './prompt.ts';
import type { ToolInfo } from './types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown) =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);

export interface ListView {
  /** How many items the user asked for; the tool may have been asked for more to post-filter. */
  count?: number;
  colours?: string[];
  /** "hero images" was read as the masters. */
  heroAsMasters?: boolean;
  /** A channel given only as network or format ("instagram", "stories"). */
  channel?: ChannelRef;
  /** "how many …": lead with the total. */
  countQuestion?: boolean;
  /** A date range the tools cannot filter on. */
  unsupportedDates?: string;
}

// ——— pending actions ———

export interface PendingInfo {
  id: string;
  tool?: string;
  summary?: string;
}

/**
 * Finds a pending action in a tool result: `{ status: 'pending_approval', approvalId }` (what the
 * agent's approval gate returns), `{ pendingActionId }` or `{ pending: { id } }`.
 */
export function findPending(output: unknown, depth = 0): PendingInfo | undefined {
  if (!isObj(output) || depth > 3) return undefined;
  for (const key of ['pendingActionId', 'pendingId']) {
    if (typeof output[key] === 'string') return pendingFrom(output, output[key] as string);
  }
  // An executed action also carries its approvalId, so the status decides whether it still waits.
  if (/pending|awaiting|approval_required|needs_approval/i.test(str(output.status))) {
    const id = output.approvalId ?? output.actionId ?? output.id;
    if (typeof id === 'string') return pendingFrom(output, id);
  }
  for (const key of ['pending', 'pendingAction']) {
    const v = output[key];
    const first = Array.isArray(v) ? v[0] : v;
    if (isObj(first)) {
      const inner = findPending(first, depth + 1);
      if (inner) return inner;
      if (typeof first.id === 'string') return pendingFrom(first, first.id);
    }
  }
  return undefined;
}

function pendingFrom(o: Obj, id: string): PendingInfo {
  return {
    id,
    tool:
      typeof o.tool === 'string' ? o.tool : typeof o.toolName === 'string' ? o.toolName : undefined,
    summary:
      typeof o.summary === 'string'
        ? o.summary
        : typeof o.message === 'string'
          ? o.message
          : undefined,
  };
}

/** Whether the call is waiting for a person (the approval gate refused to run it). */
const isApprovalError = (ex: ToolExchange) =>
  ex.errorCode ? ex.errorCode === 'approval_required' : /approv/i.test(ex.error ?? '');

export function renderSideEffect(ex: ToolExchange, change: string): string {
  if (ex.denied) return `Not done: ${change} was refused (${ex.denied}). Nothing changed.`;
  if (ex.error) {
    if (isApprovalError(ex)) {
      return `Not done yet: ${change} changes data and needs a person's approval first (${ex.error}). Nothing has changed.`;
    }
    return `I couldn't ${change}: ${ex.error}`;
  }
  const pending = findPending(ex.output);
  if (pending) {
    return [
      `Awaiting approval: ${change}.`,
      `Pending action ${pending.id}${pending.summary ? ` (${pending.summary})` : ''}. Nothing has changed yet; approve or deny it with that id.`,
    ].join('\n');
  }
  const out = ex.output;
  // Count changed assets only when the result lists them as records (not as field names).
  const updated = isObj(out) ? (out.updated ?? out.changed ?? out.items ?? out.assets) : undefined;
  const n = Array.isArray(updated) && updated.every(isObj) ? updated.length : undefined;
  return `Done: ${change}${n !== undefined ? ` (${n} asset${n === 1 ? '' : 's'} updated)` : ''}.${auditNote(out)}`;
}

function auditNote(out: unknown): string {
  if (!isObj(out)) return '';
  const a = out.auditId ?? out.audit ?? (isObj(out.audit) ? (out.audit as Obj).id : undefined);
  return typeof a === 'string' ? ` Recorded in the audit trail as ${a}.` : '';
}

// ——— lists ———

export function describeFilters(input: Obj): string {
  const parts: string[] = [];
  const labels: Record<string, string> = {
    campaign: 'campaign',
    channel: 'channel',
    status: 'status',
    orientation: 'orientation',
    kind: 'kind',
    locale: 'locale',
  };
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined || v === null || k === 'limit' || k === 'cursor') continue;
    if (typeof v === 'object') continue;
    parts.push(`${labels[k] ?? k} ${str(v)}`);
  }
  return parts.join(', ');
}

interface ItemLike extends Obj {
  id: string;
}

/** The answer-side filters in words: "on tiktok", "with red among the top colours". */
export function postFilterWords(view: ListView): string[] {
  const words: string[] = [];
  if (view.channel) {
    const { network, format } = view.channel;
    if (network) words.push(`on ${network}`);
    if (format) words.push(`in the ${format} format`);
  }
  if (view.colours?.length) words.push(`with ${view.colours.join(' and ')} among the top colours`);
  return words;
}

export function renderList(ex: ToolExchange, view: ListView = {}): string {
  if (ex.error || ex.denied) return renderError(ex);
  const out = ex.output;
  if (!isObj(out) || !Array.isArray(out.items)) return renderGeneric(ex);
  // The tool says how it read the filters ("campaign Spring Launch", "all 2 channels matching …").
  const read = Array.isArray(out.read) ? out.read.filter((r) => typeof r === 'string') : [];
  const filters = read.length ? read.join(', ') : describeFilters(ex.input);
  const where = filters ? ` matching ${filters}` : '';
  let items = out.items.filter((i): i is ItemLike => isObj(i) && typeof i.id === 'string');
  const total = typeof out.total === 'number' ? out.total : items.length;
  const checked = items.length;
  const channel = view.channel && !ex.input.channel ? view.channel : undefined;
  if (channel) {
    const { network, format } = channel;
    items = items.filter((i) => {
      const ch = str(i.channel);
      return (
        (!network || ch.startsWith(`${network}-`) || ch === network) &&
        (!format || ch.endsWith(`-${format}`))
      );
    });
  }
  const colours = view.colours;
  if (colours?.length) {
    items = items.filter((i) =>
      colours.every(
        (c) => Array.isArray(i.topColors) && i.topColors.some((t) => colourMatches(str(t), c)),
      ),
    );
  }
  const notes = postFilterWords({ channel, colours });
  const lines: string[] = [];
  const shown = view.count ? items.slice(0, view.count) : items;
  if (notes.length) {
    const scope = `the ${checked}${out.next ? ' newest' : ''} asset${checked === 1 ? '' : 's'}${where}`;
    const n = items.length;
    lines.push(
      n
        ? `${n} of ${scope} ${n === 1 ? 'is' : 'are'} ${notes.join(' and ')}${shown.length < n ? ` — showing ${shown.length}` : ''}:`
        : `None of ${scope} ${checked === 1 ? 'is' : 'are'} ${notes.join(' and ')}.`,
    );
  } else if (total === 0) {
    lines.push(`No assets${where}.`);
  } else if (ex.input.cursor) {
    lines.push(`Next page of the ${total} asset${total === 1 ? '' : 's'}${where}:`);
  } else if (view.countQuestion) {
    lines.push(`There ${total === 1 ? 'is 1 asset' : `are ${total} assets`}${where}.`);
    if (shown.length) lines.push(`The newest ${shown.length === 1 ? 'one' : shown.length}:`);
  } else {
    const showing = shown.length < total ? ` — showing the newest ${shown.length}` : '';
    lines.push(`Found ${total} asset${total === 1 ? '' : 's'}${where}${showing}:`);
  }
  shown.forEach((i, n) => {
    lines.push(`${n + 1}. ${itemLine(i)}`);
    const why = explanationText(i.explanation);
    if (why) lines.push(`   Why: ${why}`);
  });
  if (view.heroAsMasters) {
    lines.push(
      'I read "hero images" as the key visuals, the masters (say "web hero" for that channel).',
    );
  }
  if (typeof out.note === 'string') lines.push(`Note: ${out.note}.`);
  if (view.unsupportedDates) {
    lines.push(
      `Note: I can't filter by date (${view.unsupportedDates}) with the tools available, so these are simply the newest.`,
    );
  }
  if (out.next && !notes.length && shown.length)
    lines.push('More are available: ask for the next page.');
  return lines.join('\n');
}

function itemLine(i: ItemLike): string {
  const bits: string[] = [];
  for (const k of ['kind', 'status']) if (i[k]) bits.push(str(i[k]));
  if (typeof i.width === 'number' && typeof i.height === 'number')
    bits.push(`${i.width}×${i.height}`);
  if (i.orientation) bits.push(str(i.orientation));
  if (i.channel) bits.push(str(i.channel));
  if (i.locale) bits.push(str(i.locale));
  if (Array.isArray(i.campaigns) && i.campaigns.length)
    bits.push(`campaign ${i.campaigns.join(', ')}`);
  if (typeof i.score === 'number') bits.push(`score ${round(i.score)}`);
  const colours =
    Array.isArray(i.topColors) && i.topColors.length
      ? ` · colours: ${i.topColors.map((c) => str(c).replace(/\s*#[0-9a-f]{6}$/i, '')).join(', ')}`
      : '';
  const title = i.title ?? i.name;
  return `${i.id}${title ? ` — "${str(title)}"` : ''}${bits.length ? ` (${bits.join(', ')})` : ''}${colours}`;
}

// ——— one asset ———

export function renderAsset(ex: ToolExchange, related: Map<string, Obj> = new Map()): string {
  if (ex.error) return renderError(ex);
  const a = ex.output;
  if (!isObj(a) || typeof a.id !== 'string') return renderGeneric(ex);
  const lines: string[] = [];
  const dims = typeof a.width === 'number' ? `, ${a.width}×${a.height}` : '';
  lines.push(
    `Asset ${a.id} — "${str(a.title)}" (${[a.kind, a.status].filter(Boolean).join(', ')}${dims}${a.orientation ? ` ${str(a.orientation)}` : ''}${a.mime ? `, ${str(a.mime)}` : ''}).`,
  );
  const facts: string[] = [];
  if (Array.isArray(a.campaigns) && a.campaigns.length)
    facts.push(`Campaigns: ${a.campaigns.join(', ')}`);
  if (a.channel) facts.push(`Channel: ${str(a.channel)}`);
  if (a.locale) facts.push(`Locale: ${str(a.locale)}`);
  if (a.version !== undefined) facts.push(`Version ${str(a.version)}`);
  if (facts.length) lines.push(`${facts.join('. ')}.`);
  if (Array.isArray(a.palette) && a.palette.length) {
    lines.push(
      `Palette: ${a.palette
        .slice(0, 5)
        .filter(isObj)
        .map(
          (c) =>
            `${str(c.name)} ${str(c.hex)}${typeof c.coverage === 'number' ? ` (${Math.round(c.coverage * 100)}%)` : ''}`,
        )
        .join(', ')}.`,
    );
  } else if (Array.isArray(a.topColors) && a.topColors.length)
    lines.push(`Top colours: ${a.topColors.join(', ')}.`);
  if (a.description)
    lines.push(`Description (asset text, shown as data): "${clip(str(a.description), 240)}"`);
  if (Array.isArray(a.keywords) && a.keywords.length)
    lines.push(`Keywords: ${a.keywords.slice(0, 15).join(', ')}.`);
  if (Array.isArray(a.parents) && a.parents.length) {
    lines.push(
      `Parents: ${a.parents
        .filter(isObj)
        .map((p) => relatedLine(p, related))
        .join('; ')}.`,
    );
  }
  if (Array.isArray(a.children)) {
    const kids = a.children.filter(isObj);
    if (kids.length) {
      lines.push(`Children (${kids.length}):`);
      for (const c of kids.slice(0, 12)) lines.push(`- ${relatedLine(c, related)}`);
      if (kids.length > 12) lines.push(`- … and ${kids.length - 12} more`);
    } else if (related.size || a.children.length === 0) {
      lines.push('Children: none.');
    }
  }
  if (Array.isArray(a.placements) && a.placements.length) {
    lines.push(
      `Placements: ${a.placements
        .filter(isObj)
        .map(
          (p) =>
            `${str(p.id)} (campaign ${str(p.campaign)} on ${str(p.channel)}${p.market ? `, ${str(p.market)}` : ''})`,
        )
        .join('; ')}.`,
    );
  }
  const why = explanationText(a.explanation);
  if (why) lines.push(`Why: ${why}`);
  return lines.join('\n');
}

function relatedLine(r: Obj, related: Map<string, Obj>): string {
  const id = str(r.id);
  const d = related.get(id);
  const rel = r.relation ? ` via ${str(r.relation)}` : '';
  if (!d) return `${id}${rel}`;
  const bits = [d.kind, d.channel, d.locale, d.status].filter(Boolean).map(str);
  return `${id} — "${str(d.title)}"${bits.length ? ` (${bits.join(', ')})` : ''}${rel}`;
}

// ——— anything else ———

export function renderError(ex: ToolExchange): string {
  if (ex.denied) return `${ex.toolName} was not run: ${ex.denied}.`;
  // Tool errors can arrive as "AppError: …"; the class name means nothing to a person.
  const err = (ex.error ?? 'unknown error')
    .replace(/^[A-Z]\w*Error:\s*/, '')
    .replace(/[.\s]*$/, '.');
  // The hint follows the error's code; the input says what was being looked up.
  let hint = '';
  if (ex.errorCode === 'not_found' || ex.errorCode === 'ambiguous')
    hint = Object.keys(ex.input).some((k) => /campaign/i.test(k))
      ? ' Check the campaign name, or use its slug or id.'
      : ' Check the id (list assets to find it).';
  else if (ex.errorCode === 'invalid_input')
    hint = ' Rephrase the request or give the missing details.';
  return `I couldn't run ${ex.toolName}: ${err}${hint}`;
}

/** Any tool result: items with their scores and reasons, or the top-level fields. */
export function renderGeneric(ex: ToolExchange): string {
  if (ex.error || ex.denied) return renderError(ex);
  const out = ex.output;
  const pending = findPending(out);
  if (pending) return renderSideEffect(ex, `${ex.toolName} ${describeFilters(ex.input)}`.trim());
  if (typeof out === 'string') return `${ex.toolName}: ${clip(out, 1200)}`;
  if (!isObj(out)) return `${ex.toolName} returned ${JSON.stringify(out)?.slice(0, 400)}.`;
  const lines: string[] = [
    `Result of ${ex.toolName}${describeFilters(ex.input) ? ` (${describeFilters(ex.input)})` : ''}:`,
  ];
  for (const [k, v] of Object.entries(out)) {
    if (k === 'explanation' || v === null || v === undefined) continue;
    if (Array.isArray(v)) {
      const objs = v.filter(isObj);
      if (!objs.length) {
        if (v.length) lines.push(`${k}: ${v.slice(0, 20).map(str).join(', ')}`);
        continue;
      }
      lines.push(`${k} (${v.length}):`);
      objs.slice(0, 15).forEach((o, n) => {
        lines.push(`${n + 1}. ${typeof o.id === 'string' ? itemLine(o as ItemLike) : scalars(o)}`);
        const why = explanationText(o.explanation ?? o.reasons ?? o.reason);
        if (why) lines.push(`   Why: ${why}`);
      });
    } else if (isObj(v)) {
      lines.push(`${k}: ${scalars(v)}`);
    } else lines.push(`${k}: ${str(v)}`);
  }
  const why = explanationText(out.explanation);
  if (why) lines.push(`Why: ${why}`);
  return lines.join('\n');
}

function scalars(o: Obj): string {
  return Object.entries(o)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .slice(0, 8)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? round(v) : str(v)}`)
    .join(', ');
}

/** An `explanation` in the house shape (method, evidence, confidence, caveats) or plain text. */
export function explanationText(e: unknown): string {
  if (e === undefined || e === null) return '';
  if (typeof e === 'string') return e;
  if (Array.isArray(e)) return e.map(explanationText).filter(Boolean).join('; ');
  if (!isObj(e)) return str(e);
  const parts: string[] = [];
  if (e.summary) parts.push(str(e.summary));
  if (e.method) parts.push(`method: ${str(e.method)}`);
  if (e.evidence !== undefined) {
    const ev = Array.isArray(e.evidence)
      ? e.evidence.map((x) => (isObj(x) ? scalars(x) : str(x))).join('; ')
      : isObj(e.evidence)
        ? scalars(e.evidence)
        : str(e.evidence);
    if (ev) parts.push(`evidence: ${ev}`);
  }
  if (e.confidence !== undefined)
    parts.push(
      `confidence ${typeof e.confidence === 'number' ? round(e.confidence) : str(e.confidence)}`,
    );
  if (e.caveats !== undefined) {
    const c = Array.isArray(e.caveats) ? e.caveats.map(str).join('; ') : str(e.caveats);
    if (c) parts.push(`caveats: ${c}`);
  }
  if (!parts.length) return scalars(e);
  return parts.join('; ');
}

// ——— prompt-injection notice ———

const INSTRUCTION_LIKE =
  /\b(?:ignore|disregard|forget)\b[^.]{0,40}\b(?:instructions?|prompts?|rules)\b|\bsystem prompt\b|\byou are now\b|\b(?:archive|delete|approve)\s+(?:every|all)\s+assets?\b/i;

/** Asset text that reads like an instruction gets named in the answer, so a person sees it. */
export function injectionNotes(exchanges: readonly ToolExchange[]): string[] {
  const flagged = new Set<string>();
  const visit = (v: unknown, owner: string | undefined, depth: number) => {
    if (depth > 4) return;
    if (typeof v === 'string') {
      if (owner && INSTRUCTION_LIKE.test(v)) flagged.add(owner);
      return;
    }
    if (Array.isArray(v)) for (const x of v) visit(x, owner, depth + 1);
    else if (isObj(v)) {
      const id = typeof v.id === 'string' ? v.id : owner;
      for (const x of Object.values(v)) visit(x, id, depth + 1);
    }
  };
  for (const ex of exchanges) visit(ex.output, undefined, 0);
  return [...flagged].map(
    (id) =>
      `Note: asset ${id} contains text that reads like an instruction. I treat asset text as data, so I did not act on it.`,
  );
}

// ——— help ———

const EXAMPLES: Record<string, string> = {
  'list-assets':
    '"top 5 instagram-story assets in the Spring Launch campaign", "how many drafts are there?"',
  'get-asset': '"show me asset <id> and its children"',
  'set-asset-status': '"archive asset <id>", "approve all drafts in the Summer Sale campaign"',
  'update-asset-metadata':
    '"rename asset <id> to \'Spring hero\'", "add keywords beach, sun to asset <id>"',
};

export function helpText(tools: readonly ToolInfo[], preface?: string): string {
  const lines = [
    preface ??
      "I'm Curator's offline planner: I turn requests about your asset library into tool calls. Here is what I can do:",
  ];
  for (const t of tools) {
    const approval =
      t.annotations.needsApproval && !/approv/i.test(t.description)
        ? " Needs a person's approval before anything changes."
        : '';
    const ex = EXAMPLES[t.name] ? ` Try: ${EXAMPLES[t.name]}.` : '';
    lines.push(`- ${t.name}: ${t.description}${approval}${ex}`);
  }
  if (!tools.length) lines.push('- (no tools are available in this conversation)');
  lines.push(
    'Filters I understand: campaign, channel, status, orientation, kind, locale, colour and counts such as "top 5".',
  );
  return lines.join('\n');
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

const round = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
