// The words of the asset domain in a message: asset ids, campaign names, channels, colours and
// locales, read from free text the way people write them. Pure functions over strings; the
// offline planner's extractors for these entities live beside them (assets/entities.ts).
import { escapeRe } from '../core/util.ts';

export interface ChannelRef {
  /** A full channel slug when the message names one ("instagram-story"). */
  slug?: string;
  network?: string;
  format?: string;
}

/** Asset ids look like newId(): 16 lowercase base32-ish characters with at least one digit. */
const ID_TOKEN = /(?<!upload:(?:\/\/)?)\b(?:asset:)?([a-z0-9]{16})\b/g;
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
  // "hero images for spring", "what ran over the holidays": the first word of one campaign's
  // name, said after for/in/from/of/during, stands for that campaign when no other starts so.
  const firsts = new Map<string, string[]>();
  for (const c of known) {
    const w = c.name.toLowerCase().split(/\s+/)[0] ?? '';
    if (w.length >= 4) firsts.set(w, [...(firsts.get(w) ?? []), c.slug]);
  }
  for (const [w, slugs] of firsts) {
    if (slugs.length !== 1) continue;
    const stem = escapeRe(w.replace(/s$/, ''));
    const m = new RegExp(
      `\\b(?:for|in|from|of|during|over)\\s+(?:the\\s+|our\\s+|this\\s+|last\\s+)?(${stem}s?)(?=$|[^a-z0-9-])`,
    ).exec(lower);
    if (m) return { slug: slugs[0]!, mention: m[1]! };
    // "the spring hero", "our holiday banners": the word before what the campaign made.
    const made = new RegExp(
      `\\b(?:the|our|this|these|all)\\s+(${stem}s?)\\s+(?:hero(?:es)?|masters?|key visuals?|creatives?|banners?|images?|visuals?|ads?|posters?|assets?)\\b`,
    ).exec(lower);
    if (made) return { slug: slugs[0]!, mention: made[1]! };
  }
  return undefined;
}
