import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/agent.ts';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { createApp } from '../web-chat/app.ts';
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
    const masters = await assets.count({ kind: ['master'] });
    expect(masters).toBeGreaterThanOrEqual(40);
    expect(await assets.count({ kind: ['rendition'] })).toBe(masters * 5);
    for (const channel of [
      'instagram-feed',
      'instagram-story',
      'facebook-link',
      'display-mrec',
      'web-hero',
    ]) {
      expect(await assets.count({ kind: ['rendition'], channel: [channel] })).toBe(masters);
    }
    for (const locale of ['de-DE', 'fr-FR', 'ja-JP']) {
      expect(await assets.count({ kind: ['localized'], locale: [locale] })).toBeGreaterThanOrEqual(
        10,
      );
    }
    expect(await assets.count({ kind: ['localized'] })).toBe(report.localized);
    expect((await catalog.campaigns()).map((c) => c.slug).sort()).toEqual([
      'holiday-gifting',
      'spring-launch',
      'summer-sale',
    ]);
    for (const c of ['spring-launch', 'summer-sale', 'holiday-gifting']) {
      expect(await assets.count({ campaign: [c] })).toBeGreaterThan(60);
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

describe('the demo library as a new user meets it', () => {
  const maya = { id: 'maya', surface: 'test' as const };
  const api = async (q: string) => {
    const res = await createApp(env.deps).request(`http://127.0.0.1:3000/api/assets?${q}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('every filter the issue found empty returns its matches, across pages, with a total that agrees', async () => {
    for (const q of [
      'campaign=spring-launch',
      'campaign=summer-sale',
      'orientation=portrait',
      'locale=ja-JP',
      'locale=de-DE',
      'campaign=holiday&kind=master',
    ]) {
      const ids: string[] = [];
      let cursor = '';
      let total = -1;
      do {
        const { status, body } = await api(`${q}&limit=17${cursor ? `&cursor=${cursor}` : ''}`);
        expect(status, q).toBe(200);
        total = body.total as number;
        ids.push(...(body.items as { id: string }[]).map((i) => i.id));
        cursor = (body.next as string | null) ?? '';
      } while (cursor);
      expect(total, q).toBeGreaterThan(0);
      expect(ids.length, q).toBe(total);
      expect(new Set(ids).size, q).toBe(total);
    }
  });

  it('answers limit=100 with 100 items, and an unknown parameter with the accepted ones', async () => {
    const { status, body } = await api('limit=100');
    expect(status).toBe(200);
    expect(body.items).toHaveLength(100);
    const bad = await api('campain=spring');
    expect(bad.status).toBe(400);
    expect((bad.body.error as { message: string }).message).toMatch(
      /unknown query parameter "campain".*accepted: .*campaign/,
    );
  });

  it('"archive everything from the summer sale" leaves one pending action for all of its assets', async () => {
    const summer = await env.deps.assets.count({ campaign: ['summer-sale'] });
    expect(summer).toBeGreaterThan(90);
    const r = await createAgent(env.deps).run({
      message: 'archive everything from the summer sale',
      actor: maya,
    });
    expect(r.pending).toHaveLength(1);
    expect(r.pending[0]!.targetCount).toBe(summer);
    expect(r.pending[0]!.summary).toMatch(
      new RegExp(
        `${summer} assets \\(campaign Summer Sale: \\d+ renditions, \\d+ masters, \\d+ localized\\)`,
      ),
    );
    expect(await env.deps.assets.count({ status: ['archived'] })).toBe(0);
  });

  it('"which masters in the holiday campaign are waiting for review" resolves the campaign', async () => {
    const r = await createAgent(env.deps).run({
      message: 'which masters in the holiday campaign are waiting for review?',
      actor: maya,
    });
    const call = r.toolCalls.find((c) => c.name === 'list-assets')!;
    expect(call.error).toBeUndefined();
    expect((call.output as { read: string[] }).read).toContain('campaign Holiday Gifting');
    expect(call.input).toMatchObject({ kind: 'master', status: 'needs_review' });
    expect(r.answer).toMatch(/Holiday Gifting/);
  });

  it('"show warm assets" returns the warm masters (precision and recall ≥ 0.9 against the ground truth)', async () => {
    const agent = createAgent(env.deps);
    const r = await agent.run({ message: 'show me the warm master assets, top 100', actor: maya });
    const call = r.toolCalls.find((c) => c.name === 'list-assets')!;
    expect(call.input).toMatchObject({ warmth: 'warm', kind: 'master' });
    const got = new Set((call.output as { items: { id: string }[] }).items.map((i) => i.id));
    const warm = new Set(
      truth.masters.filter((m) => m.factors.warmth === 'warm').map((m) => m.assetId),
    );
    const hits = [...got].filter((id) => warm.has(id)).length;
    expect(hits / got.size).toBeGreaterThanOrEqual(0.9);
    expect(hits / warm.size).toBeGreaterThanOrEqual(0.9);
    // And in plain words, over every kind of asset.
    const plain = await agent.run({ message: 'show warm assets', actor: maya });
    expect(plain.toolCalls[0]).toMatchObject({ name: 'list-assets', input: { warmth: 'warm' } });
  });
});
