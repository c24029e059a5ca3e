// `npm run bench:graph`: impact-of-change (the tool, as every surface calls it) on generated
// graphs of 10k and 100k assets: masters with five levels below them (renditions, localized cuts,
// and renditions of those, each edge with its recipe or locale), placements on the upper levels,
// and 90 days of performance. p50/p95 over many masters, next to the same answer computed with one
// query per hop (each node's children, each node's placements, each placement's window of days),
// in the same run on the same store; both answers are checked to agree.
// Goal: p95 < 50 ms at 10k assets and < 150 ms at 100k.
//
//   npm run bench:graph [-- --sizes 10000,100000 --runs 40]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { shiftDay } from '../core/dates.ts';
import { createDeps, type Deps } from '../core/deps.ts';
import { rid } from '../store/ids.ts';
import type { NewAsset, PerfDaily } from '../store/models.ts';
import { invokeTool } from '../tools/define-tool.ts';
import { impactOfChange } from '../tools/impact-of-change.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    runs: { type: 'string', default: '40' },
  },
});
const SIZES = values.sizes.split(',').map(Number);
const RUNS = Number(values.runs);
const DAYS = 90;
const START = '2026-08-01';
/** Children per node at each level below a master: 4 renditions, 2 cuts each, then 2, 2, 1. */
const FAN = [4, 2, 2, 2, 1];
/** Assets per master: 1 + 4 + 8 + 16 + 32 + 32. */
const PER_MASTER = (() => {
  let n = 1;
  let level = 1;
  for (const f of FAN) {
    level *= f;
    n += level;
  }
  return n;
})();
const SPECS = ['instagram-story', 'web-hero', 'display-mrec', 'email-header'];
const LOCALES = ['de-DE', 'fr-FR'];

const say = (s: string) => process.stdout.write(`${s}\n`);
const ms = (n: number) => `${n.toFixed(1)} ms`;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

function asset(n: number, kind: NewAsset['kind']): NewAsset {
  return {
    contentHash: `graph-bench-${n}`,
    originalName: `a${n}.jpg`,
    mime: 'image/jpeg',
    width: 1200,
    height: 800,
    bytes: 100_000,
    blobKey: `bench/${n}`,
    title: `${kind} ${n}`,
    description: '',
    keywords: [],
    palette: [],
    kind,
    status: 'approved',
  };
}

/** Masters and their trees, placements on the first two levels, 90 days of rows each. */
export async function seed(deps: Deps, size: number): Promise<string[]> {
  const masters = Math.max(1, Math.round(size / PER_MASTER));
  const campaigns = 10;
  for (let c = 0; c < campaigns; c++) {
    await deps.catalog.upsertCampaign({
      id: `c${c}`,
      slug: `c${c}`,
      name: `Campaign ${c}`,
      status: c % 3 === 2 ? 'completed' : 'active',
    });
  }
  const rootIds: string[] = [];
  let n = 0;
  let placementN = 0;
  const perf: PerfDaily[] = [];
  const edges: {
    kind: 'derived_from' | 'localized_from';
    child: string;
    parent: string;
    data: object;
  }[] = [];
  const placements: { id: string; asset: string; campaign: string; channel: string }[] = [];
  for (let m = 0; m < masters; m++) {
    const [root] = await deps.assets.createMany([asset(n++, 'master')]);
    rootIds.push(root!);
    let level = [root!];
    for (const [depth, fan] of FAN.entries()) {
      const kind = depth === 1 ? 'localized' : 'rendition';
      const ids = await deps.assets.createMany(
        level.flatMap(() => Array.from({ length: fan }, () => asset(n++, kind))),
      );
      ids.forEach((id, i) => {
        const parent = level[Math.floor(i / fan)]!;
        const spec = SPECS[i % SPECS.length]!;
        edges.push(
          kind === 'localized'
            ? { kind: 'localized_from', child: id, parent, data: { locale: LOCALES[i % 2] } }
            : {
                kind: 'derived_from',
                child: id,
                parent,
                data: {
                  recipe: {
                    source: `bench/${parent}`,
                    spec: { id: spec, version: 1 },
                    fit: 'smart-crop',
                    keep: [],
                    format: 'jpeg',
                    quality: 86,
                    metadata: 'strip',
                  },
                  recipe_hash: `h${id}`,
                },
              },
        );
        // The first two levels run in campaigns: a rendition and one cut of each.
        if (depth === 0 || (depth === 1 && i % 2 === 0)) {
          const pid = `gp${placementN++}`;
          placements.push({ id: pid, asset: id, campaign: `c${m % campaigns}`, channel: spec });
          for (let d = 0; d < DAYS; d++) {
            const impressions = 1000 + ((m * 31 + d * 7 + i) % 900);
            perf.push({
              placement: pid,
              day: shiftDay(START, d),
              impressions,
              clicks: Math.round(impressions * 0.012),
              conversions: (m + d + i) % 5,
              spend: Math.round(impressions * 0.55) / 100,
              revenue: 0,
            });
          }
        }
      });
      level = ids;
    }
  }
  for (const kind of ['derived_from', 'localized_from'] as const) {
    const rows = edges.filter((e) => e.kind === kind);
    for (let i = 0; i < rows.length; i += 500) {
      await deps.db.query(
        `FOR $e IN $batch { LET $c = $e.child; LET $p = $e.parent; RELATE $c->${kind}->$p CONTENT $e.data RETURN NONE; }`,
        {
          batch: rows.slice(i, i + 500).map((e) => ({
            child: rid('asset', e.child),
            parent: rid('asset', e.parent),
            data: e.data,
          })),
        },
      );
    }
  }
  for (const p of placements) await deps.catalog.upsertPlacement(p);
  for (let i = 0; i < perf.length; i += 20_000)
    await deps.performance.upsertDaily(perf.slice(i, i + 20_000), 1000);
  return rootIds;
}

/** The same answer, one query per hop: each node's children, placements, and window totals. */
async function perHop(deps: Deps, root: string, window: { from: string; to: string }) {
  const seen = new Set([root]);
  let frontier = [root];
  while (frontier.length) {
    const next: string[] = [];
    for (const id of frontier) {
      const [rows] = await deps.db.query<[{ d: string[]; l: string[]; v: string[] }[]]>(
        'SELECT <-derived_from.in AS d, <-localized_from.in AS l, <-variant_of.in AS v FROM $id',
        { id: rid('asset', id) },
      );
      for (const r of rows ?? []) {
        for (const c of [...r.d, ...r.l, ...r.v].map(String)) {
          const key = c.replace(/^asset:/, '').replace(/[⟨⟩`]/g, '');
          if (!seen.has(key)) {
            seen.add(key);
            next.push(key);
          }
        }
      }
    }
    frontier = next;
  }
  let placements = 0;
  let spend = 0;
  let conversions = 0;
  for (const id of seen) {
    const [ps] = await deps.db.query<[{ id: unknown }[]]>(
      'SELECT id FROM placement WHERE asset = $a',
      { a: rid('asset', id) },
    );
    for (const p of ps ?? []) {
      placements++;
      const [t] = await deps.db.query<[{ spend: number; conversions: number }[]]>(
        `SELECT math::sum(spend) AS spend, math::sum(conversions) AS conversions FROM perf_daily
         WHERE placement = $p AND day >= $from AND day <= $to GROUP ALL`,
        { p: p.id, ...window },
      );
      spend += t?.[0]?.spend ?? 0;
      conversions += t?.[0]?.conversions ?? 0;
    }
  }
  return { descendants: seen.size - 1, placements, spend, conversions };
}

async function runSize(size: number) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-bench-graph-'));
  const deps = await createDeps(
    loadConfig({
      DATA_DIR: dir,
      SURREAL_URL: 'mem://',
      LOG_LEVEL: 'warn',
      DEMO_SEED: 'off',
      ENRICH_ON_START: 'off',
    }),
  );
  try {
    const t0 = performance.now();
    const roots = await seed(deps, size);
    const assets = await deps.assets.count();
    say(
      `\n${assets.toLocaleString('en-US')} assets (${roots.length} masters × ${PER_MASTER}), ${(await deps.catalog.placements()).length} placements, ${(await deps.performance.count()).toLocaleString('en-US')} daily rows; seeded in ${(
        (performance.now() - t0) / 1000
      ).toFixed(0)} s`,
    );
    const ctx = { actor: { id: 'bench', surface: 'cli' as const } };
    const pick = (i: number) => roots[(i * 7919) % roots.length]!;
    // Warm both paths once (listing index, query plans).
    const warm = await invokeTool(impactOfChange, { assetId: pick(0) }, deps, ctx);
    await perHop(deps, pick(0), warm.window!);
    const tool: number[] = [];
    const hop: number[] = [];
    let agreed = 0;
    for (let i = 1; i <= RUNS; i++) {
      const id = pick(i);
      // Interleaved, so both sides see the same machine state.
      let t = performance.now();
      const out = await invokeTool(impactOfChange, { assetId: id }, deps, ctx);
      tool.push(performance.now() - t);
      t = performance.now();
      const naive = await perHop(deps, id, out.window!);
      hop.push(performance.now() - t);
      const same =
        naive.descendants === out.counts.descendants &&
        naive.placements === out.counts.placements &&
        Math.abs(naive.spend - out.totals.spend) < 0.01 * Math.max(1, naive.spend) &&
        naive.conversions === out.totals.conversions;
      if (!same) {
        throw new Error(
          `answers differ for ${id}: tool ${JSON.stringify({ ...out.counts, ...out.totals })}, per hop ${JSON.stringify(naive)}`,
        );
      }
      agreed++;
    }
    if (process.env.BENCH_SAMPLES) say(`tool samples: ${tool.map((x) => x.toFixed(0)).join(' ')}`);
    const goal = size <= 10_000 ? 50 : 150;
    const p95 = pct(tool, 95);
    say(
      `impact-of-change   p50 ${ms(pct(tool, 50))}  p95 ${ms(p95)}   (${RUNS} masters, ${PER_MASTER - 1} descendants each)`,
    );
    say(`one query per hop  p50 ${ms(pct(hop, 50))}  p95 ${ms(pct(hop, 95))}`);
    say(
      `ratio (per hop / tool): p50 ${(pct(hop, 50) / pct(tool, 50)).toFixed(1)}×  p95 ${(pct(hop, 95) / p95).toFixed(1)}×; answers agree ${agreed}/${RUNS}; goal p95 < ${goal} ms: ${p95 < goal ? 'met' : 'NOT met'}`,
    );
  } finally {
    await deps.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  say(`bench:graph — impact-of-change vs one query per hop (${RUNS} runs per size)`);
  for (const size of SIZES) await runSize(size);
  process.exit(0);
}
