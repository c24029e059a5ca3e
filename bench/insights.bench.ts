// bench:insights — the attribution model's fit on 1M generated daily rows, next to the time to
// read the same rows from the store (the floor: the fit cannot be faster than its input), in one
// run; and top-performers p50/p95 on the demo library and on a store of 100k assets with those 1M
// rows, each next to the read of its window's rows. Goals: the fit under 30 s on 2 cores and
// under 3× the read.
// Usage: npm run bench:insights [-- --rows 1000000 --assets 100000 --runs 20 --big-runs 5]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { createDeps, type Deps } from '../core/deps.ts';
import { runScript } from '../core/util.ts';
import { buildDemoLibrary } from '../demo/build.ts';
import { binomial, createRng, gaussian } from '../demo/random.ts';
import { attribute } from '../insights/attribution.ts';
import { type TopPerformersInput, topPerformers } from '../insights/top-performers.ts';
import type { PerfDaily } from '../store/models.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    assets: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '20' },
    'big-runs': { type: 'string', default: '5' },
  },
});
const ROWS = Number(values.rows);
const ASSETS = Number(values.assets);
const RUNS = Number(values.runs);
const BIG_RUNS = Number(values['big-runs']);
/** Each figure as soon as it is measured (stderr), and all of them together at the end (stdout). */
const say = (line: string) => {
  process.stderr.write(`${line}\n`);
  return line;
};
const DAYS = 365;
const CHANNELS = {
  'instagram-feed': 0.009,
  'instagram-story': 0.006,
  'facebook-link': 0.012,
  'display-mrec': 0.0015,
  'web-hero': 0.025,
} as const;
const CAMPAIGNS = ['spring-launch', 'summer-sale', 'holiday-gifting'];
const MARKETS = ['US', 'DE', 'FR', 'JP'];

const ms = (t: number) => `${t.toFixed(0)} ms`;
const s = (t: number) => `${(t / 1000).toFixed(1)} s`;
const pct = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.ceil(q * xs.length) - 1]!;

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await f();
  return [r, performance.now() - t];
}

async function openStore(tag: string): Promise<{ deps: Deps; done: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `curator-bench-insights-${tag}-`));
  const deps = await createDeps(
    loadConfig({ DATA_DIR: dir, SURREAL_URL: 'mem://', LOG_LEVEL: 'warn', DEMO_SEED: 'off' }),
  );
  return {
    deps,
    done: async () => {
      await deps.close().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** top-performers p50/p95 over `RUNS` calls per query, next to the read of the window's rows. */
async function rankTimes(deps: Deps, label: string, queries: TopPerformersInput[], runs: number) {
  const lines: string[] = [];
  for (const q of queries) {
    const times: number[] = [];
    const reads: number[] = [];
    let window = { from: '', to: '' };
    for (let i = 0; i < runs; i++) {
      const [r, t] = await timed(() => topPerformers(deps, q));
      times.push(t);
      window = r.window;
      const [, read] = await timed(() => deps.performance.totalsByPlacement(window));
      reads.push(read);
    }
    const p95 = pct(times, 0.95);
    const floor = pct(reads, 0.5);
    lines.push(
      say(
        `  ${label} ${JSON.stringify({ ...q, minImpressions: undefined, limit: undefined })}: p50 ${ms(pct(times, 0.5))}, p95 ${ms(p95)} over ${runs} runs; reading the window's totals (${window.from} to ${window.to}) p50 ${ms(floor)}: ×${(p95 / floor).toFixed(1)}`,
      ),
    );
  }
  return lines;
}

const QUERIES: TopPerformersInput[] = [
  { unit: 'master', metric: 'ctr', minImpressions: 1000, limit: 10, period: 'last month' },
  {
    unit: 'master',
    metric: 'cvr',
    minImpressions: 1000,
    limit: 10,
    campaign: 'spring launch',
    channel: 'instagram',
  },
  { unit: 'asset', metric: 'roas', minImpressions: 1000, limit: 10, period: 'live' },
];

async function demo(): Promise<string[]> {
  const { deps, done } = await openStore('demo');
  try {
    await buildDemoLibrary(deps, {});
    const rows = await deps.performance.count();
    return [
      `demo library (${(await deps.assets.count()).toLocaleString('en-US')} assets, ${rows.toLocaleString('en-US')} daily rows):`,
      ...(await rankTimes(deps, 'top-performers', QUERIES, RUNS)),
    ];
  } finally {
    await done();
  }
}

/**
 * A store of ASSETS assets: masters with 5 renditions each, placed for DAYS days, enough of them
 * to make ROWS daily rows; the rest unplaced. Features as the vision steps store them.
 */
async function big(): Promise<string[]> {
  const { deps, done } = await openStore('big');
  const lines: string[] = [];
  try {
    const rng = createRng(7);
    for (const slug of CAMPAIGNS)
      await deps.catalog.upsertCampaign({ id: slug, slug, name: slug, status: 'active' });
    for (const slug of Object.keys(CHANNELS))
      await deps.catalog.upsertChannel({ id: slug, slug, name: slug, width: 1080, height: 1080 });
    const placements = Math.ceil(ROWS / DAYS);
    const perMaster = Object.keys(CHANNELS).length;
    const masters = Math.ceil(placements / perMaster);
    const t0 = performance.now();
    const asset = (i: number, kind: 'master' | 'rendition', warm: boolean) => ({
      contentHash: `bench-insights-${i}`,
      originalName: `a${i}.jpg`,
      mime: 'image/jpeg',
      width: 1080,
      height: 1080,
      bytes: 1,
      blobKey: `k${i}`,
      title: `Asset ${i}`,
      description: '',
      keywords: [],
      palette: [],
      kind,
      composition: {
        brightness: 0.5,
        contrast: 0.3,
        colourfulness: 30,
        warmth: warm ? 0.2 : -0.1,
        orientation: 'square' as const,
        aspect: 1,
      },
    });
    let n = 0;
    const rows: PerfDaily[] = [];
    const start = Date.UTC(2025, 11, 1);
    let placed = 0;
    for (let m = 0; m < masters && placed < placements; m++) {
      const warm = rng() < 0.5;
      const topLeft = rng() < 0.4;
      const appeal = Math.exp(0.1 * gaussian(rng));
      const campaign = CAMPAIGNS[m % CAMPAIGNS.length]!;
      const market = MARKETS[m % MARKETS.length]!;
      const [masterId] = await deps.assets.createMany([asset(n++, 'master', warm)]);
      const channels = Object.entries(CHANNELS).slice(0, Math.min(perMaster, placements - placed));
      const ids = await deps.assets.createMany(channels.map(() => asset(n++, 'rendition', warm)));
      for (let c = 0; c < channels.length; c++) {
        const [channel, ctr] = channels[c]!;
        const id = ids[c]!;
        await deps.graph.relate('derived_from', id, masterId!);
        await deps.assets.setLogo(id, {
          model: 'bench',
          assetVersion: 1,
          brand: 'b',
          found: true,
          score: 0.9,
          widthPct: 12,
          zone: topLeft ? 'top-left' : 'bottom-right',
        });
        const pid = `bp-${placed++}`;
        await deps.catalog.upsertPlacement({ id: pid, asset: id, campaign, channel, market });
        const rate = ctr * appeal * (warm ? 1.25 : 1) * (topLeft ? 1.15 : 1);
        for (let d = 0; d < DAYS && rows.length < ROWS; d++) {
          const impressions = Math.round(4000 * Math.exp(0.2 * gaussian(rng)));
          const clicks = binomial(rng, impressions, rate);
          rows.push({
            placement: pid,
            day: new Date(start + d * 86_400_000).toISOString().slice(0, 10),
            impressions,
            clicks,
            conversions: binomial(rng, clicks, 0.03),
            spend: Math.round(impressions * 0.6) / 100,
            revenue: 0,
          });
        }
      }
    }
    const t1 = performance.now();
    for (let i = 0; i < rows.length; i += 50_000)
      await deps.performance.upsertDaily(rows.slice(i, i + 50_000), 1000);
    const t2 = performance.now();
    // The rest of the library: assets with no placement, as most of a DAM is.
    for (let b = n; b < ASSETS; b += 1000) {
      await deps.assets.createMany(
        Array.from({ length: Math.min(1000, ASSETS - b) }, (_, i) =>
          asset(b + i, 'rendition', false),
        ),
      );
    }
    process.stderr.write(
      `seeded ${placed} placements of ${n} assets in ${s(t1 - t0)}, ${rows.length} daily rows in ${s(t2 - t1)}, ${Math.max(ASSETS, n)} assets in all in ${s(performance.now() - t0)}\n`,
    );

    const [read, readMs] = await timed(() => deps.performance.daily());
    say(`read ${read.length} daily rows from the store in ${s(readMs)}`);
    const [fit, fitMs] = await timed(() => attribute(deps, { metric: 'ctr' }));
    say(`attribution fit in ${s(fitMs)}`);
    const [, read2Ms] = await timed(() => deps.performance.daily());
    const floor = Math.min(readMs, read2Ms);
    const warmEffect = fit.effects.find((e) => e.feature === 'warm_palette');
    lines.push(
      say(
        `attribution fit on ${read.length.toLocaleString('en-US')} daily rows (${fit.sample.placements} placements, ${fit.sample.masters} masters): ${s(fitMs)} (goal < 30 s), reading the same rows from the store ${s(floor)}: ×${(fitMs / floor).toFixed(2)} the read (goal < 3×); warm palette found ×${warmEffect?.multiplier} (${warmEffect?.low}–${warmEffect?.high}), planted ×1.25`,
      ),
      `store of ${(await deps.assets.count()).toLocaleString('en-US')} assets and ${read.length.toLocaleString('en-US')} daily rows:`,
      ...(await rankTimes(
        deps,
        'top-performers',
        [
          QUERIES[0]!,
          { ...QUERIES[1]!, campaign: 'spring-launch', channel: 'instagram' },
          QUERIES[2]!,
        ],
        BIG_RUNS,
      )),
    );
    return lines;
  } finally {
    await done();
  }
}

async function main() {
  const out = [...(await demo()), ...(await big())];
  process.stdout.write(`${out.join('\n')}\n`);
}

runScript('bench:insights', main);
