// Builds the demo library into a data folder: the Northpeak brand, three campaigns, five channels,
// 42 master creatives re-laid out for every channel, localized cuts, placements and 90 days of
// daily performance from a documented ground-truth model. Every image goes through Curator's own
// ingestion, so palette, hash and composition come from the pixels. Deterministic: a second run
// renders identical bytes, finds them already stored and adds nothing.
import type { Deps } from '../core/deps.ts';
import { AppError, isAppError } from '../core/errors.ts';
import { pool } from '../core/util.ts';
import { ingestBuffer } from '../ingest/ingest.ts';
import { kindHash } from '../renditions/kinds.ts';
import { channelRecord } from '../renditions/specs.ts';
import type { AssetKind } from '../store/models.ts';
import {
  BRAND_ID,
  BRAND_NAME,
  BRAND_PALETTE,
  BRAND_RULES,
  type LogoSet,
  renderLogos,
} from './brand-kit.ts';
import {
  CAMPAIGNS,
  CHANNELS,
  type ChannelSpec,
  LOCALES,
  LOCALIZED_CHANNEL,
  type Locale,
  MARKET_OF,
  type MasterDesign,
  masterDesigns,
} from './designs.ts';
import { detectCjkFont } from './fonts.ts';
import {
  type AssetTruth,
  factorsOf,
  type GroundTruth,
  layoutTruth,
  type MasterTruth,
  type PlacementTruth,
  violationsOf,
  writeGroundTruth,
} from './ground-truth.ts';
import {
  CAMPAIGN_BASELINES,
  CHANNEL_BASELINES,
  EFFECTS,
  expectedCtr,
  expectedCvr,
  FLIGHT_DAYS,
  flightDays,
  MARKET_BASELINES,
  NOISE,
  type PlacementFactors,
  simulatePlacement,
  WEEKDAY,
} from './performance-model.ts';
import { type RelayoutRecipe, relayoutImage, TEMPLATE } from './relayout.ts';

export interface DemoOptions {
  onProgress?: (step: string, done: number, total: number) => void;
  /** Masters per campaign: 14 (42 in all) by default; tests may ask for a smaller library. */
  mastersPerCampaign?: number;
  /** Designs rendered and ingested at once. */
  concurrency?: number;
  /**
   * 0 (the default) is the library everyone gets; another seed deals the same plan (the same
   * planted effects) over other designs and draws, for checking what analysis finds on several.
   */
  seed?: number;
}

export interface DemoReport {
  brands: number;
  campaigns: number;
  channels: number;
  masters: number;
  renditions: number;
  localized: number;
  placements: number;
  perfRows: number;
  /** New assets stored by this run; the rest were already there (identical bytes). */
  ingested: number;
  duplicates: number;
  assetsWithViolations: number;
  cjkFont: string | null;
  notes: string[];
  groundTruthPath: string;
  elapsedSeconds: number;
}

const CREATOR = 'Northpeak Studio';
const COPYRIGHT = '© 2026 Northpeak Ltd.';
const JPEG = { master: 90, rendition: 85 } as const;

const PRODUCT_NOUN: Record<MasterDesign['product'], string> = {
  bottle: 'water bottle',
  box: 'gift box',
  sneaker: 'trail shoe',
  can: 'drink can',
};
const STYLE_NOUN: Record<MasterDesign['style'], string> = {
  gradient: 'gradient',
  scene: 'mountain scene',
  shapes: 'halo backdrop',
};
const LOCALE_NAME: Record<Locale, string> = {
  'en-US': 'English',
  'de-DE': 'German',
  'fr-FR': 'French',
  'ja-JP': 'Japanese',
};

interface AssetJob {
  design: MasterDesign;
  kind: Exclude<AssetKind, 'variant'>;
  channel?: ChannelSpec;
  locale: Locale;
  width: number;
  height: number;
}

interface Ctx {
  deps: Deps;
  logos: LogoSet;
  cjkFont?: string;
  /** asset id -> job key, to catch two jobs that rendered the same bytes. */
  seen: Map<string, string>;
  assets: Record<string, AssetTruth>;
  counts: { ingested: number; duplicates: number; done: number; total: number };
  onProgress?: DemoOptions['onProgress'];
  /** What drew the designs, for the recipes that re-make them. */
  seed: number;
  perCampaign: number;
}

function jobKey(j: AssetJob): string {
  return [
    j.design.slug,
    j.kind === 'master' ? 'master' : j.channel!.slug,
    j.kind === 'localized' ? j.locale : '',
  ]
    .filter(Boolean)
    .join('-');
}

function describeJob(j: AssetJob): { title: string; description: string; keywords: string[] } {
  const campaign = CAMPAIGNS.find((c) => c.slug === j.design.campaign)!;
  const d = j.design;
  const scene = `${PRODUCT_NOUN[d.product]} on ${d.scheme.label} ${STYLE_NOUN[d.style]}`;
  const where =
    j.kind === 'master'
      ? 'master'
      : j.kind === 'rendition'
        ? j.channel!.name
        : `${j.channel!.name}, ${j.locale}`;
  const origin =
    j.kind === 'master'
      ? `Master artwork ${d.slug}, ${j.width}x${j.height}.`
      : j.kind === 'rendition'
        ? `Re-laid out for ${j.channel!.name} (${j.width}x${j.height}) from master ${d.slug}.`
        : `${LOCALE_NAME[j.locale]} (${j.locale}) cut of the ${j.channel!.name} rendition of ${d.slug}.`;
  const keywords = [
    'northpeak',
    campaign.slug,
    ...PRODUCT_NOUN[d.product].split(' '),
    ...d.scheme.label.split(' ').filter((w) => w !== 'and'),
    STYLE_NOUN[d.style],
    j.kind,
    ...(j.channel ? [j.channel.slug] : []),
    ...(j.kind === 'localized' ? [j.locale] : []),
  ];
  return {
    title: `${campaign.name} — ${where}, ${scene}`,
    description: `${BRAND_NAME} ${campaign.name} creative: ${scene}. ${origin}`,
    keywords: [...new Set(keywords)],
  };
}

/** Renders, ingests and records one image; `master` is unset only for the master itself. */
async function storeAsset(
  ctx: Ctx,
  j: AssetJob,
  lineage: { master?: string; parent?: string } = {},
): Promise<string> {
  const { data, layout } = await relayoutImage(j.design, {
    width: j.width,
    height: j.height,
    locale: j.locale,
    logos: ctx.logos,
    cjkFont: ctx.cjkFont,
    quality: j.kind === 'master' ? JPEG.master : JPEG.rendition,
  });
  const key = jobKey(j);
  const meta = describeJob(j);
  let outcome: Awaited<ReturnType<typeof ingestBuffer>>;
  try {
    outcome = await ingestBuffer(ctx.deps, data, {
      name: `${key}.jpg`,
      sourceRef: `demo:${key}`,
      campaign: j.design.campaign,
      overrides: {
        ...meta,
        creator: CREATOR,
        copyright: COPYRIGHT,
        kind: j.kind,
        status: 'approved',
        channel: j.channel?.slug,
        locale: j.locale,
        tags: [{ name: 'demo', source: 'demo', confidence: 1 }],
      },
    });
  } catch (e) {
    const why = isAppError(e) ? e.message : ((e as Error)?.message ?? String(e));
    throw new AppError('internal', `demo library: could not store ${key}: ${why}`);
  }
  const id = outcome.asset.id;
  const prior = ctx.seen.get(id);
  if (prior && prior !== key) {
    throw new AppError(
      'internal',
      `demo library: ${key} rendered the same bytes as ${prior}; designs must differ`,
    );
  }
  ctx.seen.set(id, key);
  ctx.counts[outcome.status === 'ingested' ? 'ingested' : 'duplicates']++;
  ctx.assets[id] = {
    slug: key,
    kind: j.kind,
    campaign: j.design.campaign,
    master: lineage.master ?? id,
    parent: lineage.parent,
    channel: j.channel?.slug,
    locale: j.locale,
    width: j.width,
    height: j.height,
    violations: violationsOf(j.design, layout),
    layout: layoutTruth(layout),
  };
  ctx.counts.done++;
  ctx.onProgress?.('assets', ctx.counts.done, ctx.counts.total);
  return id;
}

/** How the engine re-makes a rendition or cut: the template laid out again (demo/relayout.ts). */
function relayoutRecipe(
  ctx: Ctx,
  d: MasterDesign,
  channel: ChannelSpec,
  locale: Locale,
): RelayoutRecipe {
  const spec = ctx.deps.specs.get(channel.slug);
  return {
    kind: 'relayout',
    template: TEMPLATE,
    design: d.slug,
    seed: ctx.seed,
    perCampaign: ctx.perCampaign,
    spec: { id: spec.id, version: spec.version },
    width: channel.width,
    height: channel.height,
    locale,
    format: 'jpeg',
    quality: JPEG.rendition,
    ...(locale === 'ja-JP' && ctx.cjkFont ? { cjkFont: ctx.cjkFont } : {}),
  };
}

/** Master, then its renditions (in parallel), then localized cuts of the feed rendition. */
async function buildDesign(ctx: Ctx, d: MasterDesign): Promise<MasterTruth> {
  const masterId = await storeAsset(ctx, {
    design: d,
    kind: 'master',
    locale: 'en-US',
    width: d.width,
    height: d.height,
  });
  const renditions: Record<string, string> = {};
  await Promise.all(
    CHANNELS.map(async (channel) => {
      const id = await storeAsset(
        ctx,
        {
          design: d,
          kind: 'rendition',
          channel,
          locale: 'en-US',
          width: channel.width,
          height: channel.height,
        },
        { master: masterId, parent: masterId },
      );
      const recipe = relayoutRecipe(ctx, d, channel, 'en-US');
      await ctx.deps.graph.relate('derived_from', id, masterId, {
        recipe,
        recipe_hash: kindHash(recipe),
        explanation: `re-laid out from the ${TEMPLATE} template for ${channel.name}`,
      });
      renditions[channel.slug] = id;
    }),
  );
  const localized: Record<string, string> = {};
  if (d.localize) {
    const channel = CHANNELS.find((c) => c.slug === LOCALIZED_CHANNEL)!;
    const source = renditions[channel.slug]!;
    await Promise.all(
      LOCALES.map(async (locale) => {
        const id = await storeAsset(
          ctx,
          {
            design: d,
            kind: 'localized',
            channel,
            locale,
            width: channel.width,
            height: channel.height,
          },
          { master: masterId, parent: source },
        );
        const recipe = relayoutRecipe(ctx, d, channel, locale);
        await ctx.deps.graph.relate('localized_from', id, source, {
          locale,
          recipe,
          recipe_hash: kindHash(recipe),
          explanation: `the ${TEMPLATE} template laid out again in ${locale}`,
        });
        localized[locale] = id;
      }),
    );
  }
  return {
    assetId: masterId,
    slug: d.slug,
    campaign: d.campaign,
    factors: factorsOf(d),
    renditions: sortKeys(renditions),
    localized: sortKeys(localized),
  };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

async function seedCatalog(deps: Deps, logos: LogoSet): Promise<void> {
  const [standard, reversed] = await Promise.all([
    deps.blobs.put(logos.standard.png),
    deps.blobs.put(logos.reversed.png),
  ]);
  await deps.catalog.upsertBrand({
    id: BRAND_ID,
    name: BRAND_NAME,
    palette: BRAND_PALETTE,
    logoBlobKey: standard.key,
    rules: {
      ...BRAND_RULES,
      logoVariants: { standard: standard.key, reversed: reversed.key },
      // Each campaign's disclaimer per locale: what brand QA looks for in the picture.
      disclaimers: CAMPAIGNS.flatMap((c) =>
        Object.entries(c.disclaimer).map(([locale, text]) => ({ campaign: c.slug, locale, text })),
      ),
    },
  });
  // Channel records carry the spec's facts: the specs are the one source of sizes.
  for (const c of CHANNELS)
    await deps.catalog.upsertChannel(channelRecord(deps.specs.get(c.slug), c.name));
  for (const c of CAMPAIGNS) {
    await deps.catalog.upsertCampaign({
      id: c.slug,
      slug: c.slug,
      name: c.name,
      brand: BRAND_ID,
      objective: c.objective,
      startDate: c.start,
      endDate: c.end,
      status: c.slug === 'holiday-gifting' ? 'active' : 'completed',
    });
  }
}

interface PlannedPlacement {
  id: string;
  design: string;
  channel: string;
  locale: Locale;
  start: string;
  end: string;
  factors: PlacementFactors;
}

/** Every rendition runs in the US on its channel; every localized cut in its own market. */
function planPlacements(designs: readonly MasterDesign[]): PlannedPlacement[] {
  const out: PlannedPlacement[] = [];
  const feed = CHANNELS.find((c) => c.slug === LOCALIZED_CHANNEL)!;
  for (const d of designs) {
    const campaign = CAMPAIGNS.find((c) => c.slug === d.campaign)!;
    const add = (channel: ChannelSpec, locale: Locale) => {
      const market = MARKET_OF[locale];
      out.push({
        id: `${d.slug}-${channel.code}-${market.toLowerCase()}`,
        design: d.slug,
        channel: channel.slug,
        locale,
        start: campaign.start,
        end: campaign.end,
        factors: {
          channel: channel.slug,
          campaign: d.campaign,
          market,
          warm: d.scheme.warmth === 'warm',
          logoTopLeft: d.logo.corner === 'top-left' && d.logo.size !== 'none',
          offer: d.headline.offer,
          quality: d.quality,
        },
      });
    };
    for (const c of CHANNELS) add(c, 'en-US');
    if (d.localize) for (const l of LOCALES) add(feed, l);
  }
  return out;
}

export async function buildDemoLibrary(deps: Deps, opts: DemoOptions = {}): Promise<DemoReport> {
  const t0 = performance.now();
  const perCampaign = opts.mastersPerCampaign ?? 14;
  if (!Number.isInteger(perCampaign) || perCampaign < 1 || perCampaign > 40) {
    throw new AppError('invalid_input', 'mastersPerCampaign must be a whole number from 1 to 40');
  }
  const [fonts, logos] = await Promise.all([detectCjkFont(), renderLogos()]);
  const notes: string[] = [];
  if (!fonts.cjkFamily) notes.push(fonts.note);
  await seedCatalog(deps, logos);

  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0)
    throw new AppError('invalid_input', 'seed must be a whole number, 0 or more');
  const designs = masterDesigns(perCampaign, seed);
  const total = designs.reduce(
    (n, d) => n + 1 + CHANNELS.length + (d.localize ? LOCALES.length : 0),
    0,
  );
  const ctx: Ctx = {
    deps,
    logos,
    cjkFont: fonts.cjkFamily,
    seen: new Map(),
    assets: {},
    counts: { ingested: 0, duplicates: 0, done: 0, total },
    onProgress: opts.onProgress,
    seed,
    perCampaign,
  };
  // Placements and their 90 days depend only on the designs, so the daily rows are written while
  // the images render: the database work overlaps the CPU-bound rendering.
  const plan = planPlacements(designs);
  let perfRows = 0;
  const perfDone = (async () => {
    // Small batches: the embedded engine slows down more than linearly with statement size.
    const chunk = 250;
    for (const p of plan) {
      const rows = simulatePlacement(p.id, p.factors, flightDays(p.start, FLIGHT_DAYS), seed);
      for (let i = 0; i < rows.length; i += chunk) {
        await deps.performance.upsertDaily(rows.slice(i, i + chunk), chunk);
      }
      perfRows += rows.length;
    }
  })();
  // Let a failed write surface at the await below instead of as an unhandled rejection.
  perfDone.catch(() => {});

  opts.onProgress?.('assets', 0, total);
  const masters = await pool(designs, opts.concurrency ?? 4, (d) => buildDesign(ctx, d));

  // One placement per rendition in the US, one per localized cut in its own market.
  const bySlug = new Map(masters.map((m) => [m.slug, m]));
  const placements: PlacementTruth[] = plan.map((p) => {
    const m = bySlug.get(p.design)!;
    const assetId = p.locale === 'en-US' ? m.renditions[p.channel] : m.localized[p.locale];
    if (!assetId) throw new AppError('internal', `demo library: no asset for placement ${p.id}`);
    return {
      id: p.id,
      assetId,
      master: m.assetId,
      campaign: p.factors.campaign,
      channel: p.channel,
      market: p.factors.market,
      start: p.start,
      end: p.end,
      expectedCtr: Number(expectedCtr(p.factors).toPrecision(4)),
      expectedCvr: Number(expectedCvr(p.factors).toPrecision(4)),
    };
  });
  for (let i = 0; i < placements.length; i++) {
    const p = placements[i]!;
    await deps.catalog.upsertPlacement({
      id: p.id,
      asset: p.assetId,
      campaign: p.campaign,
      channel: p.channel,
      market: p.market,
      startDate: p.start,
      endDate: p.end,
    });
    opts.onProgress?.('placements', i + 1, placements.length);
  }
  await perfDone;
  opts.onProgress?.('performance', perfRows, plan.length * FLIGHT_DAYS);

  const truth: GroundTruth = {
    version: 1,
    brand: { id: BRAND_ID, name: BRAND_NAME },
    model: {
      summary:
        'CTR = channel x campaign x market x weekday x quality x effects; clicks ~ Binomial(impressions, CTR); ' +
        'conversions ~ Binomial(clicks, CVR). See demo/README.md.',
      effects: EFFECTS,
      channels: CHANNEL_BASELINES,
      campaigns: CAMPAIGN_BASELINES,
      markets: MARKET_BASELINES,
      weekday: WEEKDAY,
      noise: NOISE,
      flightDays: FLIGHT_DAYS,
    },
    fonts: { cjk: Boolean(fonts.cjkFamily), family: fonts.cjkFamily, note: fonts.note },
    masters,
    assets: sortKeys(ctx.assets),
    placements,
  };
  const groundTruthPath = await writeGroundTruth(deps.config.dataDir, truth);

  const assets = Object.values(ctx.assets);
  const report: DemoReport = {
    brands: 1,
    campaigns: CAMPAIGNS.length,
    channels: CHANNELS.length,
    masters: masters.length,
    renditions: assets.filter((a) => a.kind === 'rendition').length,
    localized: assets.filter((a) => a.kind === 'localized').length,
    placements: placements.length,
    perfRows,
    ingested: ctx.counts.ingested,
    duplicates: ctx.counts.duplicates,
    assetsWithViolations: assets.filter((a) => a.violations.length > 0).length,
    cjkFont: fonts.cjkFamily ?? null,
    notes,
    groundTruthPath,
    elapsedSeconds: Math.round((performance.now() - t0) / 100) / 10,
  };
  deps.log.debug({ ...report, notes: undefined }, 'demo library built');
  return report;
}
