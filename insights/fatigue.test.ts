import { describe, expect, it } from 'vitest';
import { binomial, createRng } from '../demo/random.ts';
import { type DayCount, fatigueOf } from './fatigue.ts';

function series(seed: number, perWeek: number, days = 42, impressions = 4000): DayCount[] {
  const rng = createRng(seed);
  return Array.from({ length: days }, (_, d) => {
    const rate = 0.01 * (1 + perWeek) ** (d / 7);
    return {
      day: new Date(Date.UTC(2026, 2, 1) + d * 86_400_000).toISOString().slice(0, 10),
      trials: impressions,
      successes: binomial(rng, impressions, rate),
    };
  });
}

describe('fatigueOf', () => {
  it('flags a creative losing 6% a week, with the slope inside its interval', () => {
    const f = fatigueOf(series(1, -0.06))!;
    expect(f.flagged).toBe(true);
    expect(f.low).toBeLessThan(-0.06);
    expect(f.high).toBeGreaterThan(-0.06);
    expect(f.high).toBeLessThan(0);
    expect(f.overWindow).toBeLessThan(-0.25);
  });

  it('rarely calls a flat creative tired, and gives no trend on too few days', () => {
    let flagged = 0;
    let covered = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const f = fatigueOf(series(seed, 0))!;
      if (f.flagged) flagged++;
      if (f.low <= 0 && f.high >= 0) covered++;
    }
    expect(flagged).toBeLessThanOrEqual(4);
    expect(covered).toBeGreaterThanOrEqual(170);
    expect(fatigueOf(series(1, -0.5, 10))).toBeNull();
  });
});
