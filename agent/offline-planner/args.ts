// Schema-driven argument extraction: fills a tool's input from the entities found in a message,
// reading only the tool's JSON schema, so tools added later work without planner changes.
import { type Entities, escapeRe } from './extract.ts';

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
  description?: string;
  /** Other words for enum values, from the tool's own schema (zod `.meta({ aliases })`). */
  aliases?: Record<string, string[]>;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  maxLength?: number;
  default?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  format?: string;
}

/** Words people use for enum values the schema spells differently. */
const ENUM_SYNONYMS: Record<string, string[]> = {
  needs_review: [
    'needs review',
    'need review',
    'needing review',
    'in review',
    'under review',
    'pending review',
    'awaiting review',
    'waiting for review',
    'for review',
    'to review',
    'to be reviewed',
    'unreviewed',
  ],
  draft: ['drafts', 'draft'],
  archived: ['the archive', 'archives'],
  portrait: ['vertical', 'tall', 'portrait'],
  landscape: ['horizontal', 'wide', 'landscape'],
  master: ['masters', 'originals', 'original files', 'source files', 'key visuals'],
  rendition: ['renditions', 'resized', 'resizes', 'crops'],
  localized: [
    'localised',
    'localization',
    'localizations',
    'localisations',
    'translated',
    'translations',
  ],
  variant: ['variants', 'variation', 'variations'],
  up: ['ancestors', 'upstream', 'where it came from'],
  down: ['descendants', 'downstream', 'derived from it'],
};

/** Resolves `anyOf: [X, {type: null}]` and similar wrappers to the schema that matters. */
export function unwrap(s: JsonSchema): JsonSchema {
  const alts = s.anyOf ?? s.oneOf;
  if (alts) {
    const real = alts.filter((a) => a.type !== 'null');
    if (real.length === 1)
      return { ...unwrap(real[0]!), description: s.description ?? real[0]!.description };
    const enums = real.flatMap((a) => a.enum ?? (a.const !== undefined ? [a.const] : []));
    if (enums.length === real.length)
      return { type: 'string', enum: enums, description: s.description };
  }
  return s;
}

export function enumValues(s: JsonSchema): string[] | undefined {
  const u = unwrap(s);
  const values = u.enum ?? (u.type === 'array' && u.items ? unwrap(u.items).enum : undefined);
  return values?.filter((v): v is string => typeof v === 'string');
}

export function enumForms(value: string, aliases?: Record<string, string[]>): string[] {
  const spaced = value.replace(/[_-]+/g, ' ');
  return [
    ...new Set([
      ...(aliases?.[value] ?? []),
      ...(ENUM_SYNONYMS[value] ?? []),
      value,
      spaced,
      `${spaced}s`,
    ]),
  ];
}

/** The enum value whose word forms appear earliest in the text (whole words only). */
export function matchEnum(
  values: readonly string[],
  lower: string,
  aliases?: Record<string, string[]>,
): string | undefined {
  let best: { value: string; at: number; len: number } | undefined;
  for (const value of values) {
    for (const form of enumForms(value, aliases)) {
      const m = new RegExp(`(?<![a-z0-9-])${escapeRe(form.toLowerCase())}(?![a-z0-9-])`).exec(
        lower,
      );
      if (m && (!best || m.index < best.at || (m.index === best.at && form.length > best.len))) {
        best = { value, at: m.index, len: form.length };
      }
    }
  }
  return best?.value;
}

export interface FillContext {
  e: Entities;
  /** Asset ids the request is about, already resolved (message, earlier turns, earlier steps). */
  ids: string[];
  /** Text to match enums against; defaults to the whole message. */
  enumText?: string;
  /** Values a rule has decided; they win over anything extracted. */
  fixed?: Record<string, unknown>;
}

export interface Filled {
  input: Record<string, unknown>;
  /** Required properties nothing in the message could fill. */
  missing: string[];
}

/**
 * `name=value` and `name: "value"` pairs, as MCP users and developers often write
 * ("list-assets channel=instagram-story limit=2"). Keys are lower-cased.
 */
export function keyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  // `key: value` only with a quoted value: in prose a colon rarely ends where the value does.
  const re =
    /(?<![\w/.-])([A-Za-z][A-Za-z0-9_]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|“([^”]*)”|([^\s"']+))|:\s*(?:"([^"]*)"|“([^”]*)”))/g;
  for (const m of text.matchAll(re)) {
    const key = m[1]!.toLowerCase();
    const value = m[2] ?? m[3] ?? m[4] ?? m[5]?.replace(/[.,;]$/, '') ?? m[6] ?? m[7] ?? '';
    if (!out.has(key)) out.set(key, value);
  }
  return out;
}

/** A key=value string coerced to what the schema expects; undefined when it does not fit. */
export function coerce(raw: string, s: JsonSchema): unknown {
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  const values = enumValues(s);
  if (type === 'array') {
    const items = s.items ? unwrap(s.items) : {};
    const parts = raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const coerced = parts.map((p) => coerce(p, items));
    return coerced.every((c) => c !== undefined) && coerced.length ? coerced : undefined;
  }
  if (values?.length)
    return values.includes(raw) ? raw : matchEnum(values, raw.toLowerCase(), s.aliases);
  if (type === 'integer' || type === 'number') {
    const n = Number(raw);
    return Number.isFinite(n) ? clamp(n, s) : undefined;
  }
  if (type === 'boolean')
    return /^(?:true|yes|1)$/i.test(raw) ? true : /^(?:false|no|0)$/i.test(raw) ? false : undefined;
  if (type === 'string' || type === undefined) return raw.replace(/^asset:/, '');
  return undefined;
}

export function fillArgs(schema: JsonSchema, ctx: FillContext): Filled {
  const input: Record<string, unknown> = {};
  const props = schema.properties ?? {};
  const kv = keyValues(ctx.e.text);
  for (const [name, raw] of Object.entries(props)) {
    if (ctx.fixed && name in ctx.fixed) {
      if (ctx.fixed[name] !== undefined) input[name] = ctx.fixed[name];
      continue;
    }
    const given = kv.get(name.toLowerCase());
    const explicit = given === undefined ? undefined : coerce(given, unwrap(raw));
    const v = explicit ?? fillOne(name, unwrap(raw), ctx);
    if (v !== undefined) input[name] = v;
  }
  // An id the message calls an action is not an asset ("the history of action X").
  if (input.assetId !== undefined && input.actionId !== undefined) {
    if (/\b(?:action|approval|change)\b/.test(ctx.e.lower)) delete input.assetId;
    else delete input.actionId;
  }
  // A tool that takes one id or many ("assetId" or "assetIds") gets the one that fits the count.
  if (input.assetId !== undefined && input.assetIds !== undefined) {
    if (Array.isArray(input.assetIds) && input.assetIds.length > 1) delete input.assetId;
    else delete input.assetIds;
  }
  const missing = (schema.required ?? []).filter(
    (r) => input[r] === undefined && props[r]?.default === undefined,
  );
  return { input, missing };
}

function fillOne(name: string, s: JsonSchema, ctx: FillContext): unknown {
  const { e } = ctx;
  const n = name.toLowerCase();
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  const values = enumValues(s);

  if (type === 'array' && /ids$/.test(n)) {
    if (!ctx.ids.length) return undefined;
    return ctx.ids.slice(0, s.maxItems ?? 100);
  }
  if (type === 'string' && (/^(asset)?id$/.test(n) || n === 'asset' || n === 'assetid'))
    return ctx.ids[0];
  // Actions (approvals) have ids of the same shape as assets'.
  if (type === 'string' && /^(action|approval)id$/.test(n)) return ctx.ids[0];
  if (values?.length) {
    const hit = matchEnum(values, (ctx.enumText ?? e.lower).toLowerCase(), s.aliases);
    if (hit === undefined) return undefined;
    return type === 'array' ? [hit] : hit;
  }
  if (type === 'integer' || type === 'number') {
    if (/^(limit|count|top|n|k|max|maxresults|pagesize|size|first|results)$/.test(n)) {
      return e.count === undefined ? undefined : clamp(e.count, s);
    }
    // "depth 3", "threshold of 0.8": a number right after the property's own name.
    const words = splitName(name).join('[ _-]?');
    const m = e.lower.match(new RegExp(`\\b${words}\\s*(?:of|=|:|to)?\\s*(-?\\d+(?:\\.\\d+)?)\\b`));
    return m ? clamp(Number(m[1]), s) : undefined;
  }
  if (type === 'string') {
    if (/campaign/.test(n)) return e.campaign;
    if (/channel/.test(n)) {
      const c = e.channel;
      if (!c) return undefined;
      // "Hero images" are the key visuals (masters), not a channel, unless the web is named.
      if (c.format === 'hero' && c.network !== 'web') return c.network;
      // A network alone ("Instagram") names every channel of it; the tool resolves the word.
      return c.slug ?? c.network ?? c.format;
    }
    if (/^(locale|market|language|lang)$/.test(n)) return e.locale;
    if (/colou?r/.test(n)) return e.colours[0];
    if (/^(from|since|start|startdate|after|datefrom|fromdate|begin)$/.test(n))
      return e.dateRange?.from;
    if (/^(to|until|end|enddate|before|dateto|todate)$/.test(n)) return e.dateRange?.to;
    if (/^(query|q|text|search|prompt|terms?)$/.test(n)) return searchText(e) || undefined;
    return undefined;
  }
  if (type === 'boolean') {
    const words = splitName(name);
    return words.length && words.every((w) => new RegExp(`\\b${escapeRe(w)}`).test(e.lower))
      ? true
      : undefined;
  }
  if (type === 'array' && /colou?rs/.test(n) && e.colours.length) return e.colours;
  return undefined;
}

const FILLER =
  /\b(?:please|can you|could you|would you|show me|show|find me|find|search(?: for)?|look(?:ing)? for|get me|get|give me|list|i need|i want|we need|assets?|images?|pictures?|photos?|visuals?|with|that have|that has|which|the|a|an|some|any|of|for|me|us|our|my)\b/g;

/** The content words of a message, for tools that take a free-text query. */
export function searchText(e: Entities): string {
  const q = e.quoted[0];
  if (q) return q;
  return e.lower
    .replace(/[?!.,;:]+/g, ' ')
    .replace(FILLER, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

function clamp(v: number, s: JsonSchema): number {
  let x = s.type === 'integer' ? Math.round(v) : v;
  if (s.minimum !== undefined) x = Math.max(x, s.minimum);
  if (s.maximum !== undefined) x = Math.min(x, s.maximum);
  if (s.exclusiveMaximum !== undefined && x >= s.exclusiveMaximum) x = s.exclusiveMaximum - 1;
  return x;
}

export function splitName(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_-]+/)
    .filter(Boolean);
}
