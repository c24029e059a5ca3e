// The names people use for campaigns, channels, locales and markets, resolved one way for every
// tool and surface: id, slug, name, a distinctive word or prefix ("holiday"), and common forms
// ("the spring campaign", "Instagram stories", "German", "de"). A word that names a group (every
// Instagram channel) resolves to all of it; `one()` insists on a single value and asks which.
import { AppError } from '../core/errors.ts';
import { clip } from '../core/util.ts';
import type { CatalogRepository } from '../store/catalog.repository.ts';
import type { Campaign, Channel } from '../store/models.ts';

export interface Resolution<T> {
  values: T[];
  /** How the words were read, for the answer: "campaign Spring Launch", "both Instagram channels". */
  label: string;
}

const STOP = new Set(
  'the a an our my this that these those all every any of for in on from campaign campaigns channel channels placement placements locale locales market markets language version versions cut cuts'.split(
    ' ',
  ),
);

/** Words that appear in channel names but are too common to name a channel on their own. */
const GENERIC_CHANNEL_WORDS = new Set([
  'hero',
  'banner',
  'ad',
  'image',
  'post',
  'video',
  'link',
  'visual',
  'asset',
]);

const CHANNEL_SYNONYMS: Record<string, string[]> = {
  insta: ['instagram'],
  ig: ['instagram'],
  fb: ['facebook'],
  website: ['web'],
  site: ['web'],
  homepage: ['web', 'hero'],
  home: ['web'],
  programmatic: ['display'],
  mpu: ['mrec'],
  stories: ['story'],
  reels: ['reel'],
};

const PLURALS: [RegExp, string][] = [
  [/ies$/, 'y'],
  [/(ss|us)$/, '$1'],
  [/oes$/, 'o'],
  [/s$/, ''],
];
const singular = (w: string) => {
  if (w.length <= 3) return w;
  for (const [re, to] of PLURALS) if (re.test(w)) return w.replace(re, to);
  return w;
};

/** Lowercase words without punctuation, possessives or filler ("the spring campaign" → spring). */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’]s\b/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w && !STOP.has(w));
}

const norm = (text: string) => words(text).join(' ');

/** Every reference word is a word of the candidate or the start of one (3+ letters). */
function covers(candidate: readonly string[], ref: readonly string[]): boolean {
  return ref.every((r) => candidate.some((c) => c === r || (r.length >= 3 && c.startsWith(r))));
}

const LANGUAGES: Record<string, { code: string; names: string[]; country: string }> = {
  de: { code: 'de', names: ['german', 'deutsch'], country: 'DE' },
  fr: { code: 'fr', names: ['french', 'français', 'francais'], country: 'FR' },
  ja: { code: 'ja', names: ['japanese'], country: 'JP' },
  en: { code: 'en', names: ['english'], country: 'US' },
  es: { code: 'es', names: ['spanish'], country: 'ES' },
  it: { code: 'it', names: ['italian'], country: 'IT' },
  nl: { code: 'nl', names: ['dutch'], country: 'NL' },
  pt: { code: 'pt', names: ['portuguese'], country: 'PT' },
  sv: { code: 'sv', names: ['swedish'], country: 'SE' },
  pl: { code: 'pl', names: ['polish'], country: 'PL' },
  zh: { code: 'zh', names: ['chinese'], country: 'CN' },
  ko: { code: 'ko', names: ['korean'], country: 'KR' },
};
const COUNTRIES: Record<string, string> = {
  germany: 'DE',
  deutschland: 'DE',
  austria: 'AT',
  switzerland: 'CH',
  france: 'FR',
  japan: 'JP',
  usa: 'US',
  us: 'US',
  america: 'US',
  'united states': 'US',
  uk: 'GB',
  britain: 'GB',
  'united kingdom': 'GB',
  spain: 'ES',
  italy: 'IT',
  netherlands: 'NL',
  sweden: 'SE',
  poland: 'PL',
};
const COUNTRY_LANGUAGE: Record<string, string> = {
  DE: 'de',
  AT: 'de',
  CH: 'de',
  FR: 'fr',
  JP: 'ja',
  US: 'en',
  GB: 'en',
  ES: 'es',
  IT: 'it',
  NL: 'nl',
  SE: 'sv',
  PL: 'pl',
};

export interface ResolverSources {
  catalog: Pick<CatalogRepository, 'campaigns' | 'channels'> &
    Partial<Pick<CatalogRepository, 'generation'>>;
  /** Locales that assets carry, e.g. ["de-DE", "fr-FR"]. */
  locales(): Promise<string[]>;
  /** Markets that placements run in, e.g. ["US", "DE"]. */
  markets?(): Promise<string[]>;
}

/**
 * Reference data changes rarely, and reading it costs more as the store grows (2-7 ms at 20k-100k
 * assets on SurrealDB 3 mem://), so lists never wait for it: the cached copy answers, and one older
 * than this is re-read in the background. A write made in this process (the catalog's generation)
 * is waited for, and a name that matches nothing is looked up again in fresh data before the
 * answer says so: a campaign created a moment ago by another process is found too.
 */
const TTL_MS = 1_000;

interface Reference {
  at: number;
  gen: number;
  campaigns: Campaign[];
  channels: Channel[];
}

export class NameResolver {
  private cache?: Reference;
  private inflight?: { gen: number; p: Promise<Reference> };

  constructor(
    private readonly sources: ResolverSources,
    private readonly now: () => number = Date.now,
  ) {}

  private generation(): number {
    return this.sources.catalog.generation?.() ?? 0;
  }

  /** One read of the reference data at a time per generation; the newest read wins the cache. */
  private load(): Promise<Reference> {
    const gen = this.generation();
    if (this.inflight?.gen === gen) return this.inflight.p;
    const p = (async () => {
      const at = this.now();
      const [campaigns, channels] = await Promise.all([
        this.sources.catalog.campaigns(),
        this.sources.catalog.channels(),
      ]);
      const ref = { at, gen, campaigns, channels };
      if (!this.cache || this.cache.at <= at) this.cache = ref;
      return ref;
    })();
    this.inflight = { gen, p };
    const done = () => {
      if (this.inflight?.p === p) this.inflight = undefined;
    };
    p.then(done, done);
    return p;
  }

  private async reference(fresh = false): Promise<Reference> {
    const c = this.cache;
    if (!c || fresh || c.gen !== this.generation()) return this.load();
    if (this.now() - c.at > TTL_MS) {
      // A failed background read keeps the cached copy; the next list tries again.
      this.load().catch(() => {});
    }
    return c;
  }

  /** Resolves against the cached reference, and once more against a fresh read if nothing fits. */
  private async withReference<T>(find: (r: Reference) => T): Promise<T> {
    try {
      return find(await this.reference());
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'not_found')) throw e;
      return find(await this.reference(true));
    }
  }

  async campaigns(ref: string): Promise<Resolution<Campaign>> {
    const w = words(ref);
    return this.withReference(({ campaigns }) =>
      named(
        'campaign',
        ref,
        campaigns,
        (c) => w.length > 0 && covers([...words(c.name), ...words(c.slug)], w),
      ),
    );
  }

  async channels(ref: string): Promise<Resolution<Channel>> {
    const w = words(ref)
      .flatMap((x) => CHANNEL_SYNONYMS[x] ?? [singular(x)])
      .filter((x) => !['image', 'picture', 'photo', 'asset', 'creative'].includes(x));
    const distinctive = w.some((x) => !GENERIC_CHANNEL_WORDS.has(x));
    return this.withReference(({ channels }) =>
      named('channel', ref, channels, (c) => distinctive && covers(channelWords(c), w)),
    );
  }

  async locales(ref: string): Promise<Resolution<string>> {
    const known = await this.sources.locales();
    const r = ref.trim();
    const full = /^([a-z]{2})[-_]([a-z]{2})$/i.exec(r);
    if (full) {
      const tag = `${full[1]!.toLowerCase()}-${full[2]!.toUpperCase()}`;
      return { values: [tag], label: `locale ${tag}` };
    }
    const w = words(r).join(' ');
    let lang =
      LANGUAGES[w]?.code ?? Object.values(LANGUAGES).find((l) => l.names.includes(w))?.code;
    let country: string | undefined;
    if (!lang) {
      country = COUNTRIES[w];
      if (country) lang = COUNTRY_LANGUAGE[country];
    }
    if (lang) {
      const matches = known.filter(
        (l) =>
          l.toLowerCase().startsWith(`${lang}-`) &&
          (!country || l.toUpperCase().endsWith(`-${country}`)),
      );
      const values = matches.length
        ? matches
        : [`${lang}-${country ?? LANGUAGES[lang]?.country ?? lang.toUpperCase()}`];
      return {
        values,
        label: values.length === 1 ? `locale ${values[0]}` : `locales ${list(values)}`,
      };
    }
    throw new AppError(
      'not_found',
      `no locale matches "${clip(ref, 60)}"; locales in the library: ${list(known) || 'none'}`,
    );
  }

  /** Market codes of placements ("DE"), from a code, a country, a language or a locale. */
  async markets(ref: string): Promise<Resolution<string>> {
    const known = (await this.sources.markets?.()) ?? [];
    const r = ref.trim();
    const up = r.toUpperCase();
    if (/^[A-Z]{2}$/i.test(r) && known.includes(up)) return { values: [up], label: `market ${up}` };
    const full = /^[a-z]{2}[-_]([a-z]{2})$/i.exec(r);
    const w = words(r).join(' ');
    const code =
      full?.[1]?.toUpperCase() ??
      COUNTRIES[w] ??
      Object.values(LANGUAGES).find((l) => l.code === w || l.names.includes(w))?.country;
    if (code) return { values: [code], label: `market ${code}` };
    throw new AppError(
      'not_found',
      `no market matches "${clip(ref, 60)}"; markets: ${list(known) || 'none'}`,
    );
  }
}

/** Exactly one value, where one must be chosen: asks which when the words fit several. */
export function onlyOne<T extends string | { name: string; slug: string }>(
  r: Resolution<T>,
  kind: string,
  ref: string,
): Resolution<T> {
  if (r.values.length === 1) return r;
  const names = r.values.map((v) => (typeof v === 'string' ? v : `${v.name} (${v.slug})`));
  throw new AppError(
    'ambiguous',
    `"${clip(ref, 60)}" fits ${names.length} ${kind}: ${list(names, ' or ')}. Which one?`,
    400,
    { candidates: names },
  );
}

/**
 * A campaign or channel by id, slug or name, else every one the words fit; none lists what exists.
 */
function named<T extends { id: string; slug: string; name: string }>(
  kind: 'campaign' | 'channel',
  ref: string,
  all: readonly T[],
  fits: (item: T) => boolean,
): Resolution<T> {
  const r = ref.trim();
  const exact = all.filter(
    (c) => c.id === r || c.slug === r.toLowerCase() || norm(c.name) === norm(r),
  );
  const found = exact.length ? exact : all.filter(fits);
  if (!found.length) {
    throw new AppError(
      'not_found',
      `no ${kind} matches "${clip(ref, 60)}"; ${kind}s: ${list(all.map((c) => `${c.name} (${c.slug})`))}`,
    );
  }
  return {
    values: found,
    label:
      found.length === 1
        ? `${kind} ${found[0]!.name}`
        : `all ${found.length} ${kind}s matching "${clip(ref, 60)}" (${list(found.map((c) => c.slug))})`,
  };
}

function channelWords(c: Channel): string[] {
  const own = [...words(c.slug), ...words(c.name)].map(singular);
  return [...own, ...(c.network ? words(c.network) : [])];
}

function list(items: string[], last = ' and '): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')}${last}${items[items.length - 1]}`;
}
