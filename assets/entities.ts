// The asset domain's entities for the offline planner: asset ids (and slugs said as names),
// campaigns, channels, locales and colours.
import type { Extractor, Found } from '../core/entities.ts';
import { escapeRe } from '../core/util.ts';
import {
  extractAssetIds,
  extractCampaign,
  extractChannel,
  extractColours,
  extractLocale,
  matchKnownCampaign,
} from './words.ts';

export const at = (lower: string, word: string, from = 0) => {
  if (!word) return -1;
  const m = new RegExp(`(?<![a-z0-9])${escapeRe(word.toLowerCase())}(?![a-z0-9])`).exec(
    lower.slice(from),
  );
  return m ? m.index + from : -1;
};

export const span = (kind: string, lower: string, words: string, value: unknown, label = words) => {
  const start = at(lower, words);
  return { kind, start, end: start < 0 ? -1 : start + words.length, value, label };
};

export const ID_FIELDS = /^(?:(?:asset|action|approval|proposal)?ids?|asset)$/i;

/** Asset ids (and slugs such as "sl-01" after asset/master/…), and action ids. */
export const assetIds: Extractor = {
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

export const campaign: Extractor = {
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
export const channel: Extractor = {
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

export const locale: Extractor = {
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

export const colour: Extractor = {
  kind: 'colour',
  fields: /^colou?rs?$/i,
  valueFor: (prop, f) => (/s$/i.test(prop) ? [f.value] : f.value),
  find: ({ lower }) => extractColours(lower).map((c) => span('colour', lower, c, c)),
};
