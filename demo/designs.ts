// What the demo library contains: campaigns, channels, copy in four locales, and the 42 master
// designs. Each design is a deliberate point in the planted dimensions (palette warmth, logo corner
// and size, disclaimer treatment, offer headline), balanced within every campaign so the effects
// are not confounded with campaign or product.
import { SHIPPED_SPECS } from '../renditions/specs.ts';
import { COLOURS } from './brand-kit.ts';
import { createRng, gaussian, shuffle } from './random.ts';

export type Locale = 'en-US' | 'de-DE' | 'fr-FR' | 'ja-JP';
export const LOCALES: readonly Locale[] = ['de-DE', 'fr-FR', 'ja-JP'];
export const MARKET_OF: Record<Locale, string> = {
  'en-US': 'US',
  'de-DE': 'DE',
  'fr-FR': 'FR',
  'ja-JP': 'JP',
};

export interface ChannelSpec {
  slug: string;
  /** The demo's own label for the channel, as its titles say it. */
  name: string;
  width: number;
  height: number;
  network: string;
  /** Short form for placement ids, which must stay under 55 characters. */
  code: string;
}

/** The demo's channels: sizes and networks come from the shipped channel specs, the one source. */
const DEMO_CHANNELS = [
  ['instagram-feed', 'Instagram feed', 'igf'],
  ['instagram-story', 'Instagram story', 'igs'],
  ['facebook-link', 'Facebook link ad', 'fbl'],
  ['display-mrec', 'Display MREC', 'mrec'],
  ['web-hero', 'Website hero', 'web'],
] as const;

export const CHANNELS: readonly ChannelSpec[] = DEMO_CHANNELS.map(([slug, name, code]) => {
  const spec = SHIPPED_SPECS.find((s) => s.id === slug);
  if (!spec) throw new Error(`demo channel ${slug} is not a shipped channel spec`);
  return { slug, name, code, width: spec.width, height: spec.height, network: spec.network };
});

/** Localized cuts are made from this channel's rendition. */
export const LOCALIZED_CHANNEL = 'instagram-feed';

export interface CampaignSpec {
  slug: 'spring-launch' | 'summer-sale' | 'holiday-gifting';
  name: string;
  objective: string;
  code: string;
  /** First day of the 90-day flight; fixed so every run writes the same days. */
  start: string;
  end: string;
  disclaimer: Record<Locale, string>;
  headlines: readonly Headline[];
  /** Products the campaign features, cycled over its masters. */
  products: readonly ProductKind[];
}

export interface Headline {
  key: string;
  /** Mentions a price cut: the planted conversion effect reads this from the text. */
  offer: boolean;
  text: Record<Locale, string>;
}

export type ProductKind = 'bottle' | 'box' | 'sneaker' | 'can';

export const CAMPAIGNS: readonly CampaignSpec[] = [
  {
    slug: 'spring-launch',
    name: 'Spring Launch',
    objective: 'awareness',
    code: 'sl',
    start: '2026-03-02',
    end: '2026-05-30',
    products: ['bottle', 'sneaker', 'can', 'bottle', 'sneaker'],
    disclaimer: {
      'en-US': 'Offer valid 2 Mar to 30 May 2026 while stocks last. Terms apply. Northpeak Ltd.',
      'de-DE':
        'Angebot gültig vom 2. März bis 30. Mai 2026, solange der Vorrat reicht. Es gelten die AGB.',
      'fr-FR':
        'Offre valable du 2 mars au 30 mai 2026 dans la limite des stocks. Conditions applicables.',
      'ja-JP': '2026年3月2日から5月30日まで有効。在庫がなくなり次第終了。利用規約が適用されます。',
    },
    headlines: [
      {
        key: 'fresh-tracks',
        offer: false,
        text: {
          'en-US': 'Fresh tracks this spring',
          'de-DE': 'Frische Spuren im Frühling',
          'fr-FR': 'De nouvelles traces ce printemps',
          'ja-JP': 'この春、新しい一歩を',
        },
      },
      {
        key: 'trail-series',
        offer: false,
        text: {
          'en-US': 'Meet the Trail Series',
          'de-DE': 'Die neue Trail-Serie',
          'fr-FR': 'Découvrez la gamme Trail',
          'ja-JP': 'トレイルシリーズ登場',
        },
      },
      {
        key: 'launch-15',
        offer: true,
        text: {
          'en-US': 'Launch week: 15% off',
          'de-DE': 'Launch-Woche: 15 % Rabatt',
          'fr-FR': 'Semaine de lancement : -15 %',
          'ja-JP': '発売記念 15%オフ',
        },
      },
      {
        key: 'save-20',
        offer: true,
        text: {
          'en-US': 'Save 20% on new gear',
          'de-DE': '20 % sparen auf neue Ausrüstung',
          'fr-FR': '-20 % sur le nouvel équipement',
          'ja-JP': '新作ギアが20%オフ',
        },
      },
    ],
  },
  {
    slug: 'summer-sale',
    name: 'Summer Sale',
    objective: 'conversions',
    code: 'ss',
    start: '2026-06-01',
    end: '2026-08-29',
    products: ['can', 'bottle', 'sneaker', 'box'],
    disclaimer: {
      'en-US': 'Sale prices valid 1 Jun to 29 Aug 2026 on selected items only. Terms apply.',
      'de-DE': 'Aktionspreise gültig vom 1. Juni bis 29. August 2026 nur für ausgewählte Artikel.',
      'fr-FR': 'Prix soldés valables du 1er juin au 29 août 2026 sur une sélection d’articles.',
      'ja-JP': 'セール価格は2026年6月1日から8月29日まで、対象商品のみ有効です。',
    },
    headlines: [
      {
        key: 'upto-40',
        offer: true,
        text: {
          'en-US': 'Summer sale: up to 40% off',
          'de-DE': 'Sommer-Sale: bis zu 40 % Rabatt',
          'fr-FR': 'Soldes d’été : jusqu’à -40 %',
          'ja-JP': 'サマーセール 最大40%オフ',
        },
      },
      {
        key: 'all-30',
        offer: true,
        text: {
          'en-US': '30% off everything outdoors',
          'de-DE': '30 % auf alles für draußen',
          'fr-FR': '-30 % sur tout l’outdoor',
          'ja-JP': 'アウトドア用品すべて30%オフ',
        },
      },
      {
        key: 'light-packs',
        offer: false,
        text: {
          'en-US': 'Long days, light packs',
          'de-DE': 'Lange Tage, leichtes Gepäck',
          'fr-FR': 'Longues journées, sacs légers',
          'ja-JP': '長い一日を、軽やかに',
        },
      },
      {
        key: 'made-for-heat',
        offer: false,
        text: {
          'en-US': 'Made for the heat',
          'de-DE': 'Gemacht für die Hitze',
          'fr-FR': 'Conçu pour la chaleur',
          'ja-JP': '暑さに強い',
        },
      },
    ],
  },
  {
    slug: 'holiday-gifting',
    name: 'Holiday Gifting',
    objective: 'conversions',
    code: 'hg',
    start: '2026-08-31',
    end: '2026-11-28',
    products: ['box', 'bottle', 'box', 'sneaker'],
    disclaimer: {
      'en-US':
        'Gift set prices valid until 28 Nov 2026. Exclusions apply. See northpeak.example for details.',
      'de-DE':
        'Preise für Geschenksets gültig bis 28. Nov. 2026. Ausnahmen möglich. Details online.',
      'fr-FR':
        'Prix des coffrets valables jusqu’au 28 nov. 2026. Exclusions possibles. Détails en ligne.',
      'ja-JP': 'ギフトセット価格は2026年11月28日まで有効。一部対象外。詳細はウェブサイトへ。',
    },
    headlines: [
      {
        key: 'every-summit',
        offer: false,
        text: {
          'en-US': 'Gifts for every summit',
          'de-DE': 'Geschenke für jeden Gipfel',
          'fr-FR': 'Des cadeaux pour chaque sommet',
          'ja-JP': 'すべての頂へ、贈り物を',
        },
      },
      {
        key: 'gift-outdoors',
        offer: false,
        text: {
          'en-US': 'Give the gift of outdoors',
          'de-DE': 'Verschenke Natur',
          'fr-FR': 'Offrez le grand air',
          'ja-JP': 'アウトドアを贈ろう',
        },
      },
      {
        key: 'sets-25',
        offer: true,
        text: {
          'en-US': '25% off gift sets',
          'de-DE': '25 % Rabatt auf Geschenksets',
          'fr-FR': '-25 % sur les coffrets cadeaux',
          'ja-JP': 'ギフトセット25%オフ',
        },
      },
      {
        key: 'wrapped',
        offer: false,
        text: {
          'en-US': 'Wrapped and ready',
          'de-DE': 'Verpackt und bereit',
          'fr-FR': 'Emballé et prêt',
          'ja-JP': 'ラッピングしてお届け',
        },
      },
    ],
  },
];

export const CTA_TEXT: Record<Locale, string> = {
  'en-US': 'Shop now',
  'de-DE': 'Jetzt kaufen',
  'fr-FR': 'Acheter',
  'ja-JP': '今すぐ購入',
};

export type Warmth = 'warm' | 'cool';
export type BackgroundStyle = 'gradient' | 'scene' | 'shapes';
export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
export type LogoSize = 'standard' | 'tiny' | 'none';
export type DisclaimerStyle = 'standard' | 'tiny' | 'low-contrast' | 'none';

export interface Scheme {
  name: string;
  warmth: Warmth;
  onPalette: boolean;
  /** Vertical gradient, top to bottom. */
  top: string;
  bottom: string;
  /** Scene and shape accents. */
  accent: string;
  second: string;
  /** Words used in titles; never "warm"/"cool", so metadata does not give the planted factor away. */
  label: string;
}

export const SCHEMES: Record<string, Scheme> = {
  sunset: {
    name: 'sunset',
    warmth: 'warm',
    onPalette: true,
    top: COLOURS.orange,
    bottom: COLOURS.sand,
    accent: COLOURS.orange,
    second: COLOURS.sand,
    label: 'sunset',
  },
  canyon: {
    name: 'canyon',
    warmth: 'warm',
    onPalette: true,
    top: COLOURS.orange,
    bottom: COLOURS.sand,
    accent: COLOURS.orange,
    second: COLOURS.sand,
    label: 'canyon',
  },
  glacier: {
    name: 'glacier',
    warmth: 'cool',
    onPalette: true,
    top: COLOURS.sky,
    bottom: COLOURS.glacier,
    accent: COLOURS.navy,
    second: COLOURS.sky,
    label: 'glacier',
  },
  lake: {
    name: 'lake',
    warmth: 'cool',
    onPalette: true,
    top: COLOURS.sky,
    bottom: COLOURS.glacier,
    accent: COLOURS.navy,
    second: COLOURS.glacier,
    label: 'alpine lake',
  },
  neon: {
    name: 'neon',
    warmth: 'warm',
    onPalette: false,
    top: '#ff2e63',
    bottom: '#ffd23f',
    accent: '#ff2e63',
    second: '#ffd23f',
    label: 'neon pink and yellow',
  },
  electric: {
    name: 'electric',
    warmth: 'cool',
    onPalette: false,
    top: '#2541b2',
    bottom: '#08d9d6',
    accent: '#2541b2',
    second: '#08d9d6',
    label: 'electric blue and turquoise',
  },
};

export interface MasterDesign {
  slug: string;
  campaign: CampaignSpec['slug'];
  index: number;
  width: number;
  height: number;
  product: ProductKind;
  productColour: string;
  style: BackgroundStyle;
  scheme: Scheme;
  logo: { corner: Corner | null; size: LogoSize };
  disclaimer: DisclaimerStyle;
  headline: Headline;
  /** Idiosyncratic appeal of this design (lognormal, sd 0.08) on CTR: the noise the effects must beat. */
  quality: number;
  /** Localized cuts are made for this master. */
  localize: boolean;
  /** 0..1, moves the decoration (gradient tilt, sun, halo) so no two designs share their bytes. */
  variation: number;
}

/** Sd of the designs' own appeal on CTR (lognormal); see performance-model.ts. */
export const NOISE_QUALITY_SD = 0.08;

const OTHER_CORNERS: readonly Corner[] = ['top-right', 'bottom-left', 'bottom-right'];

type Breach =
  | 'logo-tiny'
  | 'logo-missing'
  | 'off-palette-warm'
  | 'off-palette-cool'
  | 'disclaimer-tiny'
  | 'disclaimer-low-contrast'
  | 'disclaimer-missing';

/**
 * Brand breaches planted per campaign, one per design, in priority order (a small test library
 * keeps the first ones). 15 of the 42 masters break the brand; the rest are clean.
 */
const BREACHES: Record<CampaignSpec['slug'], readonly Breach[]> = {
  'spring-launch': ['logo-tiny', 'off-palette-warm', 'disclaimer-tiny', 'disclaimer-low-contrast'],
  'summer-sale': [
    'logo-tiny',
    'off-palette-cool',
    'disclaimer-tiny',
    'logo-missing',
    'disclaimer-missing',
  ],
  'holiday-gifting': [
    'logo-tiny',
    'off-palette-warm',
    'disclaimer-tiny',
    'off-palette-cool',
    'disclaimer-low-contrast',
    'disclaimer-tiny',
  ],
};

const indices = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * `perCampaign` masters per campaign (14 by default). Within a campaign: half warm, half cool; 6 in
 * 14 logos top-left, the rest spread over the other corners; headlines, styles and breaches dealt
 * by seeded shuffles, so the factors are close to independent of each other and of the campaign.
 */
export function masterDesigns(perCampaign = 14, seed = 0): MasterDesign[] {
  // Seed 0 is the library everyone gets; another seed deals the same plan out differently.
  const key = seed ? `:seed-${seed}` : '';
  const out: MasterDesign[] = [];
  for (const campaign of CAMPAIGNS) {
    const rng = createRng(`demo-designs:${campaign.slug}${key}`);
    const n = perCampaign;
    const half = Math.ceil(n / 2);
    const warmth = shuffle(
      rng,
      indices(n).map((i): Warmth => (i < half ? 'warm' : 'cool')),
    );
    const topLeftCount = Math.round((n * 6) / 14);
    const corners = shuffle(
      rng,
      indices(n).map(
        (i): Corner => (i < topLeftCount ? 'top-left' : OTHER_CORNERS[i % OTHER_CORNERS.length]!),
      ),
    );
    const styles = shuffle(
      rng,
      indices(n).map((i) => (['gradient', 'scene', 'shapes'] as const)[i % 3]!),
    );
    const headlines = shuffle(
      rng,
      indices(n).map((i) => campaign.headlines[i % campaign.headlines.length]!),
    );
    // Deal breaches to distinct designs; a small library keeps at least one clean design.
    const order = shuffle(rng, indices(n));
    const breach = new Map<number, Breach>();
    const plan = BREACHES[campaign.slug].slice(0, n >= 14 ? undefined : Math.max(1, n - 1));
    for (const b of plan) {
      const want = b === 'off-palette-warm' ? 'warm' : b === 'off-palette-cool' ? 'cool' : null;
      const i = order.find((k) => !breach.has(k) && (!want || warmth[k] === want));
      if (i !== undefined) breach.set(i, b);
    }
    const localizeOrder = shuffle(rng, indices(n));
    const localizeCount = n >= 14 ? (campaign.slug === 'spring-launch' ? 4 : 3) : 1;
    const localized = new Set(localizeOrder.slice(0, localizeCount));
    for (let i = 0; i < n; i++) {
      const w = warmth[i]!;
      const b = breach.get(i);
      const off = b === 'off-palette-warm' || b === 'off-palette-cool';
      const style = off ? 'gradient' : styles[i]!;
      const scheme = off
        ? w === 'warm'
          ? SCHEMES.neon!
          : SCHEMES.electric!
        : w === 'warm'
          ? style === 'gradient'
            ? SCHEMES.sunset!
            : SCHEMES.canyon!
          : style === 'gradient'
            ? SCHEMES.glacier!
            : SCHEMES.lake!;
      const size: LogoSize =
        b === 'logo-tiny' ? 'tiny' : b === 'logo-missing' ? 'none' : 'standard';
      const disclaimer: DisclaimerStyle =
        b === 'disclaimer-tiny'
          ? 'tiny'
          : b === 'disclaimer-low-contrast'
            ? 'low-contrast'
            : b === 'disclaimer-missing'
              ? 'none'
              : 'standard';
      const index = i + 1;
      const slug = `${campaign.code}-${String(index).padStart(2, '0')}`;
      out.push({
        slug,
        campaign: campaign.slug,
        index,
        width: i % 3 === 2 ? 2000 : 2400,
        height: i % 3 === 2 ? 2000 : 1600,
        product: campaign.products[i % campaign.products.length]!,
        productColour: i % 2 === 0 ? COLOURS.navy : COLOURS.pine,
        style,
        scheme,
        logo: { corner: size === 'none' ? null : corners[i]!, size },
        disclaimer,
        headline: headlines[i]!,
        quality: Math.exp(NOISE_QUALITY_SD * gaussian(createRng(`demo-quality:${slug}${key}`))),
        variation: createRng(`demo-variation:${slug}${key}`)(),
        localize: localized.has(i),
      });
    }
  }
  return out;
}
