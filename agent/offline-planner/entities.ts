// Entities in a message, one extractor per kind: the general ones here (quoted text, references to
// earlier results, counts, dates, performance and similarity words), each domain's beside it
// (assets/entities.ts). Each finds its spans; the planner replaces them by placeholders ({id},
// {campaign}, …) before matching words against the tools' examples, and fills a tool's input from
// them by property name (`fields`). A new kind of entity is one more extractor in
// `defaultExtractors`, not a change to the planner.
import * as assets from '../../assets/entities.ts';
import type { ExtractContext, Extractor, Found } from '../../core/entities.ts';
import * as renditions from '../../renditions/entities.ts';
import {
  extractAnaphora,
  extractCount,
  extractDateRange,
  extractQuoted,
  NUMBER_WORDS,
} from './extract.ts';

export type { ExtractContext, Extractor, Found } from '../../core/entities.ts';

const { span, ID_FIELDS } = assets;

/** "it", "these", "the second one": the assets of the previous turn. */
const reference: Extractor = {
  kind: 'id',
  fields: ID_FIELDS,
  find: ({ lower, lastIds }) => {
    // With an image attached, "this" and "it" are the image, not the previous answer.
    if (/\bupload:/.test(lower)) return [];
    // "archive all", "approve everything": the whole previous answer, when there is one.
    const bare = /\b(?:all|everything)\s*[.!?]*$/.test(lower) && lastIds.length > 0;
    const a = bare ? { anaphora: 'all' as const, ordinal: undefined } : extractAnaphora(lower);
    if (!a.anaphora) return [];
    const m =
      /\bthe\s+(?:first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th|last)\s+(?:one|asset|image|item|result)\b|\b(?:all of them|each of them|all of these|all of those|these|those|them|the above|this list|that list|this one|that one|this asset|that asset|this image|that image|the same asset|it|all|everything)\b|\b(?:this|that|the|your)(?=\s+(?:budget\s+)?(?:proposal|recommendation)\b)/.exec(
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
  find: ({ text }) => {
    const out: Found[] = [];
    let from = 0;
    for (const q of extractQuoted(text)) {
      const start = text.indexOf(q, from) - 1;
      const end = start + q.length + 2;
      from = end;
      // A quoted campaign name ("campaign 'Black Friday'") is the campaign's, not free text.
      if (/\bcampaign\s*[:=]?\s*(?:called|named|titled)?\s*$/i.test(text.slice(0, start))) continue;
      if (/^\s*campaign\b/i.test(text.slice(end))) continue;
      out.push({ kind: 'text', start, end, value: q, label: q });
    }
    return out;
  },
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
  mask: false,
  constraint: 'rank or filter by performance',
  fields: /^(?:metric|metrics|kpi|sortBy|orderBy|rankBy|performance)$/i,
  find: ({ lower }) => {
    const m =
      /\b(?:best|top|worst|highest|lowest|strongest|weakest)[ -](?:performing|converting|selling)\b|\b(?:best|worst|top)[ -]performers?\b|\bperform(?:ance|ing|ed|ers?|s)?\b|\bconvert(?:s|ing|ed)?\b|\b(?:ctr|cpa|cpc|cpm|roas|roi|click[- ]through(?: rate)?|conversions?|conversion rate|engagement|impressions|clicks)\b/.exec(
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
  mask: false,
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
/** "upload:abc…": an image the person attached in the web chat (the chat writes the reference). */
const upload: Extractor = {
  kind: 'upload',
  fields: /^uploadIds?$/i,
  find: ({ lower }) =>
    [...lower.matchAll(/\bupload:(?:\/\/)?([a-z0-9][a-z0-9_-]{1,63})\b/g)].map((m) => ({
      kind: 'upload',
      start: m.index,
      end: m.index + m[0].length,
      value: `upload:${m[1]}`,
      label: m[0],
    })),
};

export const defaultExtractors: readonly Extractor[] = [
  upload,
  quoted,
  assets.assetIds,
  similar,
  reference,
  metric,
  date,
  assets.campaign,
  assets.locale,
  renditions.spec,
  assets.channel,
  assets.colour,
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
  const unmasked = new Set<Found>();
  for (const x of extractors) {
    for (const f of x.find(ctx)) {
      if (overlaps(f)) continue;
      found.push(f);
      if (x.mask === false) unmasked.add(f);
      const k = byKind.get(f.kind) ?? { extractor: x, found: [] };
      k.found.push(f);
      byKind.set(f.kind, k);
    }
  }
  let masked = '';
  let pos = 0;
  for (const f of found
    .filter((f) => f.start >= 0 && !unmasked.has(f))
    .sort((a, b) => a.start - b.start)) {
    masked += `${ctx.text.slice(pos, f.start)} {${f.kind}} `;
    pos = f.end;
  }
  masked += ctx.text.slice(pos);
  // Entities implied rather than said still count as a placeholder.
  for (const f of found) if (f.start < 0 && !unmasked.has(f)) masked += ` {${f.kind}}`;
  return { found, masked, byKind };
}
