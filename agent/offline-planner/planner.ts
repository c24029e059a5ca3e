// The planner: a matcher over the catalog. Entities in the user's message become placeholders,
// each tool is scored against its own examples (BM25, plus the slots it can fill, a bonus when it
// is named, and a penalty on tools that change data when the message is a question or says not to),
// and the best tool wins above a threshold and a margin; on a near-tie it asks. What stays written
// by hand covers every tool alike: greetings and help, the next page, "it"/"these", negation, and
// saying what no tool can do. Only the user's words decide; tool results are data it reports on.
import { z } from 'zod';
import { isObj } from '../../core/util.ts';
import { type AnyTool, describeZodError } from '../../tools/define-tool.ts';
import { describeInput, helpText, injectionNotes, renderError, renderExchange } from './answer.ts';
import { enumForms, enumValues, type JsonSchema, splitName, unwrap } from './args.ts';
import { idsOf, routeContext } from './context.ts';
import { type Filled, fillInput, type Message } from './fill.ts';
import { Bm25, tokens } from './match.ts';
import type { Conversation, ToolExchange } from './prompt.ts';
import type { Call, Plan, RouteContext, ToolExample, ToolInfo } from './types.ts';

export type { ToolInfo } from './types.ts';

/** A turn never takes more model steps than this, whatever the plan says. */
const MAX_STEPS = 6;
/** The lowest score that routes to a tool; below it the planner says it cannot help. */
const THRESHOLD = 1.2;
/** A runner-up within this share of the winner's score is a near-tie: ask which was meant. */
const MARGIN = 0.08;

export function toolInfo(t: AnyTool): ToolInfo {
  const schema = z.toJSONSchema(t.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return {
    name: t.name,
    description: t.description,
    annotations: t.annotations,
    schema,
    validate: (input) => {
      const r = t.input.safeParse(input);
      return r.success ? undefined : describeZodError(r.error);
    },
    examples: t.examples?.length ? t.examples : [{ say: splitName(t.name).join(' ') }],
    plan: t.plan,
    view: t.view ? (output, input) => t.view!(output, input) : undefined,
  };
}

export interface PlannedStep {
  intent: string;
  calls: Call[];
  text?: string;
}

export function planStep(
  conv: Conversation,
  tools: readonly ToolInfo[],
  opts: { now: Date },
): PlannedStep {
  const ctx = routeContext(conv, tools, opts.now);
  const plan = route(ctx);
  const done = conv.current.exchanges;
  if (conv.current.steps < MAX_STEPS) {
    const seen = new Set(done.map((x) => callKey(x.toolName, x.input)));
    const calls = plan
      .next(done)
      .filter((c) => ctx.tools.has(c.toolName) && !seen.has(callKey(c.toolName, c.input)));
    if (calls.length) return { intent: plan.intent, calls };
  }
  const text = [plan.answer(done), ...injectionNotes(done)].filter(Boolean).join('\n');
  return { intent: plan.intent, calls: [], text };
}

/** A call's identity, whatever order its input's keys were written in. */
const callKey = (name: string, input: unknown) => `${name} ${canonicalJson(input)}`;
const canonicalJson = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(canonicalJson).join(',')}]`
    : isObj(v)
      ? `{${Object.keys(v)
          .sort()
          .filter((k) => v[k] !== undefined)
          .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
          .join(',')}}`
      : JSON.stringify(v);

// ——— the index of examples ———

interface Doc {
  tool: ToolInfo;
  example: ToolExample;
}
interface Index {
  tools: readonly ToolInfo[];
  docs: Doc[];
  docTokens: string[][];
  bm25: Bm25;
  /** Words the tools' schemas read as values ("landscape", "hero" for masters): not content. */
  valueWords: Set<string>;
}
const indexes = new Map<string, Index>();

function indexFor(tools: readonly ToolInfo[]): Index {
  const key = tools.map((t) => t.name).join('\n');
  const hit = indexes.get(key);
  if (hit && hit.tools.length === tools.length && hit.tools.every((t, i) => t === tools[i]))
    return hit;
  const docs = tools.flatMap((tool) => tool.examples.map((example) => ({ tool, example })));
  const docTokens = docs.map((d) => tokens(d.example.say));
  const valueWords = new Set<string>();
  const walk = (schema: JsonSchema | undefined) => {
    for (const raw of Object.values(schema?.properties ?? {})) {
      const p = unwrap(raw);
      const values = enumValues(p) ?? [];
      for (const v of values)
        for (const f of enumForms(v, p.aliases)) for (const t of tokens(f)) valueWords.add(t);
      walk(p);
      if (p.items) walk(unwrap(p.items));
    }
  };
  for (const t of tools) walk(t.schema);
  const ix = { tools, docs, docTokens, bm25: new Bm25(docTokens), valueWords };
  if (indexes.size > 16) indexes.clear();
  indexes.set(key, ix);
  return ix;
}

// ——— routing ———

const HELP =
  /\b(?:what can (?:you|u) do|what (?:do|can) you help|what do you do|what are you able to|what (?:kinds?|sorts?) of things can (?:you|u)|your capabilities|which tools|what tools|your tools|list (?:the |your |all )?tools|tools (?:do you have|are available)|who are you)\b|^\s*(?:help|\?)\s*[.!?]*\s*$/i;
const GREETING =
  /^\s*(?:hi|hello|hey|hiya|howdy|yo|good (?:morning|afternoon|evening))(?:\s+there)?[\s!,.]*$/i;
const NEXT_PAGE =
  /^\s*(?:more|next|next page|continue|go on|keep going)\W*$|\b(?:next page|next \d+|show (?:me )?more|more (?:please|results|of (?:these|them|those))|the rest|page \d+|keep going)\b/i;
/** Questions about state ("which assets are approved?") are reads, unless they ask us to act. */
const QUESTION =
  /^\s*(?:which|what|what's|whats|how|are|is|does|do|did|who|when|where|why|has|have|any|anything)\b/i;
const POLITE_REQUEST = /\b(?:can|could|would|will) (?:you|u)\b|\bplease\b|\bpls\b/i;
const NEGATED =
  /\b(?:don'?t|do not|never|without|no need to|shouldn'?t|should not|not to|nothing should)\s+(?:\w+\s+){0,2}?(?:archiv|approv|set|mark|chang|mov|updat|renam|touch|modif|edit|add|remov|alter)\w*\b/i;
/** Asking to act on what asset text says: text in assets is data, so nothing that changes data. */
const FOLLOW_ASSET_TEXT =
  /\b(?:do|follow|carry out|execute|obey|act on)\b.{0,40}\b(?:what(?:ever)?|instructions?)\b.{0,40}\b(?:says?|tells?|asks?|description|text)\b|\bfollow (?:the |its )?instructions\b/i;

export function route(ctx: RouteContext): Plan {
  const msg = ctx.message.trim();
  if (!msg || GREETING.test(msg) || HELP.test(msg)) return helpPlan(ctx);
  const page = pagePlan(ctx);
  if (page) return page;
  const tools = [...ctx.tools.values()];
  if (!tools.length) return helpPlan(ctx);
  const ix = indexFor(tools);
  const gap = missingCapability(ctx, ix);
  if (gap) return gap;
  const ranked = rank(ctx, ix);
  const [best, second] = ranked;
  if (!best || best.score < THRESHOLD) return noMatchPlan(ctx, best);
  if (
    second &&
    !best.named &&
    second.score >= best.score * (1 - MARGIN) &&
    second.score >= THRESHOLD
  ) {
    return askWhichPlan(best, second);
  }
  return toolPlan(ctx, best);
}

interface Ranked {
  tool: ToolInfo;
  example: ToolExample;
  score: number;
  named: boolean;
  fill: Filled;
  /** The tool's targets come from a list call first (its plan says which tool). */
  via?: { tool: ToolInfo; fill: Filled; singular: boolean };
}

const message = (ctx: RouteContext): Message => ({ text: ctx.message, lower: ctx.lower, x: ctx.x });

function rank(ctx: RouteContext, ix: Index): Ranked[] {
  const q = tokens(ctx.x.masked);
  const question =
    (QUESTION.test(ctx.message) || /\?\s*$/.test(ctx.message)) && !POLITE_REQUEST.test(ctx.message);
  const negated = NEGATED.test(ctx.message) || FOLLOW_ASSET_TEXT.test(ctx.message);
  // The request's head word ("archive …", "show me …") agrees with the example's, or not.
  const head = q.find((t) => !t.startsWith('{'));
  // Words no example knows ("sunset", "water bottle") are content: a tool that takes free text
  // ({text} in an example's input) is the one to hear them.
  const unknown = q.filter(
    (t) => !t.startsWith('{') && !ix.bm25.knows(t) && !ix.valueWords.has(t),
  ).length;
  const quoted = ctx.x.found.some((f) => f.kind === 'text');
  const byTool = new Map<ToolInfo, { example: ToolExample; s: number }>();
  const said = new Set(q);
  ix.docs.forEach((d, i) => {
    const own = ix.docTokens[i]!;
    // A change runs only when the message says it: the example's own verb must be there.
    const verb = own.find((t) => !t.startsWith('{'));
    const unsaid = d.tool.annotations.needsApproval && verb && !said.has(verb) ? 3 : 0;
    // An example with a place for words ("{colour} {text} images") fits only when words are there.
    const noWords = !unknown && !quoted && d.example.say.includes('{text}') ? 2 : 0;
    const s =
      ix.bm25.score(q, i) +
      0.5 * ix.bm25.coverage(q, i) +
      (head && own.includes(head) ? 1 : 0) -
      unsaid -
      noWords;
    const cur = byTool.get(d.tool);
    if (!cur || s > cur.s) byTool.set(d.tool, { example: d.example, s });
  });
  const out: Ranked[] = [];
  for (const [tool, { example, s }] of byTool) {
    // (the list call a two-step plan makes first takes the filters the tool itself cannot)
    const named = new RegExp(`(?<![a-z-])${tool.name}(?![a-z-])`).test(ctx.lower);
    const fill = fillInput(tool.schema, example, message(ctx), { validate: tool.validate });
    let score = s + (named ? 10 : 0);
    if (unknown && s > 0 && takesText(tool)) score += Math.min(2, unknown);
    const via = fill.missing.length ? targetsFromList(ctx, tool, fill) : undefined;
    if (fill.missing.length && !via) score -= 3;
    if (tool.plan?.needs?.some((kind) => !ctx.x.byKind.get(kind)?.found.length)) score -= 4;
    for (const kind of ctx.x.byKind.keys()) {
      if (fill.consumed.has(kind) || via?.fill.consumed.has(kind)) score += 0.3;
      // The message names assets the tool cannot take: it is about those assets.
      else if (kind === 'id') score -= 5;
    }
    if (tool.annotations.needsApproval) {
      // A question about state ("is X archived?") or "don't …" never becomes a change.
      if (negated) score -= 10;
      else if (question) score -= 8;
    }
    out.push({ tool, example, score, named, fill, via });
  }
  return out.sort((a, b) => b.score - a.score);
}

const SINGULAR =
  /\b(?:the|our|my)?\s*(?:(?:single|one|very)\s+)?(?:newest|latest|most recent|last|first|oldest)\s+(?:[a-z-]+\s+){0,3}?(?:asset|image|picture|photo|visual|creative|file|item|rendition|master|variant|banner|story|post|video|one|shot)\b(?!s)/i;

/** "The newest Instagram asset in X and its placements": list one first, then use it. */
function targetsFromList(ctx: RouteContext, tool: ToolInfo, fill: Filled): Ranked['via'] {
  const from = tool.plan?.targetsFrom;
  const list = from ? ctx.tools.get(from) : undefined;
  if (!list || fill.ids.length || fill.ambiguous) return undefined;
  const idProp = Object.keys(tool.schema.properties ?? {}).find(isIdProp);
  if (!idProp || !fill.missing.some((m) => isIdProp(m) || !(m in (tool.schema.properties ?? {}))))
    return undefined;
  const singular =
    SINGULAR.test(ctx.message) || ctx.x.found.some((f) => f.kind === 'count' && f.value === 1);
  const listFill = fillInput(list.schema, undefined, message(ctx), { validate: list.validate });
  const filters = Object.keys(listFill.input).filter((k) => k !== 'limit' && k !== 'cursor');
  if (!filters.length || !(singular || tool.annotations.needsApproval)) return undefined;
  return { tool: list, fill: listFill, singular };
}

const takesText = (tool: ToolInfo) =>
  tool.examples.some((e) =>
    Object.values(e.input ?? {}).some(
      (v) => v === '{text}' || (Array.isArray(v) && v.includes('{text}')),
    ),
  );

const isIdProp = (name: string) => /^(?:(?:asset|action|approval)?ids?|asset)$/i.test(name);

// ——— plans ———

function toolPlan(ctx: RouteContext, r: Ranked): Plan {
  const { tool, fill, via } = r;
  const props = tool.schema.properties ?? {};
  const idProp = Object.keys(props).find(isIdProp);
  const idIsList = idProp ? unwrap(props[idProp]!).type === 'array' : false;
  const gated = !!tool.annotations.needsApproval;
  const follow = (tool.plan?.follow ?? []).filter((f) => f.when.test(ctx.message));
  const mustAsk = gated && fill.ambiguous;
  const blocked = mustAsk || (fill.missing.length > 0 && !via);
  const notes = constraintNotes(
    ctx,
    [fill, ...(via ? [via.fill] : [])],
    [tool, ...(via ? [via.tool] : [])],
  );

  const listInput = via
    ? {
        ...via.fill.input,
        limit: via.singular ? 1 : Number(via.tool.schema.properties?.limit?.maximum ?? 100),
      }
    : undefined;
  const listed = (done: readonly ToolExchange[]) =>
    done.find((x) => via && x.toolName === via.tool.name && !x.error);
  const callsFor = (ids: string[]): Call[] => {
    if (!idProp) return [];
    if (idIsList) return [{ toolName: tool.name, input: { ...fill.input, [idProp]: ids } }];
    return ids
      .slice(0, 5)
      .map((id) => ({ toolName: tool.name, input: { ...fill.input, [idProp]: id } }));
  };
  const primaryCalls = (done: readonly ToolExchange[]): Call[] => {
    if (via) {
      const l = listed(done);
      return l ? callsFor(idsOf(l.output).slice(0, via.singular ? 1 : 100)) : [];
    }
    if (idProp && !idIsList && fill.ids.length > 1) return callsFor(fill.ids);
    return [{ toolName: tool.name, input: fill.input }];
  };
  const isPrimary = (x: ToolExchange, done: readonly ToolExchange[]) =>
    primaryCalls(done).some(
      (c) =>
        c.toolName === x.toolName && callKey(c.toolName, c.input) === callKey(x.toolName, x.input),
    );

  return {
    intent: via ? `${via.tool.name}+${tool.name}` : tool.name,
    next: (done) => {
      if (blocked) return [];
      if (via && !done.some((x) => x.toolName === via.tool.name))
        return [{ toolName: via.tool.name, input: listInput! }];
      const primary = primaryCalls(done);
      const pending = primary.filter(
        (c) => !done.some((x) => callKey(x.toolName, x.input) === callKey(c.toolName, c.input)),
      );
      if (pending.length) return pending;
      if (!follow.length || !idProp || idIsList) return [];
      const related = new Set<string>();
      for (const x of done) {
        if (x.toolName !== tool.name || !isPrimary(x, done) || x.error) continue;
        for (const f of follow) for (const id of f.ids(x.output)) related.add(id);
      }
      return [...related]
        .slice(0, 10)
        .map((id) => ({ toolName: tool.name, input: { [idProp]: id } }));
    },
    answer: (done) => {
      if (mustAsk) {
        const ids = ctx.memory.lastIds;
        return `Which asset do you mean? The previous answer listed ${ids.length}: ${ids.slice(0, 10).join(', ')}. Name one by id, or say "all of them".`;
      }
      if (blocked) return askForMissing(tool, fill);
      const lines = [...notes];
      const l = via ? done.find((x) => x.toolName === via.tool.name) : undefined;
      if (via && l) {
        if (l.error || l.denied) return [...lines, renderError(l)].join('\n');
        const found = idsOf(l.output);
        if (!found.length) {
          lines.push(renderExchange(l, via.tool, {}));
          lines.push(`So there is nothing to ${tool.name.replace(/-/g, ' ')}.`);
          return lines.join('\n');
        }
        if (via.singular)
          lines.push(
            `The newest asset matching ${describeInput(l.input, l.output) || 'that description'}:`,
          );
        else lines.push(`Found ${found.length} matching ${describeInput(l.input, l.output)}.`);
      }
      const titles = titlesIn(done);
      const countFirst = /\b(?:how many|number of|count)\b|#\s*of\b/i.test(ctx.message);
      const main = done.filter((x) => x.toolName === tool.name && isPrimary(x, done));
      for (const x of main) lines.push(renderExchange(x, tool, { titles, countFirst }));
      return lines.filter(Boolean).join('\n\n');
    },
  };
}

/** Titles of every asset the turn's results name, so related assets are named, not just id'd. */
function titlesIn(done: readonly ToolExchange[]): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (v: unknown, depth: number) => {
    if (depth > 3) return;
    if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
    else if (isObj(v)) {
      if (typeof v.id === 'string' && typeof v.title === 'string') out.set(v.id, v.title);
      for (const x of Object.values(v)) if (typeof x === 'object') visit(x, depth + 1);
    }
  };
  for (const x of done) visit(x.output, 0);
  return out;
}

/** "I can't filter by date (last 7 days) …": a constraint the chosen tools cannot take. */
function constraintNotes(
  ctx: RouteContext,
  fills: Filled[],
  tools: readonly ToolInfo[] = [],
): string[] {
  const out: string[] = [];
  // A tool whose own examples use the words ("find images similar to {id}") takes the constraint.
  const spoken = new Set(tools.flatMap((t) => t.examples.flatMap((e) => tokens(e.say))));
  for (const [kind, { extractor, found }] of ctx.x.byKind) {
    if (!extractor.constraint || fills.some((f) => f.consumed.has(kind))) continue;
    if (found.some((f) => tokens(f.label).some((t) => spoken.has(t)))) continue;
    out.push(
      `I can't ${extractor.constraint} (${found.map((f) => f.label).join(', ')}) with the tools I have, so I left that out; here is what I found without it:`,
    );
  }
  return out;
}

function askForMissing(tool: ToolInfo, fill: Filled): string {
  const needsIds =
    fill.missing.some(isIdProp) ||
    (!fill.ids.length && Object.keys(tool.schema.properties ?? {}).some(isIdProp));
  const example = tool.examples.find((e) => /\{id\}/.test(e.say)) ?? tool.examples[0];
  // Placeholders read as what goes there: "make <asset id> ready for <spec>".
  const hint = example
    ? ` For example: "${example.say.replace(/\{id\}/g, '<asset id>').replace(/\{(\w+)\}/g, '<$1>')}".`
    : '';
  if (needsIds && !fill.ids.length)
    return `Which assets should ${tool.name} act on? Give their ids, or describe them (campaign, channel, status…).${hint}`;
  return `To run ${tool.name} I need more detail: ${fill.missing.join('; ')}.${hint}`;
}

function pagePlan(ctx: RouteContext): Plan | undefined {
  const last = ctx.memory.lastList;
  if (!last?.next || !NEXT_PAGE.test(ctx.message)) return undefined;
  // A list remembered from an answer's text alone does not say its tool: the tool that pages.
  const tool =
    ctx.tools.get(last.toolName) ??
    [...ctx.tools.values()].find((t) => 'cursor' in (t.schema.properties ?? {}));
  if (!tool) return undefined;
  const input = { ...last.input, cursor: last.next };
  return {
    intent: `${tool.name}:next-page`,
    next: (done) => (done.length ? [] : [{ toolName: tool.name, input }]),
    answer: (done) => done.map((x) => renderExchange(x, tool, { nextPage: true })).join('\n\n'),
  };
}

interface Capability {
  /** The verbs that ask for it, said as a request (first, or after "please", "can you"…). */
  verbs: string;
  /** What must follow the verb, when the verb alone is too common ("make" an image). */
  object?: string;
  /** Tokens a tool's examples would hold if some tool could do it. */
  words: string[];
  cannot: string;
  /** The closest request some tool can serve, said as a person would; the catalog finds the tool. */
  closest: string;
}
const REQUEST_START =
  "(?:^|[.!?;,]\\s*|\\b(?:please|can you|could you|would you|i want to|i need to|i'd like to|help me|let's|lets|and)\\s+)";
const CAPABILITIES: Capability[] = [
  {
    verbs: 'generate|create|make|produce|draw|design|paint|render|shoot|build|invent',
    object:
      '(?:\\s+[\\w-]+){0,4}?\\s+(?:images?|pictures?|photos?|visuals?|banners?|videos?|heroe?s?|assets?|creatives?|ads?|shots?|variants?|variations?|mock-?ups?)\\b',
    words: ['generat', 'creat', 'produc', 'draw', 'design', 'paint'],
    cannot: 'generate new images',
    closest: 'list assets',
  },
  {
    verbs: 'upscale|retouch|photoshop|recolou?r|rotate|flip',
    words: ['upscal', 'retouch', 'rotat', 'recolo'],
    cannot: 'edit the pixels of an image',
    closest: 'show me asset {id} and its renditions',
  },
];

/** A request for something no tool does: say so plainly, and name the closest thing. */
function missingCapability(ctx: RouteContext, ix: Index): Plan | undefined {
  for (const c of CAPABILITIES) {
    const re = new RegExp(`${REQUEST_START}(${c.verbs})\\b${c.object ?? ''}`, 'i');
    const m = re.exec(ctx.x.masked);
    if (!m || c.words.some((w) => ix.bm25.knows(w))) continue;
    const verb = m[1]!.toLowerCase();
    const asked = c.cannot.startsWith(verb) ? '' : ` (you asked me to ${verb})`;
    const near = closestTool(ix, c.closest);
    const closest = near
      ? ` The closest I can do is ${near.name}: ${firstSentence(near.description)}${near.annotations.needsApproval ? " (it needs a person's approval)" : ''}.`
      : '';
    const preface = `I can't ${c.cannot} with the tools I have${asked}.${closest} Here is what I can do:`;
    return {
      intent: 'unsupported',
      next: () => [],
      answer: () => helpText([...ctx.tools.values()], preface),
    };
  }
  return undefined;
}

/** The tool whose examples best match a request, when one matches well enough. */
function closestTool(ix: Index, say: string): ToolInfo | undefined {
  const q = tokens(say);
  let best: { tool: ToolInfo; s: number } | undefined;
  ix.docs.forEach((d, i) => {
    const s = ix.bm25.score(q, i);
    if (!best || s > best.s) best = { tool: d.tool, s };
  });
  return best && best.s >= THRESHOLD ? best.tool : undefined;
}

const firstSentence = (s: string) => s.split(/(?<=\.)\s/)[0]!.replace(/\.$/, '');

function noMatchPlan(ctx: RouteContext, best: Ranked | undefined): Plan {
  const closest =
    best && best.score > 0.3
      ? ` The closest thing I can do is ${best.tool.name}: ${best.tool.description.split(/(?<=\.)\s/)[0]}`
      : '';
  const cannot = constraintNotes(ctx, [])[0]?.replace(/, so I left that out.*$/, '.');
  const preface = `${cannot ?? "I can't help with that request: it isn't something my tools cover."}${closest} Here is what I can do:`;
  return {
    intent: 'help',
    next: () => [],
    answer: () => helpText([...ctx.tools.values()], preface),
  };
}

function askWhichPlan(a: Ranked, b: Ranked): Plan {
  const what = (r: Ranked) =>
    `${r.tool.name}: ${r.tool.description.split(/(?<=\.)\s/)[0]!.replace(/\.$/, '')}.`;
  const say = (r: Ranked) => `"${r.tool.examples[0]!.say.replace(/\{(\w+)\}/g, '<$1>')}"`;
  return {
    intent: 'ask-which-tool',
    next: () => [],
    answer: () =>
      `Did you mean ${a.tool.name} or ${b.tool.name}? ${what(a)} ${what(b)} Say which, for example ${say(a)} or ${say(b)}.`,
  };
}

function helpPlan(ctx: RouteContext): Plan {
  return { intent: 'help', next: () => [], answer: () => helpText([...ctx.tools.values()]) };
}
