// Reading a tool's JSON schema: enums and the words for their values (the schema's own aliases),
// `name=value` pairs, and coercion of a written value to the type a property expects.
import { escapeRe } from '../../core/util.ts';

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
  return [...new Set([...(aliases?.[value] ?? []), value, spaced, `${spaced}s`])];
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

const FILLER =
  /\b(?:please|can you|could you|would you|show me|show|find me|find|search(?: for)?|look(?:ing)? for|get me|get|give me|list|i need|i want|we need|assets?|images?|pictures?|photos?|visuals?|with|that have|that has|which|the|a|an|some|any|of|for|me|us|our|my)\b/g;

/** The content words of a message, for tools that take a free-text query. */
export function searchText(lower: string): string {
  return lower
    .replace(/[?!.,;:]+/g, ' ')
    .replace(FILLER, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

export function clamp(v: number, s: JsonSchema): number {
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
