// The ground-truth performance model behind the demo's 90 days of daily results. Every effect is
// tied to something Curator can see in the pixels (palette warmth, where the logo sits, the
// headline's words), so attribution is judged on what it detects. Brand violations (tiny or
// low-contrast disclaimer, tiny or missing logo, off-palette colours) deliberately change nothing.
//
//   impressions ~ round(channel.impressions x market.volume x weekday.volume x LogNormal(0, 0.2))
//   CTR          = channel.ctr x campaign.ctr x market.ctr x weekday.ctr x quality
//                  x 1.25 if the background palette is warm x 1.15 if the logo sits top-left
//   clicks      ~ Binomial(impressions, CTR)
//   CVR          = channel.cvr x 1.20 if the headline offers a % discount
//   conversions ~ Binomial(clicks, CVR)
//   spend        = impressions / 1000 x channel.cpm x LogNormal(0, 0.05)
//   revenue      = conversions x campaign.aov x Uniform(0.8, 1.2)
// `quality` is the design's own appeal, LogNormal(0, 0.08), shared by its renditions and cuts.
import type { PerfDaily } from '../store/models.ts';
import { NOISE_QUALITY_SD } from './designs.ts';
import { binomial, createRng, gaussian } from './random.ts';

export interface ChannelBaseline {
  ctr: number;
  cvr: number;
  cpm: number;
  impressions: number;
}

export const CHANNEL_BASELINES: Record<string, ChannelBaseline> = {
  'instagram-feed': { ctr: 0.009, cvr: 0.03, cpm: 7.5, impressions: 8000 },
  'instagram-story': { ctr: 0.006, cvr: 0.025, cpm: 6.0, impressions: 10000 },
  'facebook-link': { ctr: 0.012, cvr: 0.035, cpm: 9.0, impressions: 6000 },
  'display-mrec': { ctr: 0.0015, cvr: 0.015, cpm: 2.5, impressions: 30000 },
  // Owned inventory: the CPM is an internal charge-back, so spend stays small but never zero.
  'web-hero': { ctr: 0.025, cvr: 0.05, cpm: 1.0, impressions: 4000 },
};

export const CAMPAIGN_BASELINES: Record<string, { ctr: number; aov: number }> = {
  'spring-launch': { ctr: 1.0, aov: 64 },
  'summer-sale': { ctr: 1.1, aov: 48 },
  'holiday-gifting': { ctr: 1.05, aov: 85 },
};

export const MARKET_BASELINES: Record<string, { ctr: number; volume: number }> = {
  US: { ctr: 1.0, volume: 1.0 },
  DE: { ctr: 0.9, volume: 0.35 },
  FR: { ctr: 0.95, volume: 0.3 },
  JP: { ctr: 1.1, volume: 0.3 },
};

/** Index 0 = Sunday, as Date.getUTCDay() counts. */
export const WEEKDAY = {
  volume: [1.15, 0.9, 0.92, 0.95, 0.97, 1.02, 1.2],
  ctr: [1.04, 0.95, 0.97, 1.0, 1.02, 1.05, 1.08],
};

export const NOISE = {
  qualitySd: NOISE_QUALITY_SD,
  impressionsSd: 0.2,
  spendSd: 0.05,
  revenueUniform: [0.8, 1.2] as const,
};

export const FLIGHT_DAYS = 90;

export interface PlantedEffect {
  id: string;
  metric: 'ctr' | 'cvr';
  multiplier: number;
  applies: string;
  /** What in Curator's own analysis reveals the factor. */
  observable: string;
}

export const EFFECTS: readonly PlantedEffect[] = [
  {
    id: 'warm_palette',
    metric: 'ctr',
    multiplier: 1.25,
    applies: 'background palette is warm (oranges, sand, pink-yellow) rather than cool (blues)',
    observable: 'composition.warmth and the dominant palette colours',
  },
  {
    id: 'logo_top_left',
    metric: 'ctr',
    multiplier: 1.15,
    applies: 'the logo sits in the top-left corner (any size); missing logos get no lift',
    observable: 'logo detection: position of the brand mark',
  },
  {
    id: 'offer_headline',
    metric: 'cvr',
    multiplier: 1.2,
    applies: 'the headline offers a percentage discount ("15% off", "-20 %", "25%オフ")',
    observable: 'headline text (OCR) containing a % figure',
  },
  {
    id: 'tiny_disclaimer',
    metric: 'ctr',
    multiplier: 1.0,
    applies: 'NULL EFFECT: a too-small, low-contrast or missing disclaimer changes nothing',
    observable: 'disclaimer text size and contrast (brand QA), not performance',
  },
  {
    id: 'brand_violations',
    metric: 'ctr',
    multiplier: 1.0,
    applies:
      'NULL EFFECT: off-palette colours and tiny or missing logos change nothing by themselves',
    observable: 'brand QA findings',
  },
];

const effect = (id: string) => EFFECTS.find((e) => e.id === id)!.multiplier;

export interface PlacementFactors {
  channel: string;
  campaign: string;
  market: string;
  warm: boolean;
  logoTopLeft: boolean;
  offer: boolean;
  quality: number;
}

function lookup<T>(table: Record<string, T>, key: string, what: string): T {
  const v = table[key];
  if (!v) throw new Error(`performance model has no ${what} baseline for "${key}"`);
  return v;
}

/** CTR before weekday seasonality and sampling noise. */
export function expectedCtr(f: PlacementFactors): number {
  return (
    lookup(CHANNEL_BASELINES, f.channel, 'channel').ctr *
    lookup(CAMPAIGN_BASELINES, f.campaign, 'campaign').ctr *
    lookup(MARKET_BASELINES, f.market, 'market').ctr *
    f.quality *
    (f.warm ? effect('warm_palette') : 1) *
    (f.logoTopLeft ? effect('logo_top_left') : 1)
  );
}

export function expectedCvr(f: PlacementFactors): number {
  return (
    lookup(CHANNEL_BASELINES, f.channel, 'channel').cvr * (f.offer ? effect('offer_headline') : 1)
  );
}

/** `count` consecutive ISO days from `start`. */
export function flightDays(start: string, count = FLIGHT_DAYS): string[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  if (Number.isNaN(t0)) throw new Error(`not an ISO day: ${start}`);
  return Array.from({ length: count }, (_, i) =>
    new Date(t0 + i * 86_400_000).toISOString().slice(0, 10),
  );
}

const cents = (v: number) => Math.round(v * 100) / 100;

/** Daily rows for one placement; the generator is keyed by the placement id, so order never matters. */
export function simulatePlacement(
  placementId: string,
  f: PlacementFactors,
  days: readonly string[],
  seed = 0,
): PerfDaily[] {
  const rng = createRng(`demo-perf:${placementId}${seed ? `:seed-${seed}` : ''}`);
  const ch = lookup(CHANNEL_BASELINES, f.channel, 'channel');
  const market = lookup(MARKET_BASELINES, f.market, 'market');
  const aov = lookup(CAMPAIGN_BASELINES, f.campaign, 'campaign').aov;
  const ctr = expectedCtr(f);
  const cvr = expectedCvr(f);
  const [lo, hi] = NOISE.revenueUniform;
  return days.map((day) => {
    const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
    const impressions = Math.max(
      0,
      Math.round(
        ch.impressions *
          market.volume *
          WEEKDAY.volume[dow]! *
          Math.exp(NOISE.impressionsSd * gaussian(rng)),
      ),
    );
    const clicks = binomial(rng, impressions, Math.min(1, ctr * WEEKDAY.ctr[dow]!));
    const conversions = binomial(rng, clicks, Math.min(1, cvr));
    const spend = cents((impressions / 1000) * ch.cpm * Math.exp(NOISE.spendSd * gaussian(rng)));
    const revenue = cents(conversions * aov * (lo + (hi - lo) * rng()));
    return { placement: placementId, day, impressions, clicks, conversions, spend, revenue };
  });
}
