import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECIPE_KINDS } from '../core/recipe-kinds.ts';
import { planDelete } from '../graph/delete.ts';
import { replaceAssetFile } from '../graph/versions.ts';
import { kindHash } from '../renditions/kinds.ts';
import { renditionProcessor } from '../renditions/queue.ts';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { checkBrand } from '../tools/check-brand.ts';
import { invokeTool } from '../tools/define-tool.ts';
import { impactOfChange } from '../tools/impact-of-change.ts';
import { traceLineage } from '../tools/trace-lineage.ts';
import { whereUsed } from '../tools/where-used.ts';
import { buildDemoLibrary, type DemoReport } from './build.ts';
import { GROUND_TRUTH_FILE, type GroundTruth } from './ground-truth.ts';

// A small library (2 masters per campaign) keeps this file fast; full-library.test.ts checks the
// full shape once.
let env: TestEnv;
let first: DemoReport;
let truth: GroundTruth;
const steps = new Set<string>();

beforeAll(async () => {
  env = await makeTestDeps();
  first = await buildDemoLibrary(env.deps, {
    mastersPerCampaign: 2,
    onProgress: (step) => steps.add(step),
  });
  truth = JSON.parse(await readFile(path.join(env.dir, GROUND_TRUTH_FILE), 'utf8'));
}, 120_000);

afterAll(() => env?.cleanup());

async function storeCounts() {
  const { deps } = env;
  return {
    assets: await deps.assets.count(),
    edges: (await deps.graph.edges()).length,
    placements: (await deps.catalog.placements()).length,
    perf: await deps.performance.count(),
    campaigns: (await deps.catalog.campaigns()).length,
    brands: (await deps.catalog.brands()).length,
    channels: (await deps.catalog.channels()).length,
  };
}

describe('buildDemoLibrary (small library)', () => {
  it('stores every generated image through ingestion and reports what it built', async () => {
    expect(first).toMatchObject({
      brands: 1,
      campaigns: 3,
      channels: 5,
      masters: 6,
      renditions: 30,
    });
    expect(first.localized).toBe(9);
    expect(first.ingested).toBe(45);
    expect(first.duplicates).toBe(0);
    expect(first.placements).toBe(30 + 9);
    expect(first.perfRows).toBe(first.placements * 90);
    expect([...steps]).toEqual(['assets', 'placements', 'performance']);
    const c = await storeCounts();
    expect(c).toMatchObject({
      assets: 45,
      placements: 39,
      perf: 39 * 90,
      campaigns: 3,
      brands: 1,
      channels: 5,
    });
    expect(c.edges).toBe(30 + 9);
  });

  it('adds nothing when run a second time', async () => {
    const before = await storeCounts();
    const again = await buildDemoLibrary(env.deps, { mastersPerCampaign: 2 });
    expect(again.ingested).toBe(0);
    expect(again.duplicates).toBe(45);
    expect(await storeCounts()).toEqual(before);
    const rerunTruth: GroundTruth = JSON.parse(await readFile(again.groundTruthPath, 'utf8'));
    expect(Object.keys(rerunTruth.assets).sort()).toEqual(Object.keys(truth.assets).sort());
  });

  it('writes a ground truth whose ids, kinds, channels and locales match the store', async () => {
    const ids = Object.keys(truth.assets);
    const stored = await env.deps.assets.byIds(ids);
    expect(stored).toHaveLength(ids.length);
    for (const a of stored) {
      const t = truth.assets[a.id]!;
      expect(a.kind).toBe(t.kind);
      expect(a.channel).toBe(t.channel);
      expect(a.locale).toBe(t.locale);
      expect([a.width, a.height]).toEqual([t.width, t.height]);
      expect(a.campaigns).toEqual([t.campaign]);
      expect(a.palette.length).toBeGreaterThan(0);
      expect(a.composition).toBeDefined();
    }
    const edges = await env.deps.graph.edges();
    for (const m of truth.masters) {
      expect(Object.keys(m.renditions).sort()).toEqual(
        ['display-mrec', 'facebook-link', 'instagram-feed', 'instagram-story', 'web-hero'].sort(),
      );
      expect(truth.assets[m.assetId]).toMatchObject({ kind: 'master', master: m.assetId });
      for (const id of Object.values(m.renditions)) {
        expect(edges).toContainEqual({ edge: 'derived_from', child: id, parent: m.assetId });
        expect(truth.assets[id]).toMatchObject({ master: m.assetId, parent: m.assetId });
      }
      for (const id of Object.values(m.localized)) {
        expect(truth.assets[id]).toMatchObject({
          master: m.assetId,
          parent: m.renditions['instagram-feed'],
        });
        expect(edges).toContainEqual({
          edge: 'localized_from',
          child: id,
          parent: m.renditions['instagram-feed'],
        });
      }
    }
    const placements = await env.deps.catalog.placements();
    expect(placements.map((p) => p.id).sort()).toEqual(truth.placements.map((p) => p.id).sort());
    for (const p of placements) {
      const t = truth.placements.find((x) => x.id === p.id)!;
      expect(p).toMatchObject({
        asset: t.assetId,
        campaign: t.campaign,
        channel: t.channel,
        market: t.market,
      });
    }
  });

  it('gives every placement 90 days inside its campaign flight', async () => {
    const totals = await env.deps.performance.totalsByPlacement();
    expect(totals).toHaveLength(truth.placements.length);
    for (const t of totals) expect(t.days).toBe(90);
    const spring = truth.placements.find((p) => p.campaign === 'spring-launch')!;
    const inFlight = await env.deps.performance.totalsByPlacement({
      from: spring.start,
      to: spring.end,
    });
    expect(inFlight.find((t) => t.placement === spring.id)?.days).toBe(90);
  });

  it('plants warmth in the pixels: warm masters measure warmer than cool ones in Curator’s analysis', async () => {
    const masters = await env.deps.assets.byIds(truth.masters.map((m) => m.assetId));
    const warmth = (kind: 'warm' | 'cool') =>
      truth.masters
        .filter((m) => m.factors.warmth === kind)
        .map((m) => masters.find((a) => a.id === m.assetId)!.composition!.warmth);
    const warm = warmth('warm');
    const cool = warmth('cool');
    expect(warm.length).toBeGreaterThan(0);
    expect(cool.length).toBeGreaterThan(0);
    expect(Math.min(...warm)).toBeGreaterThan(0.1);
    expect(Math.max(...cool)).toBeLessThan(-0.1);
  });

  it('records a brand-violating master with a tiny logo, and its logo box matches the pixels', async () => {
    const tiny = truth.masters.find((m) => m.factors.logoSize === 'tiny');
    expect(tiny).toBeDefined();
    expect(truth.assets[tiny!.assetId]!.violations).toContain('logo_too_small');
    // Every rendition of that master carries the same finding.
    for (const id of Object.values(tiny!.renditions)) {
      expect(truth.assets[id]!.violations).toContain('logo_too_small');
    }

    // A clean master: the recorded logo box holds the brand's logo, and nowhere else does.
    const clean = truth.masters.find((m) => truth.assets[m.assetId]!.violations.length === 0)!;
    const t = truth.assets[clean.assetId]!;
    const box = t.layout.logo!.box;
    const [asset] = await env.deps.assets.byIds([clean.assetId]);
    const original = await env.deps.blobs.get(asset!.blobKey);
    const [brand] = await env.deps.catalog.brands();
    const variants = brand!.rules.logoVariants as { standard: string; reversed: string };
    const logoKey = t.layout.logo!.variant === 'standard' ? variants.standard : variants.reversed;
    const crop = async (left: number, top: number) =>
      sharp(original)
        .extract({ left, top, width: box.w, height: box.h })
        .removeAlpha()
        .raw()
        .toBuffer();
    // The ground just above the box, to lay the transparent logo on.
    const strip = await sharp(original)
      .extract({ left: box.x, top: Math.max(0, box.y - 4), width: 4, height: 2 })
      .removeAlpha()
      .raw()
      .toBuffer();
    const bg = [0, 1, 2].map((c) => Math.round((strip[c]! + strip[c + 3]! + strip[c + 6]!) / 3));
    const logo = await sharp(await env.deps.blobs.get(logoKey))
      .resize(box.w, box.h, { fit: 'fill' })
      .flatten({ background: { r: bg[0]!, g: bg[1]!, b: bg[2]! } })
      .removeAlpha()
      .raw()
      .toBuffer();
    const diff = (a: Buffer) => a.reduce((s, v, i) => s + Math.abs(v - logo[i]!), 0) / a.length;
    expect(diff(await crop(box.x, box.y))).toBeLessThan(12);
    const elsewhere = await crop(
      Math.round((t.width - box.w) / 2),
      Math.round((t.height - box.h) / 2),
    );
    expect(diff(elsewhere)).toBeGreaterThan(25);
  });

  it('stores the brand with palette roles, rules and a logo blob', async () => {
    const [brand] = await env.deps.catalog.brands();
    expect(brand!.palette.length).toBeGreaterThanOrEqual(4);
    expect(brand!.palette.length).toBeLessThanOrEqual(6);
    expect(brand!.palette.every((c) => c.role)).toBe(true);
    expect(brand!.rules).toMatchObject({
      logo: { minWidthFraction: expect.any(Number) },
      disclaimer: { minFontPx: expect.any(Number), minContrastRatio: 4.5 },
    });
    const logo = await sharp(await env.deps.blobs.get(brand!.logoBlobKey!)).metadata();
    expect(logo.format).toBe('png');
  });

  it('records every rendition and localized cut with a recipe the engine re-makes byte for byte', async () => {
    const { deps } = env;
    const processor = renditionProcessor({
      blobs: deps.blobs,
      specs: deps.specs,
      limits: { maxPixels: 100e6 },
      kinds: RECIPE_KINDS,
    });
    const rows = [
      ...(
        await deps.db.query<[{ in: unknown; recipe: unknown; recipe_hash: string }[]]>(
          'SELECT in, recipe, recipe_hash FROM derived_from',
        )
      )[0],
      ...(
        await deps.db.query<[{ in: unknown; recipe: unknown; recipe_hash: string }[]]>(
          'SELECT in, recipe, recipe_hash FROM localized_from',
        )
      )[0],
    ];
    const kinds = new Set(Object.values(truth.assets).map((a) => a.kind));
    expect(kinds).toEqual(new Set(['master', 'rendition', 'localized']));
    const derived = Object.values(truth.assets).filter((a) => a.kind !== 'master').length;
    expect(rows.length).toBe(derived);
    // Re-made from the recipe alone, a sample in each channel and locale has the stored bytes.
    const sample = rows.filter((_, i) => i % 3 === 0);
    for (const row of sample) {
      expect(kindHash(row.recipe)).toBe(row.recipe_hash);
      const out = await processor(row.recipe);
      const child = await deps.assets.get(String(row.in).replace(/^asset:/, ''));
      expect(out.blobKey, JSON.stringify(row.recipe)).toBe(child.blobKey);
      expect([out.width, out.height]).toEqual([child.width, child.height]);
    }
  }, 120_000);

  it("traces a master's whole lineage in one query per level, with the recipes", async () => {
    const { deps } = env;
    const master = truth.masters.find((m) => Object.keys(m.localized).length > 0)!;
    const family = Object.entries(truth.assets).filter(
      ([id, a]) => a.master === master.assetId && id !== master.assetId,
    );
    const out = await invokeTool(traceLineage, { assetId: master.assetId }, deps, {
      actor: { id: 'test', surface: 'test' },
    });
    expect(out.counts.descendants).toBe(family.length);
    expect(new Set(out.descendants.map((d) => d.id))).toEqual(new Set(family.map(([id]) => id)));
    for (const d of out.descendants) {
      const t = truth.assets[d.id]!;
      expect(d.from).toBe(t.parent);
      expect(d.depth).toBe(t.kind === 'localized' ? 2 : 1);
      expect(d.recipeHash, d.id).toMatch(/^[0-9a-f]{64}$/);
      expect(d.made).toMatch(/northpeak-creative-v1 re-layout for/);
    }
    expect(out.counts.byKind).toEqual({
      rendition: family.filter(([, a]) => a.kind === 'rendition').length,
      localized: family.filter(([, a]) => a.kind === 'localized').length,
    });
    // Up from a localized cut: its rendition, then the master.
    const cut = family.find(([, a]) => a.kind === 'localized')![0];
    const up = await invokeTool(traceLineage, { assetId: cut, direction: 'ancestors' }, deps, {
      actor: { id: 'test', surface: 'test' },
    });
    expect(up.ancestors.map((a) => [a.depth, a.kind])).toEqual([
      [1, 'rendition'],
      [2, 'master'],
    ]);
    expect(up.ancestors[1]!.id).toBe(master.assetId);
    const view = traceLineage.view!(up, traceLineage.input.parse({ assetId: cut }));
    expect(JSON.stringify(view)).toContain('2 ancestors');
  });

  it('says where a master is used: the placements of everything made from it, by campaign', async () => {
    const { deps } = env;
    const master = truth.masters[0]!;
    const out = await invokeTool(whereUsed, { assetId: master.assetId }, deps, {
      actor: { id: 'test', surface: 'test' },
    });
    const expected = truth.placements.filter((p) => p.master === master.assetId);
    expect(out.counts.placements).toBe(expected.length);
    expect(new Set(out.uses.map((u) => u.placement))).toEqual(new Set(expected.map((p) => p.id)));
    expect(out.campaigns.map((c) => c.id)).toEqual([master.campaign]);
    expect(out.uses.every((u) => u.depth >= 1)).toBe(true);
  });

  it('gives the impact of changing a master: derived assets, re-renders, live placements and their spend', async () => {
    const { deps } = env;
    const master = truth.masters[1]!;
    const out = await invokeTool(impactOfChange, { assetId: master.assetId }, deps, {
      actor: { id: 'test', surface: 'test' },
    });
    const family = Object.entries(truth.assets).filter(
      ([id, a]) => a.master === master.assetId && id !== master.assetId,
    );
    expect(out.counts.descendants).toBe(family.length);
    // The demo's renditions and cuts are template re-layouts: drawn from the design, not from the
    // master's pixels, so a new version of the master leaves them for a designer.
    expect(out.counts.rerender).toBe(0);
    expect(out.counts.manual).toBe(family.length);
    const placed = truth.placements.filter((p) => p.master === master.assetId);
    expect(out.counts.placements).toBe(placed.length);
    // The spend matches the store's own rows for those placements over the window.
    const rows = (
      await deps.performance.daily({ from: out.window!.from, to: out.window!.to })
    ).filter((r) => placed.some((p) => p.id === r.placement));
    const spend = rows.reduce((n, r) => n + r.spend, 0);
    expect(out.totals.spend).toBeCloseTo(spend, 1);
    expect(out.totals.conversions).toBe(rows.reduce((n, r) => n + r.conversions, 0));
    expect(out.window!.to).toBe(await deps.performance.latestDay());
  });

  it('checks demo creatives against the brand kit with real OCR and logo detection: a planted tiny logo fails with its size, a clean creative passes', async () => {
    const { deps } = env;
    const ctx = { actor: { id: 'test', surface: 'test' as const } };
    const entries = Object.entries(truth.assets).filter(([, a]) => a.kind === 'master');
    const tiny = entries.find(([, a]) => a.violations.includes('logo_too_small'));
    const clean = entries.find(([, a]) => a.violations.length === 0);
    expect(tiny && clean).toBeTruthy();
    const bad = await invokeTool(checkBrand, { assetId: tiny![0] }, deps, ctx);
    const size = bad.findings.find((f) => f.check === 'logo size');
    const box = tiny![1].layout.logo!.box;
    expect(size).toMatchObject({ verdict: 'fail' });
    // The measured width is the planted one, within a few pixels.
    expect(Number(/\((\d+) px\)/.exec(size!.value)![1])).toBeGreaterThan(box.w - 6);
    expect(Number(/\((\d+) px\)/.exec(size!.value)![1])).toBeLessThan(box.w + 6);
    const good = await invokeTool(checkBrand, { assetId: clean![0] }, deps, ctx);
    expect(good.findings.filter((f) => f.verdict === 'fail')).toEqual([]);
    expect(good.findings.map((f) => f.check)).toEqual(
      expect.arrayContaining([
        'palette',
        'logo size',
        'disclaimer present',
        'disclaimer legibility',
      ]),
    );
  }, 120_000);

  it('refuses to delete a master with dependents, with the reason, and refuses a cycle', async () => {
    const { deps } = env;
    const master = truth.masters.find((m) => Object.keys(m.localized).length > 0)!;
    const family = Object.entries(truth.assets).filter(
      ([id, a]) => a.master === master.assetId && id !== master.assetId,
    );
    await expect(planDelete(deps, master.assetId)).rejects.toThrow(
      new RegExp(`has ${family.length} dependents .* made from it: choose cascade`),
    );
    // With cascade it is still refused: its renditions run in placements.
    await expect(planDelete(deps, master.assetId, 'cascade')).rejects.toThrow(
      /placements? .* archive it instead/,
    );
    const [child] = family.find(([, a]) => a.kind === 'rendition')!;
    await expect(deps.graph.relate('derived_from', master.assetId, child)).rejects.toThrow(
      /a cycle: .* already comes from/,
    );
    await expect(deps.graph.relate('derived_from', child, child)).rejects.toThrow(/itself/);
    expect(await deps.assets.byId(master.assetId)).not.toBeNull();
  });

  it('re-makes exactly the engine-made renditions of a master when it gets a new version, and leaves the template layouts and other assets alone', async () => {
    const { deps } = env;
    const master = truth.masters[0]!;
    const family = Object.entries(truth.assets).filter(
      ([id, a]) => a.master === master.assetId && id !== master.assetId,
    );
    const made = await deps.renditions.request(
      [master.assetId],
      ['display-mrec', 'email-header'].map((s) => deps.specs.get(s)),
    );
    const others = truth.masters.slice(1).map((m) => m.assetId);
    const before = new Map(
      (await deps.assets.byIds([...others, ...family.map(([id]) => id)])).map((a) => [
        a.id,
        a.version,
      ]),
    );
    const m = await deps.assets.get(master.assetId);
    const v2 = await sharp(await deps.blobs.get(m.blobKey))
      .modulate({ brightness: 1.1 })
      .jpeg()
      .toBuffer();
    const out = await replaceAssetFile(deps, master.assetId, v2, {
      by: 'test',
      approvedBy: 'test',
    });
    const r = out.ripple!;
    expect(r.state).toBe('done');
    expect(
      r.items
        .filter((i) => i.state === 'done')
        .map((i) => i.asset)
        .sort(),
    ).toEqual(made.map((x) => x.assetId).sort());
    // The demo's own renditions and cuts are template layouts: listed for a designer, untouched.
    expect(r.items.filter((i) => i.state === 'manual').length).toBe(family.length);
    for (const [id, v] of before) expect((await deps.assets.get(id)).version, id).toBe(v);
    for (const x of made) expect((await deps.assets.get(x.assetId!)).version).toBe(2);
  });
});
