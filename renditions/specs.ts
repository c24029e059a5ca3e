// Channel specs as versioned data: the one source of a channel's size, aspect, safe zones, byte
// limit, formats and colour profile. Curator ships the common ones; a JSON file of the user's own
// adds or replaces specs by id and is validated when it is read, naming the bad entry.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';

export const OutputFormat = z.enum(['jpeg', 'png', 'webp']);
export type OutputFormat = z.infer<typeof OutputFormat>;

const Insets = z.object({
  top: z.number().int().min(0),
  right: z.number().int().min(0),
  bottom: z.number().int().min(0),
  left: z.number().int().min(0),
});

export const ChannelSpec = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lowercase letters, digits and -'),
    name: z.string().min(1).max(120),
    network: z.string().min(1).max(60),
    width: z.number().int().min(16).max(8192),
    height: z.number().int().min(16).max(8192),
    /** Where platform UI covers the picture (a story's top bar and reply box): keep text out. */
    safeZone: Insets.default({ top: 0, right: 0, bottom: 0, left: 0 }),
    maxBytes: z
      .number()
      .int()
      .min(4 * 1024)
      .max(200 * 1024 * 1024),
    formats: z.array(OutputFormat).min(1),
    colorProfile: z.literal('srgb').default('srgb'),
    version: z.number().int().min(1).default(1),
  })
  .refine((s) => s.safeZone.left + s.safeZone.right < s.width, {
    message: 'the safe zone leaves no width',
  })
  .refine((s) => s.safeZone.top + s.safeZone.bottom < s.height, {
    message: 'the safe zone leaves no height',
  });
export type ChannelSpec = z.output<typeof ChannelSpec>;

const MB = 1024 * 1024;
const KB = 1024;

/** The specs Curator ships. Byte limits are the platforms' published upload limits. */
export const SHIPPED_SPECS: readonly z.input<typeof ChannelSpec>[] = [
  {
    id: 'instagram-feed',
    name: 'Instagram feed, square',
    network: 'meta',
    width: 1080,
    height: 1080,
    maxBytes: 8 * MB,
    formats: ['jpeg', 'png'],
  },
  {
    id: 'instagram-feed-portrait',
    name: 'Instagram feed, portrait',
    network: 'meta',
    width: 1080,
    height: 1350,
    maxBytes: 8 * MB,
    formats: ['jpeg', 'png'],
  },
  // Stories and reels: the top 14% and bottom 20% sit under Instagram's own UI.
  {
    id: 'instagram-story',
    name: 'Instagram story and reel',
    network: 'meta',
    width: 1080,
    height: 1920,
    safeZone: { top: 270, right: 0, bottom: 380, left: 0 },
    maxBytes: 8 * MB,
    formats: ['jpeg', 'png'],
  },
  {
    id: 'facebook-link',
    name: 'Facebook link ad',
    network: 'meta',
    width: 1200,
    height: 628,
    maxBytes: 8 * MB,
    formats: ['jpeg', 'png'],
  },
  {
    id: 'linkedin-post',
    name: 'LinkedIn shared image',
    network: 'linkedin',
    width: 1200,
    height: 627,
    maxBytes: 5 * MB,
    formats: ['jpeg', 'png'],
  },
  {
    id: 'x-post',
    name: 'X (Twitter) image',
    network: 'x',
    width: 1600,
    height: 900,
    maxBytes: 5 * MB,
    formats: ['jpeg', 'png', 'webp'],
  },
  // Google's display network takes images up to 150 KB.
  {
    id: 'display-mrec',
    name: 'Display medium rectangle',
    network: 'programmatic',
    width: 300,
    height: 250,
    maxBytes: 150 * KB,
    formats: ['jpeg', 'png'],
  },
  {
    id: 'display-leaderboard',
    name: 'Display leaderboard',
    network: 'programmatic',
    width: 728,
    height: 90,
    maxBytes: 150 * KB,
    formats: ['jpeg', 'png'],
  },
  {
    id: 'display-skyscraper',
    name: 'Display wide skyscraper',
    network: 'programmatic',
    width: 160,
    height: 600,
    maxBytes: 150 * KB,
    formats: ['jpeg', 'png'],
  },
  {
    id: 'display-mobile-banner',
    name: 'Display mobile banner',
    network: 'programmatic',
    width: 320,
    height: 50,
    maxBytes: 150 * KB,
    formats: ['jpeg', 'png'],
  },
  {
    id: 'web-hero',
    name: 'Website hero',
    network: 'owned',
    width: 1920,
    height: 1080,
    maxBytes: 500 * KB,
    formats: ['jpeg', 'webp'],
  },
  {
    id: 'web-hero-2k',
    name: 'Website hero, 2560',
    network: 'owned',
    width: 2560,
    height: 1440,
    maxBytes: 800 * KB,
    formats: ['jpeg', 'webp'],
  },
  {
    id: 'email-header',
    name: 'Email header',
    network: 'email',
    width: 600,
    height: 200,
    maxBytes: 200 * KB,
    formats: ['jpeg', 'png'],
  },
];

export class SpecCatalog {
  private readonly byId: Map<string, ChannelSpec>;
  constructor(specs: readonly ChannelSpec[]) {
    this.byId = new Map(specs.map((s) => [s.id, s]));
  }
  all(): ChannelSpec[] {
    return [...this.byId.values()];
  }
  /**
   * The specs some words mean: a spec id, a network ("programmatic": every display size), a
   * phrase people use ("instagram stories", "the google display network", "the web homepage"), or
   * the words of a spec's id or name. Unknown words are an error that names the known specs.
   */
  resolve(phrases: readonly string[]): ChannelSpec[] {
    const out = new Map<string, ChannelSpec>();
    const unknown: string[] = [];
    for (const raw of phrases) {
      const p = raw.trim().toLowerCase();
      if (!p) continue;
      const exact = this.byId.get(p);
      if (exact) {
        out.set(exact.id, exact);
        continue;
      }
      const named = specsSaid(p).flatMap((id) =>
        this.byId.has(id) ? [this.byId.get(id)!] : this.all().filter((s) => s.network === id),
      );
      const network = this.all().filter((s) => s.network === p);
      const words = p.split(/[\s-]+/).filter((w) => w && !FILLER.has(w));
      const byWords = words.length
        ? this.all().filter((s) => {
            const text = `${s.id} ${s.name}`.toLowerCase();
            return words.every((w) => text.includes(w.replace(/(?:ies|s)$/, '')));
          })
        : [];
      const hit = named.length ? named : network.length ? network : byWords;
      if (!hit.length) unknown.push(raw);
      for (const s of hit) out.set(s.id, s);
    }
    if (unknown.length) {
      throw new AppError(
        'not_found',
        `no channel spec for ${unknown.map((u) => JSON.stringify(u.slice(0, 60))).join(', ')}; known: ${[...this.byId.keys()].join(', ')} (or a network: ${[...new Set(this.all().map((s) => s.network))].join(', ')})`,
      );
    }
    return [...out.values()];
  }

  get(id: string): ChannelSpec {
    const s = this.byId.get(id);
    if (!s) {
      throw new AppError(
        'not_found',
        `no channel spec ${JSON.stringify(id.slice(0, 80))}; known: ${[...this.byId.keys()].join(', ')}`,
      );
    }
    return s;
  }
}

/** The store's channel record for a spec: its facts are the spec's, its name may be a label. */
export function channelRecord(spec: ChannelSpec, name = spec.name) {
  return {
    id: spec.id,
    slug: spec.id,
    name,
    width: spec.width,
    height: spec.height,
    network: spec.network,
  };
}

/** The shipped specs, with a file's specs added (or replacing shipped ones of the same id). */
export async function loadSpecs(file?: string): Promise<SpecCatalog> {
  const shipped = SHIPPED_SPECS.map((s) => ChannelSpec.parse(s));
  if (!file) return new SpecCatalog(shipped);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new AppError('config', `channel specs file ${file}: ${(e as Error).message}`);
  }
  const list = z.array(z.unknown()).safeParse(raw);
  if (!list.success) throw new AppError('config', `channel specs file ${file}: not a JSON array`);
  const own = list.data.map((entry, i) => {
    const r = ChannelSpec.safeParse(entry);
    if (!r.success) {
      const id = (entry as { id?: unknown })?.id;
      throw new AppError(
        'config',
        `channel specs file ${file}, entry ${i}${typeof id === 'string' ? ` (${id})` : ''}: ${r.error.issues.map((x) => `${x.path.join('.') || 'spec'}: ${x.message}`).join('; ')}`,
      );
    }
    return r.data;
  });
  const merged = new Map(shipped.map((s) => [s.id, s]));
  for (const s of own) merged.set(s.id, s);
  return new SpecCatalog([...merged.values()]);
}

const FILLER = new Set([
  'a',
  'an',
  'the',
  'our',
  'for',
  'on',
  'spec',
  'specs',
  'size',
  'sizes',
  'format',
  'formats',
  'ad',
  'ads',
  'and',
]);

/** How people name the shipped channels: a phrase, and the spec ids or network it means. */
const PHRASES: readonly [RegExp, string[]][] = [
  [
    /\b(?:instagram|insta|ig)\s+(?:stor(?:y|ies)|reels?)\b|\b(?:stor(?:y|ies)|reels?)\b/,
    ['instagram-story'],
  ],
  [
    /\b(?:instagram|insta|ig)\s+portrait\b|\bportrait (?:instagram|insta|ig)? ?(?:feed|post)s?\b/,
    ['instagram-feed-portrait'],
  ],
  [
    /\b(?:instagram|insta|ig)(?:\s+(?:feed|posts?|square|grid))?\b(?!\s+(?:stor|reel|portrait))/,
    ['instagram-feed'],
  ],
  [/\bfacebook(?:\s+(?:link|feed|ads?|posts?))?\b|\bfb\b/, ['facebook-link']],
  [/\blinked ?in\b/, ['linkedin-post']],
  [/\btwitter\b|\bx(?:\.com| posts?| feed)\b|\bon x\b/, ['x-post']],
  [/\b(?:medium rectangles?|mrecs?|300 ?[x×] ?250)\b/, ['display-mrec']],
  [/\b(?:leaderboards?|728 ?[x×] ?90)\b/, ['display-leaderboard']],
  [/\b(?:skyscrapers?|160 ?[x×] ?600)\b/, ['display-skyscraper']],
  [/\b(?:mobile banners?|320 ?[x×] ?50)\b/, ['display-mobile-banner']],
  [
    /\b(?:google display(?: network)?|gdn|display (?:network|ads?|banners?|sizes?)|programmatic|display)\b/,
    ['programmatic'],
  ],
  [/\b(?:2k|2560|retina) (?:web )?hero\b|\bweb ?hero[ -]2k\b/, ['web-hero-2k']],
  [
    /\b(?:web ?(?:site)? ?home ?page|home ?page|web ?site hero|website|web ?hero|landing pages?|the web|web)\b/,
    ['web-hero'],
  ],
  [/\b(?:e-?mail(?: header)?s?|newsletters?)\b/, ['email-header']],
];

/** The shipped spec ids (or a network) each channel phrase in `lower` names, in order said. */
export function specsSaid(lower: string): string[] {
  return specPhrases(lower).map((p) => p.value);
}

/** Each channel phrase said, where, and what it means; longer phrases win where they overlap. */
export function specPhrases(lower: string): { start: number; end: number; value: string }[] {
  const found: { start: number; end: number; value: string }[] = [];
  const ids = new Set(SHIPPED_SPECS.map((s) => s.id));
  for (const m of lower.matchAll(/\b[a-z0-9]+(?:-[a-z0-9]+)+\b/g)) {
    if (ids.has(m[0])) found.push({ start: m.index, end: m.index + m[0].length, value: m[0] });
  }
  for (const [re, ids] of PHRASES) {
    for (const m of lower.matchAll(new RegExp(re.source, 'g'))) {
      const start = m.index;
      const end = start + m[0].length;
      if (found.some((f) => start < f.end && f.start < end)) continue;
      for (const value of ids) found.push({ start, end, value });
    }
  }
  const seen = new Set<string>();
  return found
    .sort((a, b) => a.start - b.start)
    .filter((f) => !seen.has(f.value) && seen.add(f.value));
}
