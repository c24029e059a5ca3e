// `npm run evals:attribution`: blind validation of explain-performance. For each seed it builds a
// demo library (`curator demo --seed N`) in a temporary store, runs the vision steps the features
// come from (OCR and the logo) on the placed assets, fits the attribution model for CTR and CVR,
// and only then compares what it found with the demo's planted performance model, which only this
// script reads (the analysis code never sees it). Prints, per planted effect and seed: found
// significant with the right sign, the true size inside the 90% interval, and the interval's
// half-width (goal < 0.15); and how often a null effect was called a driver (goal: at most once
// across all nulls and seeds). Then, for the last 7 days of each campaign's flight and within each
// channel, the Spearman correlation of top-performers' empirical-Bayes ranking of placed assets
// with the true expected CTRs, next to the raw-CTR ranking's; and recommend-budget's proposal for
// that week against the current allocation, in true expected conversions per 100 of spend.
// EVAL_SEEDS=1,2,3 (default), DEMO_MASTERS=N masters per campaign (default 14),
// EVAL_PARTS=attribution,ranking,budget (default all; ranking and budget need no enrichment).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../core/config.ts';
import { createDeps } from '../core/deps.ts';
import { runScript } from '../core/util.ts';
import { buildDemoLibrary } from '../demo/build.ts';
import type { GroundTruth } from '../demo/ground-truth.ts';
import { CHANNEL_BASELINES, EFFECTS } from '../demo/performance-model.ts';
import { attribute } from '../insights/attribution.ts';
import { recommendBudget } from '../insights/budget.ts';
import { topPerformers } from '../insights/top-performers.ts';
import { enrich } from '../search/enrich.ts';

/** The model's planted effects and the feature that should reveal each. */
const PLANTED = [
  { effect: 'warm_palette', feature: 'warm_palette' },
  { effect: 'logo_top_left', feature: 'logo_top_left' },
  { effect: 'offer_headline', feature: 'offer_headline' },
] as const;
/** Features whose effect the model sets to none. */
const NULLS = [
  'off_palette',
  'disclaimer_tiny',
  'disclaimer_low_contrast',
  'disclaimer_missing',
  'logo_tiny',
  'logo_missing',
];

async function main() {
  const seeds = (process.env.EVAL_SEEDS ?? '1,2,3').split(',').map(Number);
  const masters = process.env.DEMO_MASTERS ? Number(process.env.DEMO_MASTERS) : undefined;
  const parts = new Set((process.env.EVAL_PARTS ?? 'attribution,ranking,budget').split(','));
  const lines: string[] = [];
  const tally = { found: 0, inside: 0, narrow: 0, pairs: 0, nullCalls: 0, nullTests: 0 };
  const rank = { eb: [] as number[], raw: [] as number[], better: 0, ties: 0, slices: 0 };
  const budget = { current: [] as number[], proposed: [] as number[], better: 0, runs: 0 };
  for (const seed of seeds) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-evals-attribution-'));
    const deps = await createDeps(
      loadConfig({ DATA_DIR: dir, SURREAL_URL: 'mem://', LOG_LEVEL: 'warn', DEMO_SEED: 'off' }),
    );
    try {
      const t0 = performance.now();
      const built = await buildDemoLibrary(deps, { seed, mastersPerCampaign: masters });
      if (parts.has('attribution')) {
        const placed = [...new Set((await deps.catalog.placements()).map((p) => p.asset))];
        const report = await enrich(deps, { steps: ['ocr', 'logo'], ids: placed, concurrency: 2 });
        const t1 = performance.now();
        const fits = {
          ctr: await attribute(deps, { metric: 'ctr' }),
          cvr: await attribute(deps, { metric: 'cvr' }),
        };
        lines.push(
          `seed ${seed}: ${placed.length} placed assets enriched in ${((t1 - t0) / 1000).toFixed(0)} s (${report.failed.length} failed); CTR fit over ${fits.ctr.sample.masters} masters, ${fits.ctr.sample.placements} placements`,
        );
        for (const { effect, feature } of PLANTED) {
          const truth = EFFECTS.find((e) => e.id === effect)!;
          const fit = fits[truth.metric];
          const e = fit.effects.find((x) => x.feature === feature);
          tally.pairs++;
          if (!e) {
            const why = fit.notEstimated.find((x) => x.feature === feature)?.reason ?? 'absent';
            lines.push(
              `  ${effect} ×${truth.multiplier} ${truth.metric.toUpperCase()}: not estimated (${why})`,
            );
            continue;
          }
          const found = e.significant && e.multiplier > 1 === truth.multiplier > 1;
          const inside = e.low <= truth.multiplier && truth.multiplier <= e.high;
          const half = (e.high - e.low) / 2;
          tally.found += Number(found);
          tally.inside += Number(inside);
          tally.narrow += Number(half < 0.15);
          lines.push(
            `  ${effect} ×${truth.multiplier} ${truth.metric.toUpperCase()}: found ×${e.multiplier} (${e.low}–${e.high}), ±${half.toFixed(3)}; ${found ? 'significant, right sign' : 'NOT significant'}; truth ${inside ? 'inside' : 'OUTSIDE'} the interval${e.warnings.length ? `; ${e.warnings.join('; ')}` : ''}`,
          );
        }
        for (const metric of ['ctr', 'cvr'] as const)
          for (const feature of NULLS) {
            const e = fits[metric].effects.find((x) => x.feature === feature);
            if (!e) continue;
            tally.nullTests++;
            if (e.significant) {
              tally.nullCalls++;
              lines.push(
                `  null ${feature} (${metric}) called a driver: ×${e.multiplier} (${e.low}–${e.high})`,
              );
            }
          }
      }
      const truth = JSON.parse(await readFile(built.groundTruthPath, 'utf8')) as GroundTruth;
      if (parts.has('ranking')) lines.push(...(await rankings(deps, truth, rank)));
      if (parts.has('budget')) lines.push(...(await budgets(deps, truth, budget)));
    } finally {
      await deps.close().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    }
  }
  const summary = [
    `planted effects found significant with the right sign: ${tally.found}/${tally.pairs}; truth inside the 90% interval: ${tally.inside}/${tally.pairs} (goal >= 8 of 9 at 3 seeds); interval narrower than ±0.15: ${tally.narrow}/${tally.pairs}`,
    `null effects called significant: ${tally.nullCalls} of ${tally.nullTests} tests (goal: at most once)`,
    `Spearman with the true expected CTR, within each channel over the last 7 days of each flight: empirical Bayes ${mean(rank.eb).toFixed(3)} vs raw CTR ${mean(rank.raw).toFixed(3)} on average; EB better in ${rank.better} of ${rank.slices} channel-weeks, tied in ${rank.ties}`,
    `budget proposals, true expected conversions per 100 of spend: proposed ${mean(budget.proposed).toFixed(4)} vs current ${mean(budget.current).toFixed(4)} on average (×${(mean(budget.proposed) / mean(budget.current)).toFixed(3)}); proposal better in ${budget.better} of ${budget.runs}`,
  ];
  lines.push(
    ...summary.filter((_, i) => parts.has(i < 2 ? 'attribution' : i === 2 ? 'ranking' : 'budget')),
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Ranks with ties averaged (1-based). */
function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

function spearman(a: readonly number[], b: readonly number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - ma) * (rb[i]! - mb);
    da += (ra[i]! - ma) ** 2;
    db += (rb[i]! - mb) ** 2;
  }
  return da && db ? num / Math.sqrt(da * db) : 0;
}

/** The last day of each campaign's flight, from the ground truth's placements. */
function flights(truth: GroundTruth): { campaign: string; end: string }[] {
  const end = new Map<string, string>();
  for (const p of truth.placements)
    if (!end.has(p.campaign) || end.get(p.campaign)! < p.end) end.set(p.campaign, p.end);
  return [...end].map(([campaign, e]) => ({ campaign, end: e }));
}

async function rankings(
  deps: Awaited<ReturnType<typeof createDeps>>,
  truth: GroundTruth,
  tally: { eb: number[]; raw: number[]; better: number; ties: number; slices: number },
): Promise<string[]> {
  const expected = new Map(truth.placements.map((p) => [p.assetId, p.expectedCtr]));
  const channels = [...new Set(truth.placements.map((p) => p.channel))].sort();
  const out: string[] = [];
  for (const { campaign, end } of flights(truth)) {
    const parts: string[] = [];
    for (const channel of channels) {
      const r = await topPerformers(deps, {
        campaign,
        channel,
        unit: 'asset',
        metric: 'ctr',
        period: 'past 7 days',
        asOf: end,
        minImpressions: 0,
        limit: 50,
      });
      const items = r.items.filter((i) => i.metric && i.raw !== null);
      if (items.length < 3) continue;
      const t = items.map((i) => expected.get(i.asset.id)!);
      const eb = spearman(
        items.map((i) => i.metric!.value),
        t,
      );
      const raw = spearman(
        items.map((i) => i.raw!),
        t,
      );
      tally.eb.push(eb);
      tally.raw.push(raw);
      tally.slices++;
      if (eb > raw + 1e-9) tally.better++;
      else if (Math.abs(eb - raw) <= 1e-9) tally.ties++;
      parts.push(`${channel} ${eb.toFixed(2)} vs ${raw.toFixed(2)} (n=${items.length})`);
    }
    out.push(`  Spearman EB vs raw, ${campaign}, 7 days to ${end}: ${parts.join('; ')}`);
  }
  return out;
}

async function budgets(
  deps: Awaited<ReturnType<typeof createDeps>>,
  truth: GroundTruth,
  tally: { current: number[]; proposed: number[]; better: number; runs: number },
): Promise<string[]> {
  const byId = new Map(truth.placements.map((p) => [p.id, p]));
  // True conversions per unit of spend: CTR x CVR per impression over the channel's cost of one.
  const value = (placement: string) => {
    const p = byId.get(placement)!;
    return (p.expectedCtr * p.expectedCvr * 1000) / CHANNEL_BASELINES[p.channel]!.cpm;
  };
  const out: string[] = [];
  for (const { campaign, end } of flights(truth)) {
    const { proposal: r, allocations: all } = await recommendBudget(deps, {
      campaign,
      asOf: end,
      maxShift: 0.5,
      across: 'creatives',
      limit: 5,
    });
    const per100 = (key: 'current' | 'proposed') =>
      (all.reduce((s, a) => s + a[key] * value(a.placement), 0) /
        all.reduce((s, a) => s + a[key], 0)) *
      100;
    const cur = per100('current');
    const prop = per100('proposed');
    tally.current.push(cur);
    tally.proposed.push(prop);
    tally.runs++;
    if (prop > cur) tally.better++;
    out.push(
      `  budget ${campaign}, week after ${end}: true conversions per 100 proposed ${prop.toFixed(4)} vs current ${cur.toFixed(4)} (×${(prop / cur).toFixed(3)}); the proposal expected ${r.impact.gainPct.value}% (${r.impact.gainPct.low} to ${r.impact.gainPct.high}), moving ${r.shifted} of ${r.budget.current} across ${r.moved} placements`,
    );
  }
  return out;
}

runScript('evals:attribution', main);
