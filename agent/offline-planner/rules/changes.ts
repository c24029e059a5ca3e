// Rules for changes a user asks for in so many words: set-asset-status ("archive X", "approve all
// drafts in campaign Y", "set these to needs review") and update-asset-metadata ("rename X to …",
// "add keywords …"). The calls go through the approval gate; the answer says what awaits approval.
// Only the user's message can start these: nothing in a tool result ever does.

import {
  describeFilters,
  findPending,
  renderError,
  renderList,
  renderSideEffect,
} from '../answer.ts';
import { enumValues, fillArgs, keyValues, matchEnum } from '../args.ts';
import { idsOf, resolveTargets } from '../context.ts';
import { escapeRe } from '../extract.ts';
import type { ToolExchange } from '../prompt.ts';
import type { Plan, Rule } from '../types.ts';
import { LIST_TOOL, listRequest } from './assets.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export const STATUS_TOOL = 'set-asset-status';
export const METADATA_TOOL = 'update-asset-metadata';

const NEGATED =
  /\b(?:don'?t|do not|never|without|no need to|shouldn'?t|should not|not to)\s+(?:\w+\s+){0,2}?(?:archive|approve|set|mark|change|move|update|rename|touch|modify|edit|add|remove)\b/;
/** Questions about state ("which assets are approved?") are reads, unless they ask us to act. */
const QUESTION = /^\s*(?:which|what|how many|are|is|does|do|did|who|when|where|why|has|have)\b/;
const POLITE_REQUEST = /\b(?:can|could|would|will) you\b|\bplease\b/;

function isCommand(lower: string): boolean {
  if (NEGATED.test(lower)) return false;
  return !QUESTION.test(lower) || POLITE_REQUEST.test(lower);
}

interface TargetStatus {
  status: string;
  /** Where in the message the target was said, so it is not also read as a filter. */
  at: number;
  len: number;
}

export function targetStatus(lower: string, values: readonly string[]): TargetStatus | undefined {
  // status=… is a target only next to a verb of change; otherwise it is a filter (list-assets).
  const kv = /\bstatus\s*=\s*["']?([a-z_ -]{3,24})/.exec(lower);
  if (
    kv &&
    /\bset-asset-status\b|\b(?:set|mark|change|update|move|switch|make|turn)\b/.test(lower)
  ) {
    const status = matchEnum(values, kv[1]!);
    if (status) return { status, at: kv.index, len: kv[0].length };
  }
  const explicit = [
    /\b(?:set|mark|change|move|put|switch|update|flag|make|turn|bring|return|revert)\b.{0,160}?\b(?:to|as|into|back to)\s+((?:status\s+|the\s+)?[a-z][a-z _-]{2,24})/g,
    /\bstatus\b.{0,40}?\b(?:to|:)\s*([a-z][a-z _-]{2,24})/g,
  ];
  for (const re of explicit) {
    for (const m of lower.matchAll(re)) {
      const status = matchEnum(values, m[1]!.replace(/^(?:status|the)\s+/, ''));
      if (status) return { status, at: m.index, len: m[0].length };
    }
  }
  const patterns: [RegExp, string][] = [
    [
      /\b(?:send|submit|put|flag|queue|pass)\b.{0,120}?\b(?:for|to|up for|in for)\s+(?:a\s+)?review\b|\brequest (?:a )?review\b/,
      'needs_review',
    ],
    [/\b(?:un-?archive|restore|reinstate)\b/, 'draft'],
    [/(?<!\b(?:the|in|from|of|an|to|our|my)\s)\barchive\b(?!d)/, 'archived'],
    [/\bapprove\b(?!d)|\bsign off\b|\bgreen-?light\b/, 'approved'],
  ];
  for (const [re, status] of patterns) {
    const m = re.exec(lower);
    if (m && values.includes(status)) return { status, at: m.index, len: m[0].length };
  }
  return undefined;
}

const setStatusRule: Rule = (ctx) => {
  const tool = ctx.tools.get(STATUS_TOOL);
  if (!tool || !isCommand(ctx.e.lower)) return undefined;
  const statusProp = Object.keys(tool.schema.properties ?? {}).find((k) => /status/i.test(k));
  const values = statusProp ? enumValues(tool.schema.properties![statusProp]!) : undefined;
  if (!statusProp || !values) return undefined;
  const target = targetStatus(ctx.e.lower, values);
  if (!target) return undefined;
  const lower = ctx.e.lower;
  // The rest of the message describes which assets: "archive the approved ones" filters on approved.
  const enumText =
    lower.slice(0, target.at) + ' '.repeat(target.len) + lower.slice(target.at + target.len);
  const targets = resolveTargets(ctx);
  const list = ctx.tools.get(LIST_TOOL);
  const listReq = list ? listRequest(ctx, list, { enumText, forAll: true }) : undefined;
  const everything = /\b(?:all|every|everything|each)\b/.test(lower);
  const viaList = !targets.ids.length && !!listReq && (listReq.filtered || everything);
  const status = target.status;
  const bySelection = viaList && 'selection' in (tool.schema.properties ?? {});

  const callFor = (ids: string[]) => ({
    toolName: tool.name,
    input: fillArgs(tool.schema, { e: ctx.e, ids, fixed: { [statusProp]: status } }).input,
  });
  const listedIds = (done: readonly ToolExchange[]) => {
    const listed = done.find((x) => x.toolName === LIST_TOOL);
    if (!listed || !listReq) return [];
    if (!listReq.view.colours && !listReq.view.channel) return idsOf(listed.output);
    const text = renderList(listed, { ...listReq.view, count: 100 });
    return idsOf(listed.output).filter((id) => text.includes(id));
  };

  return {
    intent: STATUS_TOOL,
    priority: 90,
    next: (done) => {
      if (done.some((x) => x.toolName === tool.name)) return [];
      if (targets.ids.length && !targets.ambiguous) return [callFor(targets.ids)];
      if (!viaList || !listReq) return [];
      // A tool that takes a selection covers every match itself: one pending action for all.
      if (bySelection) {
        const { limit: _l, cursor: _c, ...selection } = listReq.input;
        return [{ toolName: tool.name, input: { selection, [statusProp]: status } }];
      }
      if (!done.some((x) => x.toolName === LIST_TOOL))
        return [{ toolName: LIST_TOOL, input: listReq.input }];
      const ids = listedIds(done);
      return ids.length ? [callFor(ids)] : [];
    },
    answer: (done) => {
      const listed = done.find((x) => x.toolName === LIST_TOOL);
      const call = done.find((x) => x.toolName === tool.name);
      const lines: string[] = [];
      if (listed?.error) return renderError(listed);
      if (listed && !call) {
        const filters = describeFilters(listed.input);
        return `No assets match ${filters || 'that request'}, so there is nothing to set to ${status}.`;
      }
      if (listed) {
        const n = idsOf(listed.output).length;
        const filters = describeFilters(listed.input);
        lines.push(
          `Found ${n} asset${n === 1 ? '' : 's'}${filters ? ` matching ${filters}` : ''}.`,
        );
      }
      if (!call) {
        if (targets.ambiguous) {
          return `Which asset should I set to ${status}? The previous answer listed ${ctx.memory.lastIds.length}: ${ctx.memory.lastIds.slice(0, 10).join(', ')}. Name one by id, or say "all of them".`;
        }
        return `Which assets should I set to ${status}? Give their ids, or describe them (e.g. "all drafts in the Summer Sale campaign").`;
      }
      const ids = Object.values(call.input).find(Array.isArray) as string[] | undefined;
      const idList = ids ?? [String(Object.values(call.input)[0])];
      const what = isObj(call.input.selection)
        ? `set every asset matching ${describeFilters(call.input.selection) || 'that description'} to ${status}`
        : idList.length === 1
          ? `set asset ${idList[0]} to ${status}`
          : `set ${idList.length} assets to ${status} (${idList.slice(0, 8).join(', ')}${idList.length > 8 ? ', …' : ''})`;
      lines.push(renderSideEffect(call, what));
      if (!call.error && !findPending(call.output)) lines.push(...statusChanges(call.output));
      return lines.join('\n');
    },
  };
};

function statusChanges(out: unknown): string[] {
  if (!isObj(out)) return [];
  const lines: string[] = [];
  if (Array.isArray(out.changed)) {
    for (const c of out.changed.filter(isObj)) {
      lines.push(
        `- ${String(c.id)} "${String(c.title ?? '')}": ${String(c.before ?? '?')} → ${String(out.status ?? '')}`,
      );
    }
  }
  if (Array.isArray(out.unchanged) && out.unchanged.length) {
    lines.push(`Already ${String(out.status ?? 'there')}: ${out.unchanged.join(', ')}.`);
  }
  return lines;
}

// ——— metadata ———

interface MetadataChange {
  title?: string;
  description?: string;
  keywords?: string[];
  addKeywords?: string[];
  removeKeywords?: string[];
}

const TAIL = /[\s.!?;,]+$/;
const trimValue = (s: string) =>
  s
    .replace(/\s+(?:please|thanks|thank you)\W*$/i, '')
    .replace(TAIL, '')
    .replace(/^["“'‘]|["”'’]$/g, '')
    .trim();

/** The text a field should become: a quoted string after the trigger, else the rest after "to"/"as". */
function valueAfter(
  text: string,
  trigger: RegExp,
  quoted: readonly string[],
  ids: readonly string[],
): string | undefined {
  const m = trigger.exec(text);
  if (!m) return undefined;
  const rest = text.slice(m.index + m[0].length);
  const q = quoted.find((s) => rest.includes(s));
  if (q) return q;
  const to = /\b(?:to|as)\b\s*:?\s*|:\s*/i.exec(rest);
  if (!to) return undefined;
  let v = rest.slice(to.index + to[0].length);
  for (const id of ids) v = v.replace(new RegExp(`\\b(?:asset:)?${escapeRe(id)}\\b`), ' ');
  v = trimValue(v.replace(/\s+/g, ' '));
  return v || undefined;
}

function keywordList(
  text: string,
  trigger: RegExp,
  quoted: readonly string[],
  ids: readonly string[],
): string[] {
  const m = trigger.exec(text);
  if (!m) return [];
  let rest = text.slice(m.index + m[0].length);
  const qs = quoted.filter((s) => rest.includes(s));
  if (qs.length) return qs;
  rest = rest.replace(/^\s*(?:keywords?|tags?)\b\s*:?/i, '');
  rest = rest.split(
    /\s+(?:to|from|on|for|of)\s+(?:the\s+)?(?:asset|it|this|that|them)\b|\s+(?:to|from|on|of)\s+(?=[a-z0-9:]{16,})/i,
  )[0]!;
  for (const id of ids)
    rest = rest.replace(new RegExp(`\\b(?:asset:)?${escapeRe(id)}\\b`, 'g'), ' ');
  return rest
    .split(/,|;|\band\b|&|\//i)
    .map((k) => trimValue(k.replace(/^\s*(?:the|a|an)\s+/i, '')))
    .filter((k) => k.length > 0 && k.length <= 80 && !/^(?:asset|it|them|to|from)$/i.test(k));
}

export function metadataChange(
  text: string,
  quoted: readonly string[],
  ids: readonly string[],
): MetadataChange {
  const c: MetadataChange = {};
  const kv = keyValues(text);
  const list = (k: string) =>
    kv
      .get(k.toLowerCase())
      ?.split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const title =
    valueAfter(text, /\b(?:rename|retitle)\b/i, quoted, ids) ??
    valueAfter(
      text,
      /\b(?:change|set|update|make|edit)\s+(?:the\s+|its\s+)?(?:title|name)\b(?:\s+of\s+(?:asset\s+)?\S+)?/i,
      quoted,
      ids,
    ) ??
    valueAfter(text, /\b(?:title|call)\s+it\b/i, [], ids);
  if (title) c.title = title.slice(0, 200);
  const description =
    valueAfter(
      text,
      /\b(?:change|set|update|replace|edit|rewrite)\s+(?:the\s+|its\s+)?description\b(?:\s+of\s+(?:asset\s+)?\S+)?/i,
      quoted,
      ids,
    ) ?? valueAfter(text, /\bdescribe\s+(?:it|(?:asset\s+)?\S+)\b/i, quoted, ids);
  if (description !== undefined) c.description = description;
  const add = keywordList(
    text,
    /\b(?:add|append|include)\b(?:\s+(?:the|these|a|some))?\s+(?:keywords?|tags?)\b/i,
    quoted,
    ids,
  );
  const tagWith = keywordList(text, /\btag\s+(?:asset\s+)?\S+\s+(?:with|as)\b/i, quoted, ids);
  if (add.length || tagWith.length) c.addKeywords = [...add, ...tagWith];
  const remove = keywordList(
    text,
    /\b(?:remove|delete|drop|strip)\b(?:\s+(?:the|these))?\s+(?:keywords?|tags?)\b/i,
    quoted,
    ids,
  );
  if (remove.length) c.removeKeywords = remove;
  const replace = keywordList(
    text,
    /\b(?:set|replace|change)\s+(?:the\s+|its\s+)?(?:keywords?|tags?)\b(?:\s+of\s+(?:asset\s+)?\S+)?\s+(?:to|with)\b/i,
    quoted,
    ids,
  );
  if (replace.length) c.keywords = replace;
  // Explicit key=value pairs win over anything read from prose.
  if (kv.has('title')) c.title = kv.get('title');
  if (kv.has('description')) c.description = kv.get('description');
  for (const k of ['keywords', 'addKeywords', 'removeKeywords'] as const) {
    const v = list(k);
    if (v?.length) c[k] = v;
  }
  return c;
}

const updateMetadataRule: Rule = (ctx) => {
  const tool = ctx.tools.get(METADATA_TOOL);
  if (!tool || !isCommand(ctx.e.lower)) return undefined;
  const targets = resolveTargets(ctx);
  const change = metadataChange(ctx.e.text, ctx.e.quoted, targets.ids);
  const props = tool.schema.properties ?? {};
  // Keep only the fields this tool's schema accepts.
  const fields = Object.fromEntries(Object.entries(change).filter(([k]) => k in props)) as Record<
    string,
    unknown
  >;
  if (!Object.keys(fields).length) return undefined;
  const ids = targets.ambiguous ? [] : targets.ids.slice(0, 10);
  const what = (id: string) => {
    const parts: string[] = [];
    if (change.title) parts.push(`rename asset ${id} to "${change.title}"`);
    if (change.description !== undefined)
      parts.push(`set the description of asset ${id} to "${change.description}"`);
    if (change.keywords)
      parts.push(`set the keywords of asset ${id} to ${change.keywords.join(', ')}`);
    if (change.addKeywords)
      parts.push(`add keywords ${change.addKeywords.join(', ')} to asset ${id}`);
    if (change.removeKeywords)
      parts.push(`remove keywords ${change.removeKeywords.join(', ')} from asset ${id}`);
    return parts.join(' and ');
  };
  const plan: Plan = {
    intent: METADATA_TOOL,
    priority: 90,
    next: (done) =>
      done.length
        ? []
        : ids.map((id) => ({
            toolName: tool.name,
            input: fillArgs(tool.schema, { e: ctx.e, ids: [id], fixed: fields }).input,
          })),
    answer: (done) => {
      if (!done.length) {
        return `Which asset should I change? Give its id (for example "rename asset <id> to 'Spring hero'").`;
      }
      return done
        .map((x) => {
          const id = String(Object.values(x.input).find((v) => typeof v === 'string') ?? '');
          const line = renderSideEffect(x, what(id));
          const out = x.output;
          if (x.error || findPending(out) || !isObj(out)) return line;
          const changed = Array.isArray(out.changed) ? out.changed.join(', ') : '';
          return `${line}${changed ? `\nChanged: ${changed}.` : ' Nothing needed changing.'}`;
        })
        .join('\n\n');
    },
  };
  return plan;
};

export const changeRules: Rule[] = [setStatusRule, updateMetadataRule];
