// Entity extraction from a user's message: asset ids, counts, campaign, channel, colours, locale,
// date ranges and quoted text. Pure functions over strings; no I/O, no randomness.

export interface DateRange {
  /** Inclusive first day, YYYY-MM-DD. */
  from?: string;
  /** Inclusive last day, YYYY-MM-DD. */
  to?: string;
  /** The words it came from, for the answer ("last 7 days"). */
  label: string;
}

export interface ChannelRef {
  /** A full channel slug when the message names one ("instagram-story"). */
  slug?: string;
  network?: string;
  format?: string;
}

export interface Entities {
  text: string;
  lower: string;
  quoted: string[];
  assetIds: string[];
  count?: number;
  /** "the newest asset", "the latest one": a single item was asked for. */
  singular: boolean;
  campaign?: string;
  channel?: ChannelRef;
  colours: string[];
  locale?: string;
  dateRange?: DateRange;
  /** "these", "them", "it": the message points back at earlier results. */
  anaphora?: 'one' | 'all';
  /** "the first one", "the 2nd": an index into earlier results (0-based). */
  ordinal?: number;
}

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
const toNumber = (s: string) => NUMBER_WORDS[s.toLowerCase()] ?? Number.parseInt(s, 10);

const ITEM_NOUNS =
  'assets?|images?|pictures?|photos?|visuals?|creatives?|files?|items?|results?|renditions?|masters?|variants?|banners?|stories|story|posts?|videos?|ones?|shots?|cuts?|versions?|thumbnails?|localizations?|localisations?';

/** Asset ids look like newId(): 16 lowercase base32-ish characters with at least one digit. */
const ID_TOKEN = /\b(?:asset:)?([a-z0-9]{16})\b/g;
const PREFIXED_ID = /\basset:([a-z0-9][a-z0-9_-]{1,63})\b/g;

export function extractAssetIds(text: string, known: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  const add = (id: string) => {
    if (!out.includes(id)) out.push(id);
  };
  for (const m of text.matchAll(PREFIXED_ID)) add(m[1]!);
  for (const m of text.matchAll(ID_TOKEN)) {
    const id = m[1]!;
    if (/\d/.test(id) && /[a-z]/.test(id)) add(id);
    else if (known.has(id)) add(id);
  }
  for (const id of known) if (new RegExp(`\\b${escapeRe(id)}\\b`).test(text)) add(id);
  // Keep the order in which the message mentions them.
  return out.sort((a, b) => text.indexOf(a) - text.indexOf(b));
}

export function extractCount(text: string): { count?: number; singular: boolean } {
  const lower = text.replace(/\bone (?:by|after|at a time|after another)\b(?: one)?/g, ' ');
  const patterns = [
    new RegExp(
      `\\b(?:top|first|latest|newest|last|recent|next|best|show(?: me)?|give me|list|find|get|pick)\\s+${NUM}\\b(?!\\s*(?:days?|weeks?|months?|years?|px|%))`,
    ),
    new RegExp(
      `\\b${NUM}\\s+(?:(?:most\\s+)?(?:recent|latest|newest|new)\\s+)?(?:[a-z-]+\\s+){0,3}?(?:${ITEM_NOUNS})\\b`,
    ),
    new RegExp(`\\b(?:limit(?:ed)?(?: to| of)?|up to|at most|max(?:imum)?(?: of)?)\\s+${NUM}\\b`),
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

// ——— campaigns ———

const CAMPAIGN_STOP = new Set(
  (
    'the a an in from for of our my this that these those to on at by with all every and or ' +
    'assets asset images image visuals creatives files photos renditions masters variants stories ' +
    'show list find get give me us see display fetch what which whats how many are is was were ' +
    'archive approve set mark rename update change move send latest newest top first last recent ' +
    'current active new please can could you would i we pull up everything anything any ' +
    'approved archived draft drafts portrait landscape square localized localised ' +
    'tell walk do does did which who where when why give send add remove rename'
  ).split(' '),
);

/** Campaign names are free text: take the words around "campaign", stopping at function words. */
export function extractCampaign(text: string): string | undefined {
  // Quoted next to the word campaign: campaign "Summer Sale" / "Summer Sale" campaign.
  const q =
    text.match(
      /\bcampaign(?:\s+(?:called|named|titled))?\s*[:=]?\s*["“'‘]([^"”'’]{2,80})["”'’]/i,
    ) ?? text.match(/["“'‘]([^"”'’]{2,80})["”'’]\s+campaign\b/i);
  if (q) return q[1]!.trim();
  // campaign: summer-sale / campaign spring-launch-2025 / campaign Spring Launch
  const after = text.match(
    /\bcampaign(?:\s+(?:called|named|titled|id|slug))?(?:\s*[:=]\s*|\s+)([a-z0-9]+(?:-[a-z0-9]+)+|[A-Z0-9][\w&.'-]*(?:\s+[A-Z0-9][\w&.'-]*){0,4})/,
  );
  if (after && /campaign\s*[:=]/i.test(after[0])) return after[1]!;
  const before = wordsBefore(text, /\bcampaign(?:'s|s)?\b/i);
  if (before) return before;
  if (after) return after[1]!.replace(/['’]s$/, '').trim();
  // Without the word "campaign": a capitalised name of two or more words after in/for/from/of
  // ("what's approved in Holiday Gifting"). One word is too often a place or a product.
  for (const m of text.matchAll(
    /\b(?:in|for|from|of)\s+(?:the\s+)?([A-Z][\w&'’-]*(?:\s+[A-Z0-9][\w&'’-]*){1,3})/g,
  )) {
    const words = m[1]!.replace(/['’]s$/, '').split(/\s+/);
    if (words.some((w) => NOT_CAMPAIGN.test(w))) continue;
    return words.join(' ');
  }
  // Any other run of two or more capitalised words ("every Summer Sale asset"), once the
  // sentence-initial verb or question word is dropped.
  for (const m of text.matchAll(/\b[A-Z][\w&'’-]*(?:\s+[A-Z0-9][\w&'’-]*)+/g)) {
    const words = m[0].replace(/['’]s$/, '').split(/\s+/);
    while (words.length && CAMPAIGN_STOP.has(words[0]!.toLowerCase().replace(/['’]s$/, '')))
      words.shift();
    if (
      words.length >= 2 &&
      !words.some((w) => NOT_CAMPAIGN.test(w) || CAMPAIGN_STOP.has(w.toLowerCase()))
    ) {
      return words.join(' ');
    }
  }
  return undefined;
}

/** Capitalised words that name something other than a campaign. */
const NOT_CAMPAIGN =
  /^(?:I|Instagram|Insta|IG|Facebook|FB|TikTok|YouTube|LinkedIn|Pinterest|Snapchat|Display|Email|Web|German|French|Spanish|Italian|Dutch|Japanese|English|British|American|UK|US|USA|January|February|March|April|May|June|July|August|September|October|November|December|Q[1-4])$/;

function wordsBefore(text: string, marker: RegExp): string | undefined {
  const m = marker.exec(text);
  if (!m) return undefined;
  const head = text
    .slice(0, m.index)
    .replace(/[,;:!?()]+/g, ' ')
    .trim();
  const words = head.split(/\s+/).filter(Boolean);
  const picked: string[] = [];
  for (let i = words.length - 1; i >= 0 && picked.length < 5; i--) {
    const w = words[i]!;
    const bare = w.toLowerCase().replace(/['’]s$/, '');
    if (CAMPAIGN_STOP.has(bare) || isChannelWord(bare)) break;
    picked.unshift(w.replace(/^["“'‘]|["”'’]$/g, ''));
  }
  const name = picked.join(' ').trim();
  return name.length >= 2 ? name : undefined;
}

// ——— channels ———

const NETWORKS: [RegExp, string][] = [
  [/\b(?:instagram|insta|ig)\b/, 'instagram'],
  [/\b(?:facebook|fb)\b/, 'facebook'],
  [/\b(?:tiktok|tik tok)\b/, 'tiktok'],
  [/\b(?:youtube|yt)\b/, 'youtube'],
  [/\blinkedin\b/, 'linkedin'],
  [/\bpinterest\b/, 'pinterest'],
  [/\bsnapchat\b/, 'snapchat'],
  [/\b(?:display|programmatic)\b/, 'display'],
  [/\b(?:email|newsletter|e-mail)\b/, 'email'],
  [/\b(?:web|website|homepage|landing page)\b/, 'web'],
  [/\b(?:ooh|billboards?|out-of-home)\b/, 'ooh'],
];
const FORMATS: [RegExp, string][] = [
  [/\bstor(?:y|ies)\b/, 'story'],
  [/\b(?:feed|in-feed)\b/, 'feed'],
  [/\breels?\b/, 'reel'],
  [/\bshorts\b/, 'shorts'],
  [/\bthumbnails?\b/, 'thumbnail'],
  [/\bleaderboards?\b/, 'leaderboard'],
  [/\bskyscrapers?\b/, 'skyscraper'],
  [/\b(?:mrecs?|medium rectangles?)\b/, 'mrec'],
  [/\bhero(?:es)?\b/, 'hero'],
  [/\bpins?\b/, 'pin'],
  [/\bvideos?\b/, 'video'],
];
const NETWORK_NAMES = new Set(NETWORKS.map(([, n]) => n));
const CHANNEL_WORDS = new Set([
  'instagram',
  'insta',
  'ig',
  'facebook',
  'fb',
  'tiktok',
  'youtube',
  'linkedin',
  'pinterest',
  'snapchat',
  'display',
  'email',
  'web',
  'story',
  'stories',
  'feed',
  'reel',
  'reels',
  'leaderboard',
  'mrec',
  'hero',
]);
const isChannelWord = (w: string) => CHANNEL_WORDS.has(w);

export function extractChannel(lower: string): ChannelRef | undefined {
  const slug = lower
    .match(/\b([a-z]+(?:-[a-z0-9]+)+)\b/g)
    ?.find((s) => NETWORK_NAMES.has(s.split('-')[0]!));
  if (slug)
    return { slug, network: slug.split('-')[0], format: slug.split('-').slice(1).join('-') };
  const network = NETWORKS.find(([re]) => re.test(lower))?.[1];
  const format = FORMATS.find(([re]) => re.test(lower))?.[1];
  if (!network && !format) return undefined;
  // "hero" and "video" are too common on their own to mean a channel.
  if (!network && (format === 'hero' || format === 'video' || format === 'pin')) return undefined;
  if (network && format) return { slug: `${network}-${format}`, network, format };
  return { network, format };
}

// ——— colours ———

/** Colour words and the palette names (as named by vision/) each one covers. */
export const COLOUR_FAMILIES: Record<string, string[]> = {
  red: ['red', 'dark red', 'crimson', 'maroon'],
  orange: ['orange', 'coral', 'salmon'],
  yellow: ['yellow', 'gold'],
  gold: ['gold'],
  green: ['green', 'dark green', 'lime', 'mint', 'olive'],
  teal: ['teal', 'turquoise'],
  turquoise: ['turquoise'],
  cyan: ['cyan', 'turquoise'],
  blue: ['blue', 'royal blue', 'sky blue', 'navy'],
  navy: ['navy'],
  purple: ['purple', 'violet', 'indigo', 'lavender'],
  violet: ['violet'],
  pink: ['pink', 'hot pink', 'magenta', 'salmon'],
  magenta: ['magenta'],
  brown: ['brown', 'dark brown', 'tan', 'khaki'],
  beige: ['beige', 'cream', 'tan'],
  cream: ['cream'],
  black: ['black', 'charcoal'],
  white: ['white', 'cream'],
  grey: ['grey', 'dark grey', 'light grey', 'silver', 'charcoal'],
  silver: ['silver'],
  coral: ['coral'],
  mint: ['mint'],
  lavender: ['lavender'],
};

export function extractColours(lower: string, exclude = ''): string[] {
  const ex = exclude.toLowerCase();
  const out: string[] = [];
  for (const m of lower.matchAll(/\b([a-z]+)(?:ish)?\b/g)) {
    const w = m[1] === 'gray' ? 'grey' : m[1]!;
    if (COLOUR_FAMILIES[w] && !out.includes(w) && !new RegExp(`\\b${w}\\b`).test(ex)) out.push(w);
  }
  return out;
}

/** Whether a palette colour label ("dark red #8b0000") belongs to a colour word's family. */
export function colourMatches(label: string, colour: string): boolean {
  const name = label
    .replace(/#[0-9a-f]{3,6}\b/i, '')
    .trim()
    .toLowerCase();
  return (COLOUR_FAMILIES[colour] ?? [colour]).includes(name);
}

// ——— locales ———

const LANGS = new Set(
  'en de fr es it nl pt ja zh ko sv da no nb fi pl cs tr ar he ru el hu ro'.split(' '),
);
const LANGUAGE_LOCALES: [RegExp, string][] = [
  [/\b(?:german|germany)\b/, 'de-DE'],
  [/\b(?:french|france)\b/, 'fr-FR'],
  [/\b(?:spanish|spain)\b/, 'es-ES'],
  [/\b(?:italian|italy)\b/, 'it-IT'],
  [/\b(?:dutch|netherlands)\b/, 'nl-NL'],
  [/\b(?:japanese|japan)\b/, 'ja-JP'],
  [/\b(?:british|uk)\b/, 'en-GB'],
  [/\b(?:american|usa)\b/, 'en-US'],
  [/\b(?:swedish|sweden)\b/, 'sv-SE'],
  [/\b(?:polish|poland)\b/, 'pl-PL'],
];

export function extractLocale(text: string): string | undefined {
  for (const m of text.matchAll(/\b([a-z]{2})[-_]([a-z]{2})\b/gi)) {
    const lang = m[1]!.toLowerCase();
    if (LANGS.has(lang)) return `${lang}-${m[2]!.toUpperCase()}`;
  }
  const lower = text.toLowerCase();
  return LANGUAGE_LOCALES.find(([re]) => re.test(lower))?.[1];
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

export function extractEntities(
  text: string,
  opts: {
    now: Date;
    knownIds?: ReadonlySet<string>;
    knownCampaigns?: readonly { name: string; slug: string }[];
  },
): Entities {
  const lower = text.toLowerCase();
  const quoted = extractQuoted(text);
  const named = opts.knownCampaigns?.length
    ? matchKnownCampaign(lower, opts.knownCampaigns)
    : undefined;
  const campaign = extractCampaign(text) ?? named?.slug;
  const { count, singular } = extractCount(lower);
  const mention = named && campaign === named.slug ? named.mention : campaign?.toLowerCase();
  const lowerNoCampaign = mention ? lower.replace(mention, ' ') : lower;
  return {
    text,
    lower,
    quoted,
    assetIds: extractAssetIds(text, opts.knownIds),
    count,
    singular,
    campaign,
    channel: extractChannel(lowerNoCampaign),
    colours: extractColours(lowerNoCampaign),
    locale: extractLocale(mention ? lower.replace(mention, ' ') : text),
    dateRange: extractDateRange(lower, opts.now),
    ...extractAnaphora(lower),
  };
}

/**
 * A known campaign mentioned by name or slug ("the spring launch", "summer-sale"), longest first so
 * "Summer Sale Outlet" wins over "Summer Sale". Returns the slug and the words that matched.
 */
export function matchKnownCampaign(
  lower: string,
  known: readonly { name: string; slug: string }[],
): { slug: string; mention: string } | undefined {
  const candidates = known.flatMap((c) => {
    const forms = new Set([c.name.toLowerCase(), c.slug, c.slug.replace(/[-_]+/g, ' ')]);
    return [...forms].filter((f) => f.length >= 3).map((f) => ({ slug: c.slug, form: f }));
  });
  candidates.sort((a, b) => b.form.length - a.form.length);
  for (const c of candidates) {
    const m = new RegExp(`(^|[^a-z0-9])(${escapeRe(c.form)})(?=$|[^a-z0-9])`).exec(lower);
    if (m) return { slug: c.slug, mention: m[2]! };
  }
  return undefined;
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
