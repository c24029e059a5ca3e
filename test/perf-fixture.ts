// Test support: a library with planted performance effects, for the attribution tests. 40 masters,
// each placed as three renditions over 28 days, their features stored as the vision steps would
// store them (composition, logo, OCR lines).

import type { Deps } from '../core/deps.ts';
import { binomial, createRng, gaussian } from '../demo/random.ts';
import type { PerfDaily } from '../store/models.ts';
import { makeTestDeps, type TestEnv } from './helpers.ts';
import { seedAssets } from './seed.ts';

const CHANNELS = { feed: 0.009, story: 0.006, mrec: 0.002 } as const;

/**
 * 40 masters, each placed as three renditions (one per channel) over 28 days. Planted: warm ×1.25
 * and logo top-left ×1.15 on CTR; tiny small print changes nothing. Each master has its own appeal
 * (LogNormal 0.1), shared by its renditions: the variation a plain Poisson fit ignores. CVR is a
 * flat 3%; spend is 10 a day per placement.
 */
export async function plantedLibrary(seed: number): Promise<TestEnv> {
  const env = await makeTestDeps();
  const { deps } = env;
  await deps.catalog.upsertCampaign({
    id: 'camp',
    slug: 'camp',
    name: 'Campaign',
    status: 'active',
  });
  const rng = createRng(seed);
  // Conversions from a stream of their own, so the clicks stay what the CTR tests were written on.
  const conversionRng = createRng(`${seed}-conversions`);
  const rows: PerfDaily[] = [];
  for (let m = 0; m < 40; m++) {
    const warm = rng() < 0.5;
    const topLeft = rng() < 0.4;
    const tiny = rng() < 0.35;
    const appeal = Math.exp(0.1 * gaussian(rng));
    const master = await deps.assets.create({
      contentHash: `m${m}`,
      originalName: `m${m}.png`,
      mime: 'image/png',
      width: 2400,
      height: 1600,
      bytes: 1,
      blobKey: `t/m${m}`,
      title: `Master ${m}`,
      description: '',
      keywords: [],
      palette: [],
      kind: 'master',
    });
    for (const [channel, ctr] of Object.entries(CHANNELS)) {
      const a = await deps.assets.create({
        contentHash: `m${m}-${channel}`,
        originalName: `m${m}-${channel}.png`,
        mime: 'image/png',
        width: 1080,
        height: 1080,
        bytes: 1,
        blobKey: `t/m${m}-${channel}`,
        title: `Master ${m} ${channel}`,
        description: '',
        keywords: [],
        palette: [],
        kind: 'rendition',
        composition: {
          brightness: 0.5,
          contrast: 0.5,
          colourfulness: 0.5,
          warmth: warm ? 0.2 : -0.1,
          orientation: 'square',
          aspect: 1,
        },
      });
      await deps.graph.relate('derived_from', a.id, master.id);
      await deps.assets.setLogo(a.id, {
        model: 'test',
        assetVersion: 1,
        brand: 'b',
        found: true,
        score: 0.9,
        widthPct: 12,
        zone: topLeft ? 'top-left' : 'bottom-right',
      });
      const line = (text: string, fontPx: number) => ({
        text,
        confidence: 0.99,
        box: { x: 0, y: 0, width: 10, height: fontPx },
        heightPx: fontPx,
        fontPx,
        contrast: 7,
      });
      await deps.assets.setOcr(a.id, {
        model: 'test',
        assetVersion: 1,
        text: '',
        lines: [line('Fresh tracks', 90), line('Offer valid while stocks last', tiny ? 7 : 22)],
      });
      const id = `pl-${m}-${channel}`;
      await deps.catalog.upsertPlacement({
        id,
        asset: a.id,
        campaign: 'camp',
        channel,
        market: 'US',
      });
      const rate = ctr * appeal * (warm ? 1.25 : 1) * (topLeft ? 1.15 : 1);
      for (let d = 1; d <= 28; d++) {
        const impressions = 4000;
        const clicks = binomial(rng, impressions, rate);
        rows.push({
          placement: id,
          day: `2026-03-${String(d).padStart(2, '0')}`,
          impressions,
          clicks,
          conversions: binomial(conversionRng, clicks, 0.03),
          spend: 10,
          revenue: 0,
        });
      }
    }
  }
  await deps.performance.upsertDaily(rows);
  return env;
}

/** Campaign "spring" and one asset titled `title`, placed on Instagram feed as `pl-1`. */
export async function onePlacement(deps: Deps, title = 'hero') {
  await deps.catalog.upsertCampaign({
    id: 'spring',
    slug: 'spring',
    name: 'Spring',
    status: 'active',
  });
  const [asset] = await seedAssets(deps, [{ title }]);
  await deps.catalog.upsertPlacement({
    id: 'pl-1',
    asset: asset!.id,
    campaign: 'spring',
    channel: 'instagram-feed',
  });
  return asset!;
}
