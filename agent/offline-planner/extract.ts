// The general words of a request: counts, date ranges, references back to earlier results and
// quoted text (the asset domain's words are in assets/words.ts). Pure functions over strings.
import type { ChannelRef } from '../../assets/words.ts';

export type { ChannelRef };

export interface DateRange {
  /** Inclusive first day, YYYY-MM-DD. */
  from?: string;
  /** Inclusive last day, YYYY-MM-DD. */
  to?: string;
  /** The words it came from, for the answer ("last 7 days"). */
  label: string;
}

export const NUMBER_WORDS: Record<string, number> = {
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
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  fifty: 50,
  hundred: 100,
  dozen: 12,
};
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

// ——— dates ———

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH_RE = `(${MONTHS.join('|')}|${MONTHS.map((m) => m.slice(0, 3)).join('|')})`;
const iso = (d: Date) => d.toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);
const monthIndex = (s: string) =>
  MONTHS.findIndex((m) => m.startsWith(s.toLowerCase().slice(0, 3)));

export function extractDateRange(lower: string, now: Date): DateRange | undefined {
  const today = utc(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const isoDate = '(\\d{4}-\\d{2}-\\d{2})';
  let m = lower.match(
    new RegExp(`\\b(?:between|from)\\s+${isoDate}\\s+(?:and|to|until|-)\\s+${isoDate}`),
  );
  if (m) return { from: m[1], to: m[2], label: `${m[1]} to ${m[2]}` };
  m = lower.match(new RegExp(`\\b(?:since|after|from)\\s+${isoDate}`));
  if (m) return { from: m[1], to: iso(today), label: `since ${m[1]}` };
  m = lower.match(new RegExp(`\\b(?:before|until|till|up to)\\s+${isoDate}`));
  if (m) return { to: m[1], label: `until ${m[1]}` };
  m = lower.match(new RegExp(`\\bon\\s+${isoDate}`));
  if (m) return { from: m[1], to: m[1], label: m[1]! };
  m = lower.match(new RegExp(`\\b(?:last|past|previous)\\s+${NUM}\\s+(days?|weeks?|months?)\\b`));
  if (m) {
    const n = toNumber(m[1]!);
    const unit = m[2]!.replace(/s$/, '');
    const days = unit === 'day' ? n : unit === 'week' ? n * 7 : n * 30;
    return {
      from: iso(addDays(today, -(days - 1))),
      to: iso(today),
      label: `last ${n} ${unit}${n === 1 ? '' : 's'}`,
    };
  }
  if (/\byesterday\b/.test(lower)) {
    const y = iso(addDays(today, -1));
    return { from: y, to: y, label: 'yesterday' };
  }
  if (/\btoday\b/.test(lower)) return { from: iso(today), to: iso(today), label: 'today' };
  m = lower.match(/\b(last|this|past)\s+(week|month|quarter|year)\b/);
  if (m) return relativePeriod(m[1]!, m[2]!, today);
  m = lower.match(/\bq([1-4])\s+(\d{4})\b/);
  if (m) {
    const q = Number(m[1]) - 1;
    const y = Number(m[2]);
    return { from: iso(utc(y, q * 3, 1)), to: iso(utc(y, q * 3 + 3, 0)), label: `Q${q + 1} ${y}` };
  }
  m = lower.match(new RegExp(`\\b(?:in|during|for|of|from)\\s+${MONTH_RE}(?:\\s+(\\d{4}))?\\b`));
  if (m) {
    const mi = monthIndex(m[1]!);
    let y = m[2] ? Number(m[2]) : today.getUTCFullYear();
    if (!m[2] && mi > today.getUTCMonth()) y--; // "in November" said in March means last November
    return {
      from: iso(utc(y, mi, 1)),
      to: iso(utc(y, mi + 1, 0)),
      label: `${capitalise(MONTHS[mi]!)} ${y}`,
    };
  }
  m = lower.match(/\b(?:in|during|for)\s+(20\d{2})\b/);
  if (m) return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31`, label: m[1]! };
  return undefined;
}

function relativePeriod(which: string, unit: string, today: Date): DateRange {
  const y = today.getUTCFullYear();
  const mo = today.getUTCMonth();
  if (unit === 'week') {
    const dow = (today.getUTCDay() + 6) % 7; // Monday = 0
    const monday = addDays(today, -dow);
    if (which === 'this') return { from: iso(monday), to: iso(today), label: 'this week' };
    if (which === 'past')
      return { from: iso(addDays(today, -6)), to: iso(today), label: 'past week' };
    return { from: iso(addDays(monday, -7)), to: iso(addDays(monday, -1)), label: 'last week' };
  }
  if (unit === 'month') {
    if (which === 'this') return { from: iso(utc(y, mo, 1)), to: iso(today), label: 'this month' };
    if (which === 'past')
      return { from: iso(addDays(today, -29)), to: iso(today), label: 'past month' };
    return { from: iso(utc(y, mo - 1, 1)), to: iso(utc(y, mo, 0)), label: 'last month' };
  }
  if (unit === 'quarter') {
    const q = Math.floor(mo / 3);
    if (which === 'this')
      return { from: iso(utc(y, q * 3, 1)), to: iso(today), label: 'this quarter' };
    return { from: iso(utc(y, q * 3 - 3, 1)), to: iso(utc(y, q * 3, 0)), label: 'last quarter' };
  }
  if (which === 'this') return { from: `${y}-01-01`, to: iso(today), label: 'this year' };
  if (which === 'past')
    return { from: iso(addDays(today, -364)), to: iso(today), label: 'past year' };
  return { from: `${y - 1}-01-01`, to: `${y - 1}-12-31`, label: 'last year' };
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
    /\b(?:it|this one|that one|this asset|that asset|this image|that image|the same asset)\b/.test(
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

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
