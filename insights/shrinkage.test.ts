import { describe, expect, it } from 'vitest';
import { binomial, createRng, gaussian } from '../demo/random.ts';
import { DEFAULT_SPREAD, fitPrior, shrink } from './shrinkage.ts';

describe('empirical-Bayes shrinkage', () => {
  it('measures how much creatives differ beyond binomial noise', () => {
    const rng = createRng(7);
    for (const spread of [0.1, 0.3]) {
      const units = Array.from({ length: 400 }, () => {
        const n = 20_000;
        const p = 0.01 * Math.exp(spread * gaussian(rng));
        return { k: binomial(rng, n, p), e: n * 0.01 };
      });
      const prior = fitPrior(units);
      expect(prior.assumed).toBe(false);
      expect(prior.spread).toBeGreaterThan(spread * 0.75);
      expect(prior.spread).toBeLessThan(spread * 1.3);
    }
  });

  it('never lets 40 impressions beat 400,000 by luck', () => {
    const rng = createRng(11);
    const crowd = Array.from({ length: 50 }, () => ({
      k: binomial(rng, 50_000, 0.01 * Math.exp(0.1 * gaussian(rng))),
      e: 500,
    }));
    const lucky = { k: 4, e: 40 * 0.01 }; // 10% raw CTR on 40 impressions
    const proven = { k: 4_800, e: 400_000 * 0.01 }; // 1.2% on 400,000
    const prior = fitPrior([...crowd, lucky, proven]);
    const a = shrink(lucky, prior);
    const b = shrink(proven, prior);
    expect(a.index).toBeLessThan(b.index);
    // The proven unit keeps its own rate; the lucky one's interval is wide and covers the crowd's.
    expect(b.index).toBeCloseTo(1.2, 1);
    expect(a.low).toBeLessThan(1);
    expect(a.high - a.low).toBeGreaterThan(3 * (b.high - b.low));
    expect(b.low).toBeLessThan(b.index);
    expect(b.high).toBeGreaterThan(b.index);
  });

  it('assumes a stated spread when too few units hold data', () => {
    const prior = fitPrior([
      { k: 3, e: 2 },
      { k: 1, e: 2 },
    ]);
    expect(prior).toMatchObject({ assumed: true, spread: DEFAULT_SPREAD, units: 2 });
  });
});
