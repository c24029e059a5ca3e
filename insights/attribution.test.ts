import { afterEach, describe, expect, it } from 'vitest';
import type { TestEnv } from '../test/helpers.ts';
import { plantedLibrary } from '../test/perf-fixture.ts';
import { attribute } from './attribution.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

describe('attribution', () => {
  it('recovers planted effects inside their intervals over several draws, and calls the null a null', async () => {
    const tally = { warmIn: 0, warmSig: 0, logoIn: 0, logoSig: 0, nullSig: 0 };
    const seeds = [1, 2, 3, 4, 5];
    for (const seed of seeds) {
      env = await plantedLibrary(seed);
      const deps = env.deps;
      const out = await attribute(deps, { metric: 'ctr' });
      const effect = (id: string) => out.effects.find((e) => e.feature === id)!;
      console.log(
        seed,
        JSON.stringify(
          out.effects.map((e) => [
            e.feature,
            e.multiplier,
            e.low,
            e.high,
            e.p.toFixed(4),
            e.significant,
          ]),
        ),
      );
      const warm = effect('warm_palette');
      const logo = effect('logo_top_left');
      const tiny = effect('disclaimer_tiny');
      tally.warmIn += Number(warm.low < 1.25 && warm.high > 1.25);
      tally.warmSig += Number(warm.significant);
      tally.logoIn += Number(logo.low < 1.15 && logo.high > 1.15);
      tally.logoSig += Number(logo.significant);
      tally.nullSig += Number(tiny.significant);
      expect(warm.with.masters + warm.without.masters).toBe(40);
      expect(out.sample).toMatchObject({ placements: 120, masters: 40 });
      // Creative-level appeal makes the honest interval wider than a plain Poisson one.
      expect(out.explanation.method).toMatch(
        /clustered by master.*widened the intervals up to [1-9]/,
      );
      expect(out.explanation.method).toMatch(/channel, market and weekday controls/);
      // A feature measured the same way everywhere is said to be not estimable, not zero.
      expect(out.notEstimated.map((f) => f.feature)).toContain('logo_missing');
      await env!.cleanup();
      env = undefined;
    }
    expect(tally.warmSig).toBe(seeds.length);
    expect(tally.logoSig).toBeGreaterThanOrEqual(seeds.length - 1);
    expect(tally.warmIn).toBeGreaterThanOrEqual(seeds.length - 1);
    expect(tally.logoIn).toBeGreaterThanOrEqual(seeds.length - 1);
    expect(tally.nullSig).toBeLessThanOrEqual(1);
  }, 120_000);
});
