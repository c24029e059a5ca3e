// A tool's input from a message: what the matched example fixes, then what the message says
// explicitly (JSON or name=value), then the entities by property name and the enum words, all read
// off the tool's JSON schema. Nothing here knows a tool by name.

import { ID_FIELDS } from '../../assets/entities.ts';
import { escapeRe } from '../../core/util.ts';
import type { ToolExample } from '../../tools/define-tool.ts';
import {
  clamp,
  coerce,
  enumForms,
  enumValues,
  type JsonSchema,
  keyValues,
  matchEnum,
  searchText,
  splitName,
  unwrap,
} from './args.ts';
import type { Extracted, Found } from './entities.ts';
import { tokens } from './match.ts';

export interface Message {
  text: string;
  lower: string;
  x: Extracted;
}

export interface Filled {
  input: Record<string, unknown>;
  /** Required properties nothing could fill. */
  missing: string[];
  /** Entity kinds the tool can take (a property of it, or of its selection, accepts them). */
  consumed: Set<string>;
  /** The ids the input is about, when any. */
  ids: string[];
  /** A reference ("it") that could mean several earlier assets. */
  ambiguous: boolean;
}

type Props = Record<string, JsonSchema>;
const typeOf = (s: JsonSchema) =>
  Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
const isIdProp = (name: string) => ID_FIELDS.test(name);

/** A JSON object in the message ("list-assets {"limit": 2}") is explicit input. */
export function jsonInput(text: string): Record<string, unknown> | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const v = JSON.parse(text.slice(start, end + 1));
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Explicit values for the schema's properties: JSON first, then name=value pairs. */
function explicitValues(text: string, props: Props): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const json = jsonInput(text);
  const kv = keyValues(text);
  for (const [name, raw] of Object.entries(props)) {
    const s = unwrap(raw);
    if (json && name in json) {
      const v = json[name];
      out[name] =
        typeof v === 'number' && (typeOf(s) === 'integer' || typeOf(s) === 'number')
          ? clamp(v, s)
          : v;
      continue;
    }
    const given = kv.get(name.toLowerCase());
    if (given === undefined) continue;
    const v = coerce(given, s);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

const EDGE_WORDS =
  /^(?:please|pls|plz|thanks|thank|you|the|a|an|to|as|of|on|for|with|from|into|so|it|reads?|reading|should|be|and|is|asset|assets|its|this|that|which|say|says|saying|mention|mentions|mentioning|show|shows|showing|feature|features|featuring|:)$/i;

/**
 * The free text a `{text}` placeholder stands for: quoted text, else the longest run of the message
 * that is neither an entity nor one of the example's own words.
 */
export function captureText(m: Message, example: ToolExample): string[] {
  const quotes = m.x.found.filter((f) => f.kind === 'text').map((f) => String(f.value));
  if (quotes.length) return quotes;
  const own = new Set(tokens(example.say.replace(/\{[a-z]+\}/g, ' ')));
  const spans = m.x.found.filter((f) => f.start >= 0);
  const runs: string[][] = [[]];
  for (const w of m.text.matchAll(/[^\s,;:!?]+|[,;:!?]/g)) {
    const word = w[0];
    const i = w.index;
    const inEntity = spans.some((f) => i < f.end && f.start < i + word.length);
    const tok = tokens(word);
    const isOwn = tok.length > 0 && tok.every((t) => own.has(t));
    if (inEntity || isOwn || /^[:!?;]$/.test(word)) runs.push([]);
    else runs.at(-1)!.push(word);
  }
  const cleaned = runs.map((r) => {
    const words = [...r];
    const edge = (w: string) => EDGE_WORDS.test(w.replace(/[.,]+$/, '')) || !tokens(w).length;
    while (words.length && edge(words[0]!)) words.shift();
    while (words.length && edge(words.at(-1)!)) words.pop();
    return words
      .join(' ')
      .replace(/[\s.,;!?]+$/, '')
      .replace(/^["“'‘]|["”'’]$/g, '')
      .trim();
  });
  const best = cleaned
    .filter((c) => c && !/^(?:\d+|one|two|three|four|five|some|few|several)$/i.test(c))
    .sort((a, b) => b.length - a.length)[0];
  return best ? [best] : [];
}

/** The example's input with "{text}" replaced by the captured text (a list for array properties). */
function fixedInput(example: ToolExample | undefined, m: Message, props: Props) {
  const out: Record<string, unknown> = {};
  if (!example?.input) return out;
  let text: string[] | undefined;
  for (const [k, v] of Object.entries(example.input)) {
    const wantsText = v === '{text}' || (Array.isArray(v) && v.includes('{text}'));
    if (!wantsText) {
      out[k] = v;
      continue;
    }
    text ??= captureText(m, example);
    if (!text.length) continue;
    const isArray = typeOf(unwrap(props[k] ?? {})) === 'array';
    if (!isArray) out[k] = text.join(' ').slice(0, 200);
    else
      out[k] = (text.length > 1 ? text : text[0]!.split(/\s*(?:,|;|\band\b|&)\s*/i))
        .map((t) => t.trim())
        .filter(Boolean);
  }
  return out;
}

function textless(example: ToolExample | undefined): ToolExample | undefined {
  if (!example?.input) return example;
  const input = Object.fromEntries(
    Object.entries(example.input).filter(
      ([, v]) => v !== '{text}' && !(Array.isArray(v) && v.includes('{text}')),
    ),
  );
  return { ...example, input };
}

/** "to needs review", "as approved", "into draft": a new value said outright. */
function saidTarget(lower: string, values: readonly string[], s: JsonSchema) {
  for (const mt of lower.matchAll(
    /\b(?:to|as|into|back to)\s+(?:status\s+|the\s+)?([a-z][a-z _-]{2,24})/g,
  )) {
    const v = matchEnum(values, mt[1]!, s.aliases);
    const head = mt[1]!.split(/\s+/).slice(0, 3).join(' ');
    if (v && enumForms(v, s.aliases).some((f) => head.startsWith(f.toLowerCase()))) return v;
  }
  return undefined;
}

const GENERIC_NOUNS = /^(?:images?|pictures?|photos?|visuals?|creatives?|files?|ones?)$/i;

/** `text` without the words that say `value` (case kept elsewhere). */
function stripForms(text: string, value: string, s: JsonSchema): string {
  let t = text;
  for (const f of enumForms(value, s.aliases)) {
    t = t.replace(new RegExp(`(?<![a-z0-9-])${escapeRe(f)}(?![a-z0-9-])`, 'gi'), ' ');
  }
  return t.replace(/\s+/g, ' ').trim();
}

/** Leading and trailing filler ("images with a", "on the") off a captured phrase. */
function trimEdges(text: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  const edge = (w: string) => {
    const bare = w.replace(/[.,]+$/, '');
    return EDGE_WORDS.test(bare) || GENERIC_NOUNS.test(bare) || !tokens(w).length;
  };
  while (words.length && edge(words[0]!)) words.shift();
  while (words.length && edge(words.at(-1)!)) words.pop();
  return words.join(' ');
}

function blankForms(lower: string, value: string, s: JsonSchema): string {
  let t = lower;
  for (const f of enumForms(value, s.aliases)) {
    t = t.replace(new RegExp(`(?<![a-z0-9-])${escapeRe(f.toLowerCase())}(?![a-z0-9-])`, 'g'), ' ');
  }
  return t;
}

export function fillInput(
  schema: JsonSchema,
  example: ToolExample | undefined,
  m: Message,
  opts: { validate?: (input: unknown) => string | undefined } = {},
): Filled {
  const props: Props = schema.properties ?? {};
  const explicit = explicitValues(m.text, props);
  // Input given outright (JSON, name=value) says everything; no free text is read around it.
  const fixed = fixedInput(Object.keys(explicit).length ? textless(example) : example, m, props);
  const idFound = m.x.found.filter((f) => f.kind === 'id');
  const said = idFound.filter((f) => typeof f.value === 'string');
  const ref = idFound.find((f) => Array.isArray(f.value));
  const ids = said.length ? said.map((f) => String(f.value)) : ref ? (ref.value as string[]) : [];
  const ambiguous = !said.length && !!ref && ref.ambiguous === true;
  const input: Record<string, unknown> = {};
  const consumed = new Set<string>();
  let enumText = m.lower;

  for (const [name, raw] of Object.entries(props)) {
    const s = unwrap(raw);
    const values = enumValues(s);
    if (name in explicit) input[name] = explicit[name];
    else if (name in fixed) input[name] = fixed[name];
    else if (values?.length && typeOf(s) !== 'array') {
      const v = saidTarget(m.lower, values, s);
      if (v) input[name] = v;
    }
    const v = input[name];
    if (typeof v === 'string' && values?.includes(v)) enumText = blankForms(enumText, v, s);
  }

  for (const [name, raw] of Object.entries(props)) {
    if (name in input) continue;
    const s = unwrap(raw);
    if (isIdProp(name)) {
      if (!ids.length) continue;
      input[name] = typeOf(s) === 'array' ? ids.slice(0, s.maxItems ?? 100) : ids[0];
      continue;
    }
    if (typeOf(s) === 'object' && s.properties) {
      // A selection by description: only when no ids are given and the message describes assets.
      if (ids.length || ambiguous) continue;
      const sub = fillFromEntities(s.properties, m, enumText, consumed);
      const filters = Object.keys(sub).filter((k) => k !== 'limit' && k !== 'cursor');
      // "All" alone is no description: a change to the whole library is never read from one word.
      if (filters.length) {
        const { limit: _l, cursor: _c, ...rest } = sub;
        input[name] = rest;
      }
    }
  }
  Object.assign(input, fillFromEntities(props, m, enumText, consumed, input));
  // Words read as a filter value ("hero images" → masters, "warm") are not also words to find.
  for (const [name, v] of Object.entries(fixed)) {
    if (typeof v !== 'string' || input[name] !== v) continue;
    let text = v;
    for (const [prop, raw] of Object.entries(props)) {
      const s = unwrap(raw);
      const value = input[prop];
      const one = Array.isArray(value) && value.length === 1 ? value[0] : value;
      if (prop !== name && typeof one === 'string' && enumValues(s)?.includes(one)) {
        text = stripForms(text, one, s);
      }
    }
    const cleaned = trimEdges(text);
    if (cleaned && cleaned !== v) input[name] = cleaned;
  }
  chooseIdProperty(input, props, m.lower);
  for (const name of Object.keys(props))
    if (isIdProp(name) && input[name] !== undefined) consumed.add('id');
  for (const [kind, { extractor }] of m.x.byKind) {
    if (!extractor.fields) continue;
    const nested = Object.values(props).flatMap((p) => Object.keys(unwrap(p).properties ?? {}));
    if ([...Object.keys(props), ...nested].some((p) => extractor.fields!.test(p)))
      consumed.add(kind);
  }
  const missing = (schema.required ?? []).filter(
    (r) => input[r] === undefined && props[r]?.default === undefined,
  );
  if (!missing.length && opts.validate) {
    const problem = opts.validate(input);
    if (problem) missing.push(problem);
  }
  return { input, missing, consumed, ids, ambiguous };
}

/** Entities and enum words into the properties not yet filled. */
function fillFromEntities(
  props: Props,
  m: Message,
  enumText: string,
  consumed: Set<string>,
  already: Record<string, unknown> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(props)) {
    if (name in already || isIdProp(name)) continue;
    const s = unwrap(raw);
    const type = typeOf(s);
    if (type === 'object') continue;
    const values = enumValues(s);
    if (values?.length) {
      const hit = matchEnum(values, enumText, s.aliases);
      if (hit !== undefined) out[name] = type === 'array' ? [hit] : hit;
      continue;
    }
    const entity = [...m.x.byKind.values()].find(
      (k) => k.extractor.fields?.test(name) && k.found.length,
    );
    if (entity) {
      const f: Found = entity.found[0]!;
      let v = entity.extractor.valueFor ? entity.extractor.valueFor(name, f) : f.value;
      if (type === 'array' && !Array.isArray(v)) v = entity.found.map((x) => x.value);
      if ((type === 'integer' || type === 'number') && typeof v === 'number') v = clamp(v, s);
      if (v !== undefined && (type !== 'string' || typeof v === 'string')) {
        out[name] = v;
        consumed.add(f.kind);
        continue;
      }
    }
    if (type === 'integer' || type === 'number') {
      // "depth 3", "threshold of 0.8": a number right after the property's own name.
      const words = splitName(name).join('[ _-]?');
      const hit = m.lower.match(
        new RegExp(`\\b${words}\\s*(?:of|=|:|to)?\\s*(-?\\d+(?:\\.\\d+)?)\\b`),
      );
      if (hit) out[name] = clamp(Number(hit[1]), s);
    } else if (type === 'string' && /^(?:query|q|text|search|prompt|terms?)$/i.test(name)) {
      const q = searchText(m.lower);
      if (q) out[name] = q;
    } else if (type === 'boolean') {
      const words = splitName(name);
      if (words.length && words.every((w) => new RegExp(`\\b${escapeRe(w)}`).test(m.lower)))
        out[name] = true;
    }
  }
  return out;
}

/**
 * A schema that takes one of several id properties (assetId or assetIds, assetId or actionId) gets
 * the one the message means: an action's id when it says "action X", else the count of ids decides.
 */
function chooseIdProperty(input: Record<string, unknown>, props: Props, lower: string) {
  let given = Object.keys(props).filter((k) => isIdProp(k) && input[k] !== undefined);
  if (given.length < 2) return;
  const drop = (keep: (k: string) => boolean) => {
    for (const k of given) if (!keep(k)) delete input[k];
    given = given.filter(keep);
  };
  const asset = (k: string) => /^(?:asset|ids?$)/i.test(k);
  if (given.some((k) => !asset(k))) {
    const actionSaid = /\b(?:action|approval|change)\s+(?:id\s+)?[a-z0-9]{8,}/.test(lower);
    drop((k) => (actionSaid ? !asset(k) : asset(k)));
  }
  if (given.length < 2) return;
  const many = given.find((k) => Array.isArray(input[k]) && (input[k] as unknown[]).length > 1);
  drop((k) => (many ? k === many : !Array.isArray(input[k])));
}
