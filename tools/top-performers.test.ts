import { afterEach, describe, expect, it } from 'vitest';
import { viewText } from '../core/views.ts';
import { createRng, gaussian } from '../demo/random.ts';
import { ingestBuffer } from '../ingest/ingest.ts';
import type { PerfDaily } from '../store/models.ts';
import { makeImage, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { invokeTool } from './define-tool.ts';
import { topPerformers } from './top-performers.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

const actor = { actor: { id: 't', surface: 'test' as const } };

/**
 * Eight masters in one campaign, each with a feed rendition; "strong" also has a story rendition.
 * April is the window that "last month" means on data ending 30 May.
 */
type Place = (
  master: string,
  channel: string,
  days: Record<string, [number, number]>,
) => Promise<void>;
async function library(more?: (place: Place) => Promise<void>) {
  env = await makeTestDeps();
  const { deps } = env;
  await deps.catalog.upsertCampaign({
    id: 'spring',
    slug: 'spring-launch',
    name: 'Spring Launch',
    status: 'active',
  });
  for (const slug of ['instagram-feed', 'instagram-story', 'web-hero'])
    await deps.catalog.upsertChannel({
      id: slug,
      slug,
      name: slug.replace('-', ' '),
      width: 1080,
      height: 1080,
    });
  const rng = createRng(5);
  const rows: PerfDaily[] = [];
  const masters: Record<string, string> = {};
  let seed = 1;
  const place: Place = async (master, channel, days) => {
    const r = await ingestBuffer(deps, await makeImage({ seed: seed++ }), {
      name: `${master}-${channel}.jpg`,
      overrides: { kind: 'rendition', title: `${master} ${channel}`, channel },
    });
    await deps.graph.relate('derived_from', r.asset.id, masters[master]!);
    const id = `${master}-${channel}`;
    await deps.catalog.upsertPlacement({
      id,
      asset: r.asset.id,
      campaign: 'spring',
      channel,
      market: 'US',
    });
    for (const [day, [impressions, clicks]] of Object.entries(days))
      rows.push({
        placement: id,
        day,
        impressions,
        clicks,
        conversions: Math.round(clicks * 0.03),
        spend: impressions / 100,
        revenue: clicks * 2,
      });
  };
  for (const name of ['strong', 'lucky', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']) {
    const m = await ingestBuffer(deps, await makeImage({ seed: seed++ }), {
      name: `${name}.jpg`,
      overrides: { kind: 'master', title: `Master ${name}` },
    });
    masters[name] = m.asset.id;
  }
  // strong: 1.5% on 100k impressions in April; in May (outside the window) it collapses.
  await place('strong', 'instagram-feed', {
    '2026-04-10': [60_000, 900],
    '2026-05-20': [50_000, 50],
  });
  await place('strong', 'instagram-story', { '2026-04-11': [40_000, 600] });
  // lucky: 4 clicks on 40 impressions, a 10% raw CTR.
  await place('lucky', 'instagram-feed', { '2026-04-12': [40, 4] });
  for (const c of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) {
    const ctr = 0.01 * Math.exp(0.1 * gaussian(rng));
    await place(c, 'instagram-feed', {
      '2026-04-15': [50_000, Math.round(50_000 * ctr)],
      '2026-05-30': [1000, 10],
    });
  }
  await more?.(place);
  await deps.performance.upsertDaily(rows);
  return { deps, masters };
}

describe('top-performers', () => {
  it('ranks hero images (masters) by all their renditions, over "last month" read against the data', async () => {
    const { deps, masters } = await library();
    const out = await invokeTool(
      topPerformers,
      { campaign: 'spring', channel: 'Instagram', period: 'last month', minImpressions: 0 },
      deps,
      actor,
    );
    expect(out.window).toMatchObject({ from: '2026-04-01', to: '2026-04-30', asOf: '2026-05-30' });
    expect(out.read.join(' ')).toMatch(/masters \(key visuals\).*renditions and cuts/);
    expect(out.items[0]!.asset.id).toBe(masters.strong);
    expect(out.items[0]!.placements).toBe(2);
    expect(out.items[0]!.impressions).toBe(100_000);
    // 40 impressions at a 10% raw CTR do not beat 100,000 at 1.5%.
    const lucky = out.items.find((i) => i.asset.id === masters.lucky)!;
    expect(lucky.raw).toBeCloseTo(0.1);
    expect(lucky.rank).toBeGreaterThan(1);
    expect(lucky.metric!.value).toBeLessThan(0.02);
    for (const i of out.items) {
      expect(i.metric!.low).toBeLessThanOrEqual(i.metric!.value);
      expect(i.metric!.high).toBeGreaterThanOrEqual(i.metric!.value);
    }
    const text = viewText(topPerformers.view!(out, {} as never));
    expect(text).toMatch(
      /last month: 2026-04-01 to 2026-04-30 \(asOf 2026-05-30, latest day with data\)/,
    );
    expect(text).toMatch(/90% credible intervals/);
  });

  it('leaves thin units out of the ranking at a minimum volume, and says so', async () => {
    const { deps, masters } = await library();
    const out = await invokeTool(
      topPerformers,
      { campaign: 'spring', period: 'last month' },
      deps,
      actor,
    );
    expect(out.items.map((i) => i.asset.id)).not.toContain(masters.lucky);
    expect(out.belowVolume).toBe(1);
    expect(out.explanation.caveats.join(' ')).toMatch(/1 masters? under 1,000 impressions/);
  });

  it('ranks each placed asset by CVR or CPA, the worst first when asked', async () => {
    const { deps } = await library();
    const cpa = await invokeTool(
      topPerformers,
      { metric: 'cpa', unit: 'asset', minImpressions: 0 },
      deps,
      actor,
    );
    const values = cpa.items.filter((i) => i.metric).map((i) => i.metric!.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    const worst = await invokeTool(topPerformers, { worst: true, unit: 'asset' }, deps, actor);
    const ctrs = worst.items.map((i) => i.metric!.value);
    expect(ctrs).toEqual([...ctrs].sort((a, b) => a - b));
  });

  it("reads a placed asset with its master's other placements (two-level shrinkage)", async () => {
    // On stories, c1 and "strong" show the same raw CTR on thin data; strong's feed and story say
    // its creative is better, c1's feed says it is average.
    const { deps, masters } = await library((place) =>
      place('c1', 'instagram-story', { '2026-04-12': [2000, 30] }),
    );
    const out = await invokeTool(
      topPerformers,
      { channel: 'instagram-story', unit: 'asset', minImpressions: 0, period: 'in April' },
      deps,
      actor,
    );
    const [first, second] = out.items;
    expect(first!.asset.title).toBe('strong instagram-story');
    expect(second!.asset.title).toBe('c1 instagram-story');
    expect(second!.raw).toBeCloseTo(first!.raw!, 3);
    expect(second!.metric!.value).toBeLessThan(first!.metric!.value);
    expect(out.explanation.method).toMatch(/pulled toward its master's index/);
    // A master with one placed asset lends it nothing: 40 impressions keep a wide interval.
    const feed = await invokeTool(
      topPerformers,
      { channel: 'instagram-feed', unit: 'asset', minImpressions: 0, period: 'in April' },
      deps,
      actor,
    );
    const lucky = feed.items.find((i) => i.asset.title === 'lucky instagram-feed')!;
    expect(lucky.metric!.high / lucky.metric!.low).toBeGreaterThan(1.3);
    expect(masters.c1).toBeDefined();
  });

  it('flags creative fatigue with its slope and interval, and only where the rate falls', async () => {
    const days = (perWeek: number) =>
      Object.fromEntries(
        Array.from({ length: 28 }, (_, d): [string, [number, number]] => [
          `2026-04-${String(d + 1).padStart(2, '0')}`,
          [5000, Math.round(5000 * 0.02 * (1 + perWeek) ** (d / 7))],
        ]),
      );
    const { deps } = await library(async (place) => {
      await place('c3', 'instagram-story', days(-0.12));
      await place('c4', 'instagram-story', days(0));
    });
    const out = await invokeTool(
      topPerformers,
      { channel: 'instagram-story', unit: 'asset', period: 'in April' },
      deps,
      actor,
    );
    const by = (t: string) => out.items.find((i) => i.asset.title === t)!;
    const tired = by('c3 instagram-story').fatigue!;
    expect(tired.flagged).toBe(true);
    expect(tired.low).toBeLessThan(-0.12);
    expect(tired.high).toBeGreaterThan(-0.12);
    expect(by('c4 instagram-story').fatigue!.flagged).toBe(false);
    expect(by('strong instagram-story').fatigue).toBeNull();
    expect(out.explanation.caveats.join(' ')).toMatch(
      /creative fatigue: c3 instagram-story \(-1\d(\.\d)?% a week, 90% -\d+(\.\d)? to -\d+(\.\d)?\) is falling/,
    );
    expect(viewText(topPerformers.view!(out, {} as never))).toMatch(/trend %\/week \(90%\)/);
  });

  it('says clearly when nothing ran in the scope or the words are not a window', async () => {
    const { deps } = await library();
    await expect(invokeTool(topPerformers, { channel: 'web-hero' }, deps, actor)).rejects.toThrow(
      /no placements ran for/,
    );
    await expect(
      invokeTool(topPerformers, { period: 'sometime soon' }, deps, actor),
    ).rejects.toThrow(/could not read "sometime soon" as a time window/);
  });
});
