// bench:list — list p50/p95 through the list-assets path (names resolved, listing index, cards)
// for each filter alone and for pairs, at 10k and 100k generated assets, next to the same filter
// done as a plain in-memory loop over the same rows (the baseline), in one run. Each list is timed
// warm (back to back) and cold (right after the baseline swept every row through the CPU caches).
// Usage: npm run bench:list [-- --sizes 10000,100000 --runs 60]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { listAssets } from '../assets/list.ts';
import type { Selection } from '../assets/selection.ts';
import { loadConfig } from '../core/config.ts';
import { createDeps } from '../core/deps.ts';
import { createRng } from '../core/random.ts';
import { deltaE2000, hexToRgb, rgbToLab } from '../vision/color.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    runs: { type: 'string', default: '60' },
  },
});
const SIZES = values.sizes!.split(',').map(Number);
const RUNS = Number(values.runs);

const CAMPAIGNS = ['spring-launch', 'summer-sale', 'holiday-gifting'];
const CHANNELS = ['instagram-feed', 'instagram-story', 'facebook-link', 'display-mrec', 'web-hero'];
const STATUSES = ['draft', 'needs_review', 'approved', 'archived'] as const;
const KINDS = ['master', 'rendition', 'localized', 'variant'] as const;
const ORIENTATIONS = ['landscape', 'portrait', 'square'] as const;
const LOCALES = ['de-DE', 'fr-FR', 'ja-JP'];

interface Row {
  campaign: string;
  channel?: string;
  status: string;
  kind: string;
  orientation: string;
  locale?: string;
  warmth: number;
  palette: { lab: [number, number, number]; coverage: number }[];
  order: number;
}

const FILTERS: [string, Selection, (r: Row) => boolean][] = (() => {
  const [tl, ta, tb] = rgbToLab(...hexToRgb('#008080'));
  // A plain loop with no spread arguments: the baseline should not make garbage that the
  // collector then pauses for in the middle of the index's measured queries.
  const byColour = (r: Row) => {
    for (const p of r.palette) {
      if (p.coverage >= 0.05 && deltaE2000(tl, ta, tb, p.lab[0], p.lab[1], p.lab[2]) <= 10) {
        return true;
      }
    }
    return false;
  };
  const singles: [string, Selection, (r: Row) => boolean][] = [
    ['campaign', { campaign: 'summer sale' }, (r) => r.campaign === 'summer-sale'],
    ['channel', { channel: 'instagram-story' }, (r) => r.channel === 'instagram-story'],
    ['channel group', { channel: 'instagram' }, (r) => !!r.channel?.startsWith('instagram-')],
    ['status', { status: 'needs_review' }, (r) => r.status === 'needs_review'],
    ['orientation', { orientation: 'portrait' }, (r) => r.orientation === 'portrait'],
    ['kind', { kind: 'localized' }, (r) => r.kind === 'localized'],
    ['locale', { locale: 'German' }, (r) => r.locale === 'de-DE'],
    ['warmth', { warmth: 'warm' }, (r) => r.warmth > 0.05],
    ['colour', { colour: 'teal' }, byColour],
  ];
  const pairs: [string, Selection, (r: Row) => boolean][] = [];
  for (let i = 0; i < singles.length; i++) {
    for (let j = i + 1; j < singles.length; j++) {
      const [a, sa, fa] = singles[i]!;
      const [b, sb, fb] = singles[j]!;
      if (a.startsWith('channel') && b.startsWith('channel')) continue;
      pairs.push([`${a} + ${b}`, { ...sa, ...sb }, (r) => fa(r) && fb(r)]);
    }
  }
  return [['none', {}, () => true], ...singles, ...pairs];
})();

interface Result {
  p50: number;
  p95: number;
  cold50: number;
  cold95: number;
  base50: number;
  base95: number;
  total: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

async function measure(n: number) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-bench-list-'));
  const deps = await createDeps(
    loadConfig({ DATA_DIR: dir, SURREAL_URL: 'mem://', LOG_LEVEL: 'warn', DEMO_SEED: 'off' }),
  );
  const rng = createRng(n);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
  for (const slug of CAMPAIGNS) {
    await deps.catalog.upsertCampaign({
      id: slug,
      slug,
      name: slug.replace(/-/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()),
      status: 'active',
    });
  }
  for (const slug of CHANNELS) {
    await deps.catalog.upsertChannel({
      id: slug,
      slug,
      name: slug.replace('-', ' '),
      width: 1080,
      height: 1080,
    });
  }
  const rows: Row[] = [];
  const t0 = performance.now();
  for (let b = 0; b < n; b += 1000) {
    const batch: Row[] = [];
    for (let i = b; i < Math.min(n, b + 1000); i++) {
      batch.push({
        campaign: pick(CAMPAIGNS),
        channel: rng() < 0.2 ? undefined : pick(CHANNELS),
        status: pick(STATUSES),
        kind: pick(KINDS),
        orientation: pick(ORIENTATIONS),
        locale: rng() < 0.7 ? undefined : pick(LOCALES),
        warmth: Math.round((rng() * 0.6 - 0.3) * 1000) / 1000,
        palette: Array.from({ length: 3 + Math.floor(rng() * 4) }, () => ({
          lab: [rng() * 100, rng() * 160 - 80, rng() * 160 - 80] as [number, number, number],
          coverage: Math.round(rng() * 400) / 1000,
        })),
        order: i,
      });
    }
    await deps.assets.createMany(
      batch.map((r) => ({
        contentHash: `bench-list-${n}-${r.order}`,
        originalName: `a${r.order}.jpg`,
        mime: 'image/jpeg',
        width: 1200,
        height: 1200,
        bytes: 1,
        blobKey: `k${r.order}`,
        title: `Asset ${r.order}`,
        description: '',
        keywords: [],
        palette: r.palette.map((p) => ({ hex: '#808080', name: 'grey', ...p })),
        composition: {
          brightness: 0.5,
          contrast: 0.2,
          colourfulness: 30,
          warmth: r.warmth,
          orientation: r.orientation as 'square',
          aspect: 1,
        },
        status: r.status as 'draft',
        kind: r.kind as 'master',
        channel: r.channel,
        locale: r.locale,
        campaigns: [r.campaign],
        createdAt: new Date(Date.UTC(2026, 0, 1) + r.order * 1000),
      })),
    );
    rows.push(...batch);
  }
  process.stderr.write(`seeded ${n} assets in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  const l0 = performance.now();
  await deps.assets.count();
  process.stderr.write(
    `listing index built from the store in ${(performance.now() - l0).toFixed(0)} ms\n`,
  );
  // Let the seeding burst age out of the watermark's look-back window.
  await new Promise((r) => setTimeout(r, 2500));
  const out: Record<string, Result> = {};
  for (const [name, sel, match] of FILTERS) {
    const warm: number[] = [];
    const cold: number[] = [];
    const base: number[] = [];
    let total = 0;
    for (let k = 0; k < RUNS; k++) {
      const b = performance.now();
      // Baseline: the same filter as a plain loop over the rows, newest first, first 20 + count.
      let count = 0;
      const first: Row[] = [];
      for (let i = rows.length - 1; i >= 0; i--) {
        const r = rows[i]!;
        if (!match(r)) continue;
        count++;
        if (first.length < 20) first.push(r);
      }
      base.push(performance.now() - b);
      // Cold: right after the baseline swept every row through the CPU caches.
      const a = performance.now();
      const page = await listAssets(deps, { ...sel, limit: 20 });
      cold.push(performance.now() - a);
      total = page.total;
      if (count !== total) throw new Error(`${name}: index says ${total}, loop says ${count}`);
    }
    // Warm: one list after another, as a server answering people paging and asking.
    for (let k = 0; k < RUNS; k++) {
      const a = performance.now();
      await listAssets(deps, { ...sel, limit: 20 });
      warm.push(performance.now() - a);
    }
    out[name] = {
      p50: pct(warm, 50),
      p95: pct(warm, 95),
      cold50: pct(cold, 50),
      cold95: pct(cold, 95),
      base50: pct(base, 50),
      base95: pct(base, 95),
      total,
    };
  }
  await deps.close();
  await rm(dir, { recursive: true, force: true });
  return out;
}

const f = (x: number) => x.toFixed(3).padStart(7);

function print(n: number, r: Record<string, Result>) {
  console.log(
    `\n${n} assets, ${RUNS} runs per filter (ms; warm = lists back to back; cold = each list right after the baseline swept all rows; baseline = the same filter as a plain JS loop)`,
  );
  console.log(
    `${'filter'.padEnd(28)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'cold p50'.padStart(8)} ${'cold p95'.padStart(8)} ${'base p50'.padStart(9)} ${'base p95'.padStart(9)}  cold p95 / base p95  matches`,
  );
  for (const [name, v] of Object.entries(r)) {
    console.log(
      `${name.padEnd(28)} ${f(v.p50)} ${f(v.p95)} ${f(v.cold50).padStart(8)} ${f(v.cold95).padStart(8)} ${f(v.base50).padStart(9)} ${f(v.base95).padStart(9)}  ${(v.cold95 / v.base95).toFixed(2).padStart(18)}×  ${v.total}`,
    );
  }
}

async function main() {
  const results = new Map<number, Record<string, Result>>();
  // Each size is printed as soon as it is measured: a long run still leaves its first tables.
  for (const n of SIZES) {
    const r = await measure(n);
    results.set(n, r);
    print(n, r);
  }
  if (results.size >= 2) {
    const [small, large] = [...results.keys()]
      .sort((a, b) => a - b)
      .filter((_, i, a) => i === 0 || i === a.length - 1);
    const s = results.get(small!)!;
    const l = results.get(large!)!;
    const worst = (key: 'p95' | 'cold95') =>
      Object.entries(l).sort((a, b) => b[1][key] - a[1][key])[0]!;
    const growth = (key: 'p95' | 'cold95') => {
      let most = { name: '', x: 0 };
      for (const k of Object.keys(l)) {
        const x = l[k]![key] / s[k]![key];
        if (x > most.x) most = { name: k, x };
      }
      return most;
    };
    for (const [key, label] of [
      ['p95', 'warm'],
      ['cold95', 'cold'],
    ] as const) {
      const w = worst(key);
      const g = growth(key);
      console.log(
        `\n${label}: worst p95 at ${large}: ${w[1][key].toFixed(2)} ms (${w[0]}); goal < 25 ms`,
      );
      console.log(
        `${label}: largest p95 growth ${small} → ${large}: ${g.x.toFixed(2)}× (${g.name}, ${s[g.name]![key].toFixed(3)} → ${l[g.name]![key].toFixed(3)} ms); goal ≤ 3×`,
      );
    }
  }
  process.exit(0);
}

void main();
