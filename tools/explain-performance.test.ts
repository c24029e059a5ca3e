import { afterEach, describe, expect, it } from 'vitest';
import { viewText } from '../core/views.ts';
import type { TestEnv } from '../test/helpers.ts';
import { plantedLibrary } from '../test/perf-fixture.ts';
import { invokeTool } from './define-tool.ts';
import { explainPerformance } from './explain-performance.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});
const actor = { actor: { id: 't', surface: 'test' as const } };

describe('explain-performance', () => {
  it('names the data window, the method and the drivers with their intervals', async () => {
    env = await plantedLibrary(2);
    const out = await invokeTool(explainPerformance, { metric: 'ctr' }, env.deps, actor);
    const text = viewText(explainPerformance.view!(out, {} as never));
    expect(text).toMatch(/all data: 2026-03-01 to 2026-03-28 \(asOf 2026-03-28/);
    expect(text).toMatch(/Poisson regression.*clustered by master/);
    expect(text).toMatch(/warm palette \| [\d.]+ \([\d.]+–[\d.]+\) \| driver \(\+2\d%\)/);
    expect(text).toMatch(
      /tiny small print \(under 10 px\) \| [\d.]+ \([\d.]+–[\d.]+\) \| no clear effect/,
    );
    expect(text).toMatch(/logo missing: not estimated \(every asset measured here is without it\)/);
  }, 60_000);

  it('explains one asset by its own features, and one feature on its own', async () => {
    env = await plantedLibrary(2);
    const [placement] = await env.deps.catalog.placements();
    const one = await invokeTool(
      explainPerformance,
      { assetId: placement!.asset },
      env.deps,
      actor,
    );
    expect(one.asset!.features.find((f) => f.feature === 'warm_palette')!.has).toEqual(
      expect.any(Boolean),
    );
    expect(viewText(explainPerformance.view!(one, {} as never))).toMatch(/\| this asset \|/);
    const logo = await invokeTool(
      explainPerformance,
      { feature: 'logo position' },
      env.deps,
      actor,
    );
    expect(logo.effects.map((e) => e.feature)).toEqual(['logo_top_left']);
    await expect(
      invokeTool(explainPerformance, { feature: 'sparkles' }, env.deps, actor),
    ).rejects.toThrow(/no feature matches sparkles; features: warm_palette/);
  }, 60_000);
});
