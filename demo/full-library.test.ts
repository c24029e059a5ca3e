import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { buildDemoLibrary, type DemoReport } from './build.ts';
import type { GroundTruth } from './ground-truth.ts';
import { EFFECTS } from './performance-model.ts';

// The one build of the full library (42 masters, ~280 images, 21,600 performance rows). It takes
// 40-60 s on 2 cores, so the rest of the demo tests use a small library.
let env: TestEnv;
let report: DemoReport;
let truth: GroundTruth;

beforeAll(async () => {
  env = await makeTestDeps();
  report = await buildDemoLibrary(env.deps);
  truth = JSON.parse(await readFile(report.groundTruthPath, 'utf8'));
  process.stderr.write(`full demo library built in ${report.elapsedSeconds}s\n`);
}, 300_000);

afterAll(() => env?.cleanup());

describe('the full demo library', () => {
  it('has the promised shape: 40+ masters, 5 channels each, cuts in 3 locales, 90 days per placement', async () => {
    const { assets, catalog, performance } = env.deps;
    const masters = await assets.count({ kind: 'master' });
    expect(masters).toBeGreaterThanOrEqual(40);
    expect(await assets.count({ kind: 'rendition' })).toBe(masters * 5);
    for (const channel of [
      'instagram-feed',
      'instagram-story',
      'facebook-link',
      'display-mrec',
      'web-hero',
    ]) {
      expect(await assets.count({ kind: 'rendition', channel })).toBe(masters);
    }
    for (const locale of ['de-DE', 'fr-FR', 'ja-JP']) {
      expect(await assets.count({ kind: 'localized', locale })).toBeGreaterThanOrEqual(10);
    }
    expect(await assets.count({ kind: 'localized' })).toBe(report.localized);
    expect((await catalog.campaigns()).map((c) => c.slug).sort()).toEqual([
      'holiday-gifting',
      'spring-launch',
      'summer-sale',
    ]);
    for (const c of ['spring-launch', 'summer-sale', 'holiday-gifting']) {
      expect(await assets.count({ campaign: c })).toBeGreaterThan(60);
    }
    const placements = await catalog.placements();
    expect(placements).toHaveLength(report.placements);
    expect(await performance.count()).toBe(placements.length * 90);
    expect(report).toMatchObject({
      masters,
      ingested: report.masters + report.renditions + report.localized,
    });
  });

  it('plants brand breaches of every kind on a minority of masters', () => {
    const breaches = truth.masters.map((m) => truth.assets[m.assetId]!.violations);
    const kinds = new Set(breaches.flat());
    for (const k of [
      'logo_too_small',
      'logo_missing',
      'off_palette',
      'disclaimer_too_small',
      'disclaimer_low_contrast',
      'disclaimer_missing',
    ]) {
      expect(kinds.has(k as never), k).toBe(true);
    }
    const breaking = breaches.filter((v) => v.length > 0).length;
    expect(breaking).toBeGreaterThan(5);
    expect(breaking).toBeLessThan(truth.masters.length / 2);
  });

  it('keeps warm and cool apart in Curator’s own warmth measure for every master', async () => {
    const stored = await env.deps.assets.byIds(truth.masters.map((m) => m.assetId));
    const byId = new Map(stored.map((a) => [a.id, a.composition!.warmth]));
    for (const m of truth.masters) {
      const w = byId.get(m.assetId)!;
      if (m.factors.warmth === 'warm') expect(w, m.slug).toBeGreaterThan(0.1);
      else expect(w, m.slug).toBeLessThan(-0.1);
    }
  });

  it('stores performance in which the warm-palette lift is visible against the documented model', async () => {
    const totals = new Map(
      (await env.deps.performance.totalsByPlacement()).map((t) => [t.placement, t]),
    );
    const warmLift = EFFECTS.find((e) => e.id === 'warm_palette')!.multiplier;
    const factors = new Map(truth.masters.map((m) => [m.assetId, m.factors]));
    // Observed CTR over the model's expectation with the warm effect taken out: warm ≈ 1.25, cool ≈ 1.
    const ratio = { warm: [] as number[], cool: [] as number[] };
    for (const p of truth.placements) {
      const t = totals.get(p.id)!;
      const f = factors.get(p.master)!;
      const base = f.warmth === 'warm' ? p.expectedCtr / warmLift : p.expectedCtr;
      ratio[f.warmth].push(t.clicks / t.impressions / base);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const lift = mean(ratio.warm) / mean(ratio.cool);
    expect(lift).toBeGreaterThan(1.15);
    expect(lift).toBeLessThan(1.35);
  });
});
