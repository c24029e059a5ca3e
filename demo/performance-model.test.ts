import { describe, expect, it } from 'vitest';
import {
  EFFECTS,
  expectedCtr,
  flightDays,
  type PlacementFactors,
  simulatePlacement,
} from './performance-model.ts';
import { binomial, createRng } from './random.ts';

const base: PlacementFactors = {
  channel: 'instagram-feed',
  campaign: 'spring-launch',
  market: 'US',
  warm: false,
  logoTopLeft: false,
  offer: false,
  quality: 1,
};

/** Pooled CTR and CVR over many simulated placements with the same factors. */
function pooled(f: PlacementFactors, tag: string, n = 60) {
  const days = flightDays('2026-03-02');
  let imp = 0;
  let clk = 0;
  let conv = 0;
  for (let i = 0; i < n; i++) {
    for (const r of simulatePlacement(`${tag}-${i}`, f, days)) {
      imp += r.impressions;
      clk += r.clicks;
      conv += r.conversions;
    }
  }
  return { ctr: clk / imp, cvr: conv / clk };
}

describe('ground-truth performance model', () => {
  it('is deterministic: the same placement id yields the same 90 days', () => {
    const days = flightDays('2026-06-01');
    expect(days).toHaveLength(90);
    expect(days[0]).toBe('2026-06-01');
    expect(days[89]).toBe('2026-08-29');
    const a = simulatePlacement('ss-01-igf-us', base, days);
    const b = simulatePlacement('ss-01-igf-us', base, days);
    expect(a).toEqual(b);
    expect(simulatePlacement('ss-02-igf-us', base, days)).not.toEqual(a);
    for (const r of a) {
      expect(r.clicks).toBeLessThanOrEqual(r.impressions);
      expect(r.conversions).toBeLessThanOrEqual(r.clicks);
    }
  });

  it('plants a +25% CTR lift for warm palettes and +15% for a top-left logo, recoverable from the data', () => {
    const cool = pooled(base, 'cool');
    const warm = pooled({ ...base, warm: true }, 'warm');
    const topLeft = pooled({ ...base, logoTopLeft: true }, 'tl');
    expect(warm.ctr / cool.ctr).toBeGreaterThan(1.2);
    expect(warm.ctr / cool.ctr).toBeLessThan(1.3);
    expect(topLeft.ctr / cool.ctr).toBeGreaterThan(1.1);
    expect(topLeft.ctr / cool.ctr).toBeLessThan(1.2);
  });

  it('lifts conversion rate for offer headlines but not CTR', () => {
    const plain = pooled(base, 'plain', 120);
    const offer = pooled({ ...base, offer: true }, 'offer', 120);
    expect(offer.cvr / plain.cvr).toBeGreaterThan(1.1);
    expect(offer.ctr / plain.ctr).toBeGreaterThan(0.97);
    expect(offer.ctr / plain.ctr).toBeLessThan(1.03);
  });

  it('documents the disclaimer and other brand violations as null effects', () => {
    const nulls = EFFECTS.filter((e) => e.multiplier === 1).map((e) => e.id);
    expect(nulls).toEqual(expect.arrayContaining(['tiny_disclaimer', 'brand_violations']));
  });

  it('gives each channel its own baseline', () => {
    const mrec = expectedCtr({ ...base, channel: 'display-mrec' });
    const hero = expectedCtr({ ...base, channel: 'web-hero' });
    expect(hero / mrec).toBeGreaterThan(10);
    expect(() => expectedCtr({ ...base, channel: 'tiktok' })).toThrow(/no channel baseline/);
  });

  it('shows weekday seasonality: weekends carry more impressions than Mondays', () => {
    const days = flightDays('2026-03-02');
    const byDow = new Array(7).fill(0);
    for (let i = 0; i < 40; i++) {
      for (const r of simulatePlacement(`dow-${i}`, base, days)) {
        byDow[new Date(`${r.day}T00:00:00Z`).getUTCDay()] += r.impressions;
      }
    }
    expect(byDow[6]).toBeGreaterThan(byDow[1] * 1.15);
  });

  it('draws binomial counts with the right mean and spread', () => {
    const rng = createRng('binomial-test');
    for (const [n, p] of [
      [5000, 0.002],
      [20000, 0.01],
    ] as const) {
      const xs = Array.from({ length: 4000 }, () => binomial(rng, n, p));
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
      expect(mean / (n * p)).toBeGreaterThan(0.97);
      expect(mean / (n * p)).toBeLessThan(1.03);
      expect(variance / (n * p * (1 - p))).toBeGreaterThan(0.9);
      expect(variance / (n * p * (1 - p))).toBeLessThan(1.1);
    }
  });
});
