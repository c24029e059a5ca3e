// The general words of a request: counts, date ranges, references back to earlier results and
// quoted text (the asset domain's words are in assets/words.ts). Pure functions over strings.
import type { ChannelRef } from '../../assets/words.ts';
import { NUMBER_WORDS } from '../../core/dates.ts';

export { type DateRange, extractDateRange, NUMBER_WORDS } from '../../core/dates.ts';
export type { ChannelRef };

const NUM = `(\\d{1,3}|${Object.keys(NUMBER_WORDS).join('|')})`;
/** After "top", "show me", "limit": any size, clamped to the tool's maximum later. */
const BIG = `(\\d{1,6}|${Object.keys(NUMBER_WORDS).join('|')})`;
const toNumber = (s: string) => NUMBER_WORDS[s.toLowerCase()] ?? Number.parseInt(s, 10);

const ITEM_NOUNS =
  'assets?|images?|pictures?|photos?|visuals?|creatives?|files?|items?|results?|renditions?|masters?|variants?|banners?|stories|story|posts?|videos?|ones?|shots?|cuts?|versions?|thumbnails?|localizations?|localisations?';

export function extractCount(text: string): { count?: number; singular: boolean } {
  const lower = text.replace(/\bone (?:by|after|at a time|after another)\b(?: one)?/g, ' ');
  const patterns = [
    new RegExp(
      `\\b(?:top|first|latest|newest|last|recent|next|best|show(?: me)?|give me|list|find|get|pick)\\s+${BIG}\\b(?!\\s*(?:days?|weeks?|months?|years?|px|%))`,
    ),
    new RegExp(
      `\\b${NUM}\\s+(?:(?:most\\s+)?(?:recent|latest|newest|new)\\s+)?(?:[a-z-]+\\s+){0,3}?(?:${ITEM_NOUNS})\\b`,
    ),
    new RegExp(`\\b(?:limit(?:ed)?(?: to| of)?|up to|at most|max(?:imum)?(?: of)?)\\s+${BIG}\\b`),
  ];
  for (const re of patterns) {
    const m = lower.match(re);
    if (m) {
      const n = toNumber(m[1]!);
      if (Number.isFinite(n) && n > 0) return { count: n, singular: n === 1 };
    }
  }
  if (/\ba (?:few|couple)\b/.test(lower)) return { count: 3, singular: false };
  const singular =
    /\b(?:the|our|my)\s+(?:(?:single|one|very)\s+)?(?:newest|latest|most recent|last|first|oldest|top)\s+(?:[a-z-]+\s+){0,3}?(?:asset|image|picture|photo|visual|creative|file|item|rendition|master|variant|banner|story|post|video|one|shot)\b(?!s)/.test(
      lower,
    );
  return singular ? { count: 1, singular: true } : { singular: false };
}

// ——— references back to earlier results ———

export function extractAnaphora(lower: string): { anaphora?: 'one' | 'all'; ordinal?: number } {
  const ord = lower.match(
    /\bthe\s+(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th|last)\s+(?:one|asset|image|item|result)\b/,
  );
  if (ord) {
    const i = ['first', 'second', 'third', 'fourth', 'fifth'].indexOf(ord[1]!);
    const j = ['1st', '2nd', '3rd', '4th', '5th'].indexOf(ord[1]!);
    return { anaphora: 'one', ordinal: ord[1] === 'last' ? -1 : Math.max(i, j) };
  }
  if (
    /\b(?:these|those|them|all of them|each of them|all of these|the above|this list|that list)\b/.test(
      lower,
    )
  ) {
    return { anaphora: 'all' };
  }
  if (
    /\b(?:it|this one|that one|this asset|that asset|this image|that image|the same asset)\b|\b(?:this|that|the|your)\s+(?:budget\s+)?(?:proposal|recommendation)\b/.test(
      lower,
    )
  ) {
    return { anaphora: 'one' };
  }
  return {};
}

export function extractQuoted(text: string): string[] {
  return [
    ...text.matchAll(/"([^"]+)"|“([^”]+)”|(?:^|[\s(])'([^']+)'(?=$|[\s).,!?;:])|‘([^’]+)’/g),
  ].map((m) => (m[1] ?? m[2] ?? m[3] ?? m[4]!).trim());
}
