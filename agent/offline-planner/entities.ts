// Entities in a message, one extractor per kind. Each extractor finds its spans; the planner
// replaces them by placeholders ({id}, {campaign}, …) before matching the words against the tools'
// examples, and fills a tool's input from them by property name (`fields`). A new kind of entity is
// one more extractor in `defaultExtractors`, not a change to the planner.
import {
  escapeRe,
  extractAnaphora,
  extractAssetIds,
  extractCampaign,
  extractChannel,
  extractColours,
  extractCount,
  extractDateRange,
  extractLocale,
  extractQuoted,
  matchKnownCampaign,
} from './extract.ts';

export interface Found {
  kind: string;
  /** Where in the message (-1 when the value is implied rather than said). */
  start: number;
  end: number;
  value: unknown;
  /** The words it came from, for answers ("last 7 days"). */
  label: string;
  /** A reference ("it") that could mean any of several earlier assets. */
  ambiguous?: boolean;
}

export interface ExtractContext {
  text: string;
  lower: string;
  now: Date;
  knownIds: ReadonlySet<string>;
  knownCampaigns: readonly { name: string; slug: string }[];
  /** The assets the previous turn was about, for "it", "these", "the second one". */
  lastIds: readonly string[];
}

export interface Extractor {
  kind: string;
  /** What a tool must be able to do with this entity; said when the chosen tool cannot. */
  constraint?: string;
  /** The tool properties this entity fills (matched against the property name). */
  fields?: RegExp;
  /** The value for one property (default: the found value). */
  valueFor?(prop: string, f: Found): unknown;
  find(ctx: ExtractContext): Found[];
}

const at = (lower: string, word: string, from = 0) => {
  if (!word) return -1;
  const m = new RegExp(`(?<![a-z0-9])${escapeRe(word.toLowerCase())}(?![a-z0-9])`).exec(
    lower.slice(from),
  );
  return m ? m.index + from : -1;
};

const span = (kind: string, lower: string, words: string, value: unknown, label = words) => {
  const start = at(lower, words);
  return { kind, start, end: start < 0 ? -1 : start + words.length, value, label };
};

const ID_FIELDS = /^(?:(?:asset|action|approval)?ids?|asset)$/i;

/** Asset ids (and slugs such as "sl-01" after asset/master/…), and action ids. */
const ids: Extractor = {
  kind: 'id',
  fields: ID_FIELDS,
  find: ({ text, lower, knownIds }) => {
    const out: Found[] = [];
    for (const id of extractAssetIds(text, knownIds)) {
      const start =
        lower.indexOf(`asset:${id}`) >= 0 ? lower.indexOf(`asset:${id}`) : at(lower, id);
      out.push({
        kind: 'id',
        start,
        end: start + id.length + (lower.startsWith('asset:', start) ? 6 : 0),
        value: id,
        label: id,
      });
    }
    // A slug or short code said as an asset's name: "master sl-01", "asset hero_2".
    for (const m of lower.matchAll(
      /\b(?:asset|master|rendition|variant|image|file|id)\s+(?!asset:)([a-z]{1,6}[-_]\d{1,4}[a-z0-9-]*)\b/g,
    )) {
      const start = m.index + m[0].length - m[1]!.length;
      if (!out.some((f) => f.value === m[1])) {
        out.push({ kind: 'id', start, end: start + m[1]!.length, value: m[1]!, label: m[1]! });
      }
    }
    return out;
  },
};

/** "it", "these", "the second one": the assets of the previous turn. */
const reference: Extractor = {
  kind: 'id',
  fields: ID_FIELDS,
  find: ({ lower, lastIds }) => {
    const a = extractAnaphora(lower);
    if (!a.anaphora) return [];
    const m =
      /\bthe\s+(?:first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th|last)\s+(?:one|asset|image|item|result)\b|\b(?:all of them|each of them|all of these|all of those|these|those|them|the above|this list|that list|this one|that one|this asset|that asset|this image|that image|the same asset|it)\b/.exec(
        lower,
      );
    const start = m?.index ?? -1;
    const end = m ? m.index + m[0].length : -1;
    let value: string[] = [];
    if (a.anaphora === 'all') value = [...lastIds];
    else if (a.ordinal !== undefined) {
      const id = a.ordinal < 0 ? lastIds.at(-1) : lastIds[a.ordinal];
      value = id ? [id] : [];
    } else value = lastIds.slice(0, 1);
    // "it" with nothing before it to point at is just a word.
    if (!value.length) return [];
    const ambiguous = a.anaphora === 'one' && a.ordinal === undefined && lastIds.length > 1;
    return [{ kind: 'id', start, end, value, label: m?.[0] ?? 'it', ambiguous }];
  },
};

const quoted: Extractor = {
  kind: 'text',
  fields: /^(?:query|q|text|search|prompt|terms?)$/i,
  find: ({ text }) =>
    extractQuoted(text).map((q) => {
      const start = text.indexOf(q) - 1;
      return { kind: 'text', start, end: start + q.length + 2, value: q, label: q };
    }),
};

const campaign: Extractor = {
  kind: 'campaign',
  fields: /campaign/i,
  find: ({ text, lower, knownCampaigns }) => {
    const named = knownCampaigns.length ? matchKnownCampaign(lower, knownCampaigns) : undefined;
    const free = extractCampaign(text);
    const value = free ?? named?.slug;
    if (!value) return [];
    // A known campaign written in lower case is a mention of it: use its slug.
    if (free && named && free === free.toLowerCase() && named.mention === free.toLowerCase()) {
      return [withCampaignWord(span('campaign', lower, named.mention, named.slug), lower)];
    }
    const words = named && value === named.slug ? named.mention : value;
    return [withCampaignWord(span('campaign', lower, words, value), lower)];
  },
};

/** The word "campaign" itself belongs to the entity. */
function withCampaignWord(f: Found, lower: string): Found {
  if (f.start >= 0) {
    const after = /^\s*campaign(?:'s|s)?\b/.exec(lower.slice(f.end));
    if (after) f.end += after[0].length;
    const before = /\bcampaign\s*[:=]?\s*(?:called|named|titled|id|slug)?\s*["“'‘]?$/.exec(
      lower.slice(0, f.start),
    );
    if (before) f.start = before.index;
  }
  return f;
}

/** "Hero" is the key visual (kind master), not a channel, unless the web hero slot is named. */
const channel: Extractor = {
  kind: 'channel',
  fields: /channel/i,
  find: ({ lower }) => {
    const c = extractChannel(lower);
    if (!c) return [];
    const network = c.format === 'hero' && c.network !== 'web' ? c.network : undefined;
    const value = network ?? c.slug ?? c.network ?? c.format;
    if (!value) return [];
    if (c.slug && lower.includes(c.slug)) return [span('channel', lower, c.slug, value)];
    // Network and format said apart ("Instagram story"): mask the words that were read.
    const words = lower.match(
      /\b(?:instagram|insta|ig|facebook|fb|tiktok|tik tok|youtube|yt|linkedin|pinterest|snapchat|display|programmatic|email|newsletter|e-mail|web|website|homepage|landing page|ooh|billboards?|out-of-home)\b(?:\s+(?:stor(?:y|ies)|feed|in-feed|reels?|shorts|thumbnails?|leaderboards?|skyscrapers?|mrecs?|pins?|videos?))?|\b(?:stor(?:y|ies)|reels?|leaderboards?|skyscrapers?|mrecs?)\b/,
    );
    if (!words) return [{ kind: 'channel', start: -1, end: -1, value, label: String(value) }];
    return [span('channel', lower, words[0], value)];
  },
};

const locale: Extractor = {
  kind: 'locale',
  fields: /^(?:locale|market|language|lang)$/i,
  find: ({ text, lower }) => {
    const value = extractLocale(text);
    if (!value) return [];
    const m =
      new RegExp(`\\b${escapeRe(value)}\\b`, 'i').exec(text) ??
      /\b(?:german|germany|french|france|spanish|spain|italian|italy|dutch|netherlands|japanese|japan|british|uk|american|usa|swedish|sweden|polish|poland)(?:-language)?\b/.exec(
        lower,
      );
    return [
      m
        ? { kind: 'locale', start: m.index, end: m.index + m[0].length, value, label: m[0] }
        : { kind: 'locale', start: -1, end: -1, value, label: value },
    ];
  },
};

const colour: Extractor = {
  kind: 'colour',
  fields: /^colou?rs?$/i,
  valueFor: (prop, f) => (/s$/i.test(prop) ? [f.value] : f.value),
  find: ({ lower }) => extractColours(lower).map((c) => span('colour', lower, c, c)),
};

const count: Extractor = {
  kind: 'count',
  fields: /^(?:limit|count|top|n|k|max|maxresults|pagesize|size|first|results)$/i,
  find: ({ lower }) => {
    const per = /\b(\d{1,3})\s+(?:per|a|each)\s+page\b/.exec(lower);
    if (per) return [span('count', lower, per[0], Number(per[1]))];
    const { count: n, singular } = extractCount(lower);
    if (n === undefined) return [];
    // Only the number is masked: "top 5 stories" keeps "top" and "stories" as words.
    const m = new RegExp(
      `\\b(?:${n}|${Object.entries(NUMBER_WORDS).find(([, v]) => v === n)?.[0] ?? n})\\b`,
    ).exec(lower);
    return [
      {
        kind: 'count',
        start: singular || !m ? -1 : m.index,
        end: singular || !m ? -1 : m.index + m[0].length,
        value: n,
        label: singular ? 'one' : String(n),
      },
    ];
  },
};
const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  twenty: 20,
  fifty: 50,
  hundred: 100,
  dozen: 12,
};

const date: Extractor = {
  kind: 'date',
  constraint: 'filter by date',
  fields:
    /^(?:from|since|start|startdate|after|datefrom|fromdate|begin|to|until|end|enddate|before|dateto|todate|date|period|range)$/i,
  valueFor: (prop, f) => {
    const r = f.value as { from?: string; to?: string };
    if (/^(?:from|since|start|startdate|after|datefrom|fromdate|begin)$/i.test(prop)) return r.from;
    if (/^(?:to|until|end|enddate|before|dateto|todate)$/i.test(prop)) return r.to;
    return r;
  },
  find: ({ lower, now }) => {
    const r = extractDateRange(lower, now);
    if (!r) return [];
    const f = span('date', lower, r.label.toLowerCase(), r, r.label);
    return [f];
  },
};

/** Performance words: ranking by results needs metrics, which no list filter has. */
const metric: Extractor = {
  kind: 'metric',
  constraint: 'rank or filter by performance',
  fields: /^(?:metric|metrics|kpi|sortBy|orderBy|rankBy|performance)$/i,
  find: ({ lower }) => {
    const m =
      /\b(?:best|top|worst|highest|lowest|strongest|weakest)[ -](?:performing|converting|selling)\b|\b(?:best|worst)[ -]performers?\b|\bperform(?:ance|ing|ed|s)?\b|\b(?:ctr|cpa|cpc|cpm|roas|roi|click[- ]through(?: rate)?|conversions?|conversion rate|engagement|impressions|clicks)\b/.exec(
        lower,
      );
    return m
      ? [{ kind: 'metric', start: m.index, end: m.index + m[0].length, value: m[0], label: m[0] }]
      : [];
  },
};

/** "similar to X", "more like this": visual similarity. */
const similar: Extractor = {
  kind: 'similar',
  constraint: 'find visually similar assets',
  fields: /^(?:similarTo|likeAsset|referenceId|queryImage|imageId|similar)$/i,
  find: ({ lower }) => {
    const m =
      /\b(?:similar|resembl\w*|look(?:s|ing)? like|lookalikes?|more like(?= (?:this|that|it|these)\b)|near[- ]duplicates?|duplicates?)\b/.exec(
        lower,
      );
    return m
      ? [{ kind: 'similar', start: m.index, end: m.index + m[0].length, value: m[0], label: m[0] }]
      : [];
  },
};

/** Earlier extractors win where spans overlap. */
export const defaultExtractors: readonly Extractor[] = [
  quoted,
  ids,
  similar,
  reference,
  metric,
  date,
  campaign,
  locale,
  channel,
  colour,
  count,
];

export interface Extracted {
  found: Found[];
  /** The message with every found span replaced by its placeholder. */
  masked: string;
  /** The kinds found, with the extractor that found each. */
  byKind: Map<string, { extractor: Extractor; found: Found[] }>;
}

export function extract(ctx: ExtractContext, extractors = defaultExtractors): Extracted {
  const found: Found[] = [];
  const byKind: Extracted['byKind'] = new Map();
  const overlaps = (f: Found) =>
    f.start >= 0 && found.some((g) => g.start >= 0 && f.start < g.end && g.start < f.end);
  for (const x of extractors) {
    for (const f of x.find(ctx)) {
      if (overlaps(f)) continue;
      found.push(f);
      const k = byKind.get(f.kind) ?? { extractor: x, found: [] };
      k.found.push(f);
      byKind.set(f.kind, k);
    }
  }
  let masked = '';
  let pos = 0;
  for (const f of [...found].filter((f) => f.start >= 0).sort((a, b) => a.start - b.start)) {
    masked += `${ctx.text.slice(pos, f.start)} {${f.kind}} `;
    pos = f.end;
  }
  masked += ctx.text.slice(pos);
  // Entities implied rather than said still count as a placeholder.
  for (const f of found) if (f.start < 0) masked += ` {${f.kind}}`;
  return { found, masked, byKind };
}
