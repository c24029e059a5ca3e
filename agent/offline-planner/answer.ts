// Writing answers from tool results through the tools' own views. Everything said here comes from a
// tool result of this turn; asset text (titles, descriptions, keywords) is quoted as data and never
// acted upon.
import { clip, isObj, type Obj } from '../../core/util.ts';
import { type TextOptions, type View, viewText } from '../../core/views.ts';
import type { ToolExchange } from './prompt.ts';
import type { ToolInfo } from './types.ts';

const str = (v: unknown) =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);

// ——— pending actions ———

export interface PendingInfo {
  id: string;
  tool?: string;
  summary?: string;
}

/**
 * The pending action in a tool result: the approval gate answers a gated call with
 * `{ pending: PendingAction }`, the one shape the agent, MCP and HTTP share (core/views.ts).
 */
export function findPending(output: unknown): PendingInfo | undefined {
  if (!isObj(output) || !isObj(output.pending)) return undefined;
  const p = output.pending;
  if (typeof p.id !== 'string' || p.status !== 'pending') return undefined;
  return {
    id: p.id,
    tool: typeof p.tool === 'string' ? p.tool : undefined,
    summary: typeof p.summary === 'string' ? p.summary : undefined,
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
    const ids = Object.entries(ex.input).flatMap(([k, v]) =>
      /ids?$/i.test(k) ? (Array.isArray(v) ? v.map(str) : [str(v)]) : [],
    );
    return [
      `Awaiting approval: ${pending.summary ?? change}.`,
      ids.length ? `Assets: ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ', …' : ''}.` : '',
      `Pending action ${pending.id}. Nothing has changed yet; approve or deny it with that id.`,
    ]
      .filter(Boolean)
      .join('\n');
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

// ——— any exchange ———

/** The filters or fields of a call in words: "campaign spring-launch, status draft". */
export function describeInput(input: Obj, output?: unknown): string {
  // A list says how it read its filters ("campaign Spring Launch", "masters").
  if (isObj(output) && Array.isArray(output.read) && output.read.length)
    return output.read.filter((r) => typeof r === 'string').join(', ');
  const parts: string[] = [];
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined || v === null || k === 'limit' || k === 'cursor') continue;
    if (isObj(v)) {
      const inner = describeInput(v);
      if (inner) parts.push(inner);
    } else if (Array.isArray(v))
      parts.push(`${k} ${v.slice(0, 8).map(str).join(', ')}${v.length > 8 ? ', …' : ''}`);
    else parts.push(`${k} ${str(v)}`);
  }
  return parts.join(', ');
}

export interface RenderOptions extends TextOptions {
  /** The call fetched a further page of an earlier list. */
  nextPage?: boolean;
}

/** One call's outcome for a person: refused, failed, waiting for approval, or the tool's view. */
export function renderExchange(
  ex: ToolExchange,
  tool: ToolInfo | undefined,
  opts: RenderOptions,
): string {
  if (ex.denied || ex.error) {
    if (!tool?.annotations.needsApproval) return renderError(ex);
    return renderSideEffect(ex, `${ex.toolName} (${describeInput(ex.input)})`);
  }
  if (findPending(ex.output))
    return renderSideEffect(ex, `${ex.toolName} (${describeInput(ex.input)})`);
  if (tool?.view) {
    let view: View;
    try {
      view = tool.view(ex.output, ex.input);
    } catch {
      return renderGeneric(ex);
    }
    const text = viewText(view, opts);
    return opts.nextPage && view.kind === 'grid'
      ? text.replace(/^Found /, 'Next page of the ')
      : text;
  }
  return renderGeneric(ex);
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
  if (pending) return renderSideEffect(ex, `${ex.toolName} ${describeInput(ex.input)}`.trim());
  if (typeof out === 'string') return `${ex.toolName}: ${clip(out, 1200)}`;
  if (!isObj(out)) return `${ex.toolName} returned ${JSON.stringify(out)?.slice(0, 400)}.`;
  const lines: string[] = [
    `Result of ${ex.toolName}${describeInput(ex.input) ? ` (${describeInput(ex.input)})` : ''}:`,
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
        lines.push(
          `${n + 1}. ${typeof o.id === 'string' ? `${o.id}${o.title ? ` — "${str(o.title)}"` : ''}${scalars(withoutIdTitle(o)) ? ` (${scalars(withoutIdTitle(o))})` : ''}` : scalars(o)}`,
        );
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

const withoutIdTitle = ({ id: _i, title: _t, ...rest }: Obj) => rest;

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
    const said = t.examples
      .slice(0, 2)
      .map((e) => `"${e.say.replace(/\{(\w+)\}/g, '<$1>')}"`)
      .join(', ');
    const ex = said ? ` Try: ${said}.` : '';
    lines.push(`- ${t.name}: ${t.description}${approval}${ex}`);
  }
  if (!tools.length) lines.push('- (no tools are available in this conversation)');
  lines.push(
    'Filters I understand: campaign, channel, status, orientation, kind, locale, colour and counts such as "top 5".',
  );
  return lines.join('\n');
}

const round = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
