// Rules for reading the library: list-assets (filters, counts, colours, pages) and get-asset
// (one asset, its children and parents), including two-step plans such as "the newest asset in
// campaign X and its placements" (list, then get).

import {
  describeFilters,
  type ListView,
  postFilterWords,
  renderAsset,
  renderError,
  renderList,
} from '../answer.ts';
import { fillArgs } from '../args.ts';
import { idsOf, resolveTargets } from '../context.ts';
import type { ToolExchange } from '../prompt.ts';
import type { Call, Plan, RouteContext, Rule, ToolInfo } from '../types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

const ASSET_WORDS =
  /\b(?:assets?|images?|pictures?|photos?|visuals?|creatives?|files?|renditions?|masters?|originals?|variants?|variations?|banners?|stories|story|posts?|videos?|library|archive|drafts?|thumbnails?|cuts|versions|shots|content|localizations?|localisations?|translations|everything|uploads?|uploaded|new)\b/;
const COUNT_QUESTION = /\bhow many\b|\bnumber of\b|\bcount\b/;
const WANT_CHILDREN =
  /\b(?:children|child|renditions?|derivatives?|derived|descendants?|versions|locali[sz]ations?|locali[sz]ed|translations|variants?|variations|cuts|lineage|family|tree|made from it)\b/;
const WANT_PARENTS =
  /\b(?:parents?|original|master|source|come from|came from|comes from|derived from|based on|lineage|family|tree|ancestors?)\b/;
const WANT_DETAIL =
  /\b(?:placements?|placed|where (?:is|was) it (?:used|running|placed)|palette|keywords|description|details?|tell me about|describe|metadata|lineage|children|renditions|parents?)\b/;
const NEXT_PAGE =
  /^\s*(?:more|next|next page|continue|go on)\W*$|\b(?:next page|next \d+|show (?:me )?more|more (?:please|results|of (?:these|them|those))|the rest|page \d+|keep going)\b/;

export const LIST_TOOL = 'list-assets';
export const GET_TOOL = 'get-asset';

/** list-assets input and the answer-side filters for what the tool cannot filter on. */
export function listRequest(
  ctx: RouteContext,
  tool: ToolInfo,
  opts: { enumText?: string; forAll?: boolean } = {},
): { input: Record<string, unknown>; view: ListView; filtered: boolean } {
  const { e } = ctx;
  const { input } = fillArgs(tool.schema, { e, ids: [], enumText: opts.enumText });
  delete input.cursor;
  const view: ListView = {};
  const props = tool.schema.properties ?? {};
  const max = props.limit?.maximum ?? 100;
  // The tool filters by channel words and by colour itself; only what it cannot take is
  // filtered on the answer side (a second colour).
  if (e.channel && !e.channel.slug && !('channel' in props)) view.channel = e.channel;
  const toolColours = 'colour' in props ? 1 : 0;
  if (e.colours.length > toolColours) view.colours = e.colours.slice(toolColours);
  if (
    'kind' in props &&
    input.kind === undefined &&
    /\bhero(?:es)?\b|\bkey visuals?\b/.test(e.lower) &&
    e.channel?.network !== 'web'
  ) {
    input.kind = 'master';
    view.heroAsMasters = true;
  }
  const postFilter = !!(view.channel || view.colours);
  const filtered = Object.keys(input).some((k) => k !== 'limit') || postFilter;
  if (opts.forAll) input.limit = max;
  else if (postFilter) {
    view.count = e.count ?? 20;
    input.limit = max;
  } else if (COUNT_QUESTION.test(e.lower)) {
    view.countQuestion = true;
    input.limit = Math.min(e.count ?? 5, max);
  }
  if (
    e.dateRange &&
    !Object.keys(props).some((p) => /date|from|to|since|until|after|before/i.test(p))
  ) {
    view.unsupportedDates = e.dateRange.label;
  }
  return { input, view, filtered };
}

const listRule: Rule = (ctx) => {
  const tool = ctx.tools.get(LIST_TOOL);
  if (!tool) return undefined;
  const { input, view, filtered } = listRequest(ctx, tool);
  if (!filtered && !ASSET_WORDS.test(ctx.e.lower) && ctx.e.count === undefined) return undefined;
  return {
    intent: LIST_TOOL,
    priority: 50,
    next: (done) => (done.length ? [] : [{ toolName: LIST_TOOL, input }]),
    answer: (done) => done.map((x) => renderList(x, view)).join('\n\n'),
  };
};

const pageRule: Rule = (ctx) => {
  const last = ctx.memory.lastList;
  if (!last?.next || !ctx.tools.has(last.toolName) || !NEXT_PAGE.test(ctx.e.lower))
    return undefined;
  const input = { ...last.input, cursor: last.next };
  return {
    intent: `${last.toolName}:next-page`,
    priority: 75,
    next: (done) => (done.length ? [] : [{ toolName: last.toolName, input }]),
    answer: (done) => done.map((x) => renderList(x)).join('\n\n'),
  };
};

/** "asset X", "asset X and its children", "where did X come from": get-asset, then its relatives. */
const detailRule: Rule = (ctx) => {
  const tool = ctx.tools.get(GET_TOOL);
  if (!tool) return undefined;
  const targets = resolveTargets(ctx);
  if (!targets.ids.length) return undefined;
  // "it" in a message that names its own filters is about those filters, not an earlier asset.
  const list = ctx.tools.get(LIST_TOOL);
  if (targets.fromMemory && list && listRequest(ctx, list).filtered) return undefined;
  return detailPlan(ctx, tool, () => targets.ids.slice(0, 5), 70, GET_TOOL);
};

/** "the newest asset in campaign X and its placements": list one, then get it. */
const listThenDetailRule: Rule = (ctx) => {
  const get = ctx.tools.get(GET_TOOL);
  const list = ctx.tools.get(LIST_TOOL);
  if (!get || !list || !ctx.e.singular || resolveTargets(ctx).ids.length) return undefined;
  if (
    !WANT_DETAIL.test(ctx.e.lower) &&
    !WANT_CHILDREN.test(ctx.e.lower) &&
    !WANT_PARENTS.test(ctx.e.lower)
  ) {
    return undefined;
  }
  const { input, view } = listRequest(ctx, list);
  const postFilter = !!(view.channel || view.colours);
  if (!postFilter) input.limit = 1;
  const pick = (done: readonly ToolExchange[]) => {
    const listed = done.find((x) => x.toolName === LIST_TOOL);
    if (!listed || listed.error) return [];
    const out = listed.output;
    if (!postFilter) return idsOf(out).slice(0, 1);
    // Apply the answer-side filters, then take the newest survivor.
    const text = renderList(listed, { ...view, count: 1 });
    return idsOf(out)
      .filter((id) => text.includes(id))
      .slice(0, 1);
  };
  const inner = detailPlan(ctx, get, pick, 65, 'list-then-get-asset');
  return {
    ...inner,
    next: (done) =>
      done.some((x) => x.toolName === LIST_TOOL)
        ? inner.next(done)
        : [{ toolName: LIST_TOOL, input }],
    answer: (done) => {
      const listed = done.find((x) => x.toolName === LIST_TOOL);
      if (!listed) return inner.answer(done);
      if (listed.error) return renderError(listed);
      if (!pick(done).length) return renderList(listed, { ...view, count: 1 });
      const filters = describeFilters(listed.input);
      const extra = postFilterWords({
        channel: listed.input.channel ? undefined : view.channel,
        colours: view.colours,
      });
      const head = `The newest asset${filters ? ` matching ${filters}` : ''}${extra.length ? ` ${extra.join(' and ')}` : ''}:`;
      return `${head}\n${inner.answer(done)}`;
    },
  };
};

function detailPlan(
  ctx: RouteContext,
  tool: ToolInfo,
  primary: (done: readonly ToolExchange[]) => string[],
  priority: number,
  intent: string,
): Plan {
  const lower = ctx.e.lower;
  const wantChildren = WANT_CHILDREN.test(lower);
  const wantParents = WANT_PARENTS.test(lower);
  const getCall = (id: string): Call => ({
    toolName: tool.name,
    input: fillArgs(tool.schema, { e: ctx.e, ids: [id], fixed: {} }).input,
  });
  const fetched = (done: readonly ToolExchange[]) => {
    const m = new Map<string, ToolExchange>();
    for (const x of done) {
      if (x.toolName !== tool.name) continue;
      const id = Object.values(x.input).find((v) => typeof v === 'string');
      if (typeof id === 'string') m.set(id.replace(/^asset:/, ''), x);
    }
    return m;
  };
  const related = (done: readonly ToolExchange[]) => {
    const got = fetched(done);
    const out: string[] = [];
    for (const id of primary(done)) {
      const a = got.get(id)?.output;
      if (!isObj(a)) continue;
      const rel = [
        ...(wantChildren && Array.isArray(a.children) ? a.children : []),
        ...(wantParents && Array.isArray(a.parents) ? a.parents : []),
      ];
      for (const r of rel)
        if (isObj(r) && typeof r.id === 'string' && !out.includes(r.id)) out.push(r.id);
    }
    return out.slice(0, 10);
  };
  return {
    intent,
    priority,
    next: (done) => {
      const got = fetched(done);
      const first = primary(done).filter((id) => !got.has(id));
      if (first.length) return first.map(getCall);
      return related(done)
        .filter((id) => !got.has(id))
        .map(getCall);
    },
    answer: (done) => {
      const got = fetched(done);
      const rel = new Map<string, Obj>();
      for (const [id, x] of got) if (isObj(x.output)) rel.set(id, x.output);
      const ids = primary(done);
      return ids
        .map((id) => {
          const x = got.get(id);
          return x ? renderAsset(x, rel) : '';
        })
        .filter(Boolean)
        .join('\n\n');
    },
  };
}

export const assetRules: Rule[] = [listRule, pageRule, detailRule, listThenDetailRule];
