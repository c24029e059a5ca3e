import { afterEach, describe, expect, it } from 'vitest';
import { ingestBuffer } from '../../ingest/ingest.ts';
import { makeImage, makeTestDeps, type TestEnv } from '../../test/helpers.ts';
import { importPerformanceCsv } from './csv.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

async function library() {
  env = await makeTestDeps();
  const { deps } = env;
  for (const [id, name] of [
    ['spring', 'Spring Launch'],
    ['summer', 'Summer Sale'],
  ])
    await deps.catalog.upsertCampaign({ id: id!, slug: id!, name: name!, status: 'active' });
  await deps.catalog.upsertChannel({
    id: 'instagram-feed',
    slug: 'instagram-feed',
    name: 'Instagram feed',
    width: 1080,
    height: 1080,
  });
  const feed = await ingestBuffer(deps, await makeImage({ seed: 1 }), {
    name: 'spring-hero-feed.jpg',
    overrides: { title: 'Spring hero feed' },
  });
  const story = await ingestBuffer(deps, await makeImage({ seed: 2 }), {
    name: 'trail-story.png',
    overrides: { title: 'Trail story' },
  });
  await deps.catalog.upsertPlacement({
    id: 'pl-feed',
    asset: feed.asset.id,
    campaign: 'spring',
    channel: 'instagram-feed',
    market: 'US',
  });
  // One asset in two campaigns: its name alone does not say which placement a row is about.
  await deps.catalog.upsertPlacement({
    id: 'pl-story-spring',
    asset: story.asset.id,
    campaign: 'spring',
    channel: 'instagram-feed',
    market: 'US',
  });
  await deps.catalog.upsertPlacement({
    id: 'pl-story-summer',
    asset: story.asset.id,
    campaign: 'summer',
    channel: 'instagram-feed',
    market: 'US',
  });
  return deps;
}

/** A Google Ads ad report as the UI downloads it: UTF-16LE, tab-separated, title and totals. */
function googleAdsExport(lines: string[]): Buffer {
  const text = ['Ad report', '1 March 2026 - 31 March 2026', ...lines].join('\r\n');
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

describe('importing performance exports', () => {
  it('loads a Google Ads export, reports bad rows with their line numbers, and loads the rest', async () => {
    const deps = await library();
    const file = googleAdsExport([
      'Day\tCampaign\tAd name\tCurrency code\tImpr.\tClicks\tConversions\tCost\tConv. value',
      '2026-03-01\tSpring Launch\tSpring hero feed\tUSD\t"1,200"\t24\t1.00\t$9.60\t64.00',
      '2026-03-01\tSpring Launch\tspring-hero-feed.jpg\tUSD\t800\t8\t0\t6.40\t0',
      '2026-03-02\tSpring Launch\tSpring hero feed\tUSD\t1000\tmany\t0\t8.00\t0',
      '2026-03-03\tSpring Launch\tSpring hero feed\tUSD\t10\t12\t0\t1.00\t0',
      '03/04/2026\tSpring Launch\tSpring hero feed\tUSD\t10\t1\t0\t1.00\t0',
      '2026-03-05\tSpring Launch\tTrail story\tUSD\t500\t5\t0\t2.00\t0',
      '2026-03-05\tSpring Launch\tWinter teaser\tUSD\t500\t5\t0\t2.00\t0',
      'Total: Account\t--\t--\t--\t"3,520"\t50\t1.00\t29.00\t64.00',
    ]);
    const report = await importPerformanceCsv(deps, file, { preset: 'google-ads' });
    expect(report.bad).toEqual([
      { line: 6, reason: 'clicks is not a number: "many"' },
      { line: 7, reason: 'clicks (12) exceed impressions (10)' },
      { line: 8, reason: expect.stringMatching(/day must be YYYY-MM-DD/) },
    ]);
    expect(report.unmatched).toEqual([
      { line: 10, ref: 'Winter teaser', reason: 'no placed asset named "Winter teaser"' },
    ]);
    // The title block and the total row are not data.
    expect(report.skipped.map((s) => s.line)).toEqual([1, 2, 11]);
    expect(report).toMatchObject({ rows: 7, matched: 3, written: 2, placements: 2 });
    const totals = await deps.performance.totalsByPlacement();
    const feed = totals.find((t) => t.placement === 'pl-feed')!;
    // Two rows of one placement and day (its title and its file name) are summed.
    expect(feed).toMatchObject({
      impressions: 2000,
      clicks: 32,
      conversions: 1,
      spend: 16,
      revenue: 64,
    });
    // The campaign column chose between the story's two placements; no placement was invented.
    expect(totals.map((t) => t.placement).sort()).toEqual(['pl-feed', 'pl-story-spring']);
    expect(await deps.catalog.placements()).toHaveLength(3);
  });

  it('does not count rows twice when the same export is imported again', async () => {
    const deps = await library();
    const file = [
      'day,placement,impressions,clicks,conversions,spend,revenue',
      '2026-03-01,pl-feed,1000,10,1,5,40',
      '2026-03-02,pl-feed,1000,12,0,5,0',
    ].join('\n');
    await importPerformanceCsv(deps, file);
    const second = await importPerformanceCsv(deps, file);
    expect(second.written).toBe(2);
    expect(await deps.performance.count()).toBe(2);
    const [t] = await deps.performance.totalsByPlacement();
    expect(t).toMatchObject({ impressions: 2000, clicks: 22, days: 2 });
  });

  it('keeps currencies apart unless a rate is given, and matches Meta ad ids through a mapping', async () => {
    const deps = await library();
    const file = [
      'Reporting starts,Reporting ends,Ad ID,Ad name,Impressions,Link clicks,Purchases,Amount spent (EUR),Purchases conversion value',
      '2026-03-01,2026-03-01,2384001,Trail story,1000,10,1,10.00,50.00',
      '2026-03-01,2026-03-01,2384002,Unknown name,1000,10,1,10.00,50.00',
    ].join('\n');
    const refused = await importPerformanceCsv(deps, file, { preset: 'meta' });
    expect(refused.written).toBe(0);
    expect(refused.bad[0]!.reason).toMatch(/spend is in EUR, the library counts USD: give a rate/);

    await deps.performance.putMappings('meta', [
      { external: '2384001', placement: 'pl-story-summer' },
      { external: '2384002', placement: 'pl-feed' },
    ]);
    const loaded = await importPerformanceCsv(deps, file, { preset: 'meta', rates: { EUR: 1.1 } });
    expect(loaded).toMatchObject({ matched: 2, written: 2, converted: { EUR: 2 } });
    const t = (await deps.performance.totalsByPlacement()).find(
      (x) => x.placement === 'pl-story-summer',
    )!;
    expect(t).toMatchObject({ spend: 11, revenue: 55 });
  });

  it('says which columns it looked for when the file is not the preset it was told', async () => {
    const deps = await library();
    await expect(importPerformanceCsv(deps, 'foo,bar\n1,2\n', { preset: 'cm360' })).rejects.toThrow(
      /no header row with the Campaign Manager 360 .*columns: a day \(Date\)/,
    );
    await expect(importPerformanceCsv(deps, 'x', { preset: 'tiktok' })).rejects.toThrow(
      /unknown preset "tiktok"; presets: google-ads, meta, cm360, generic/,
    );
  });
});
