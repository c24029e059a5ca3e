// Empirical-Bayes shrinkage of rates, so 40 impressions never beat 400,000 by luck.
//
// Each unit (an asset, or a master with all its renditions and cuts) has successes k (clicks, or
// conversions) out of trials, and an expected count e: what its trials would give at the base
// rate of the channels they ran in. Its index θ = rate / expected rate is modelled as
//   k ~ Poisson(e · θ),   θ ~ Gamma(a, a)   (mean 1: a unit is as good as its channels)
// and the prior's strength `a` is estimated from the units themselves (DerSimonian–Laird, method
// of moments: the spread of k/e beyond Poisson noise). The posterior is Gamma(a + k, a + e): a
// unit with little data stays near 1, one with much data keeps its own rate. Channel mixes are
// handled by `e`, so a master shown mostly in stories is not penalised for stories' lower CTR.
import gammaQuantile from '@stdlib/stats-base-dists-gamma-quantile';

export interface RateUnit {
  /** Successes: clicks for CTR, conversions for CVR. */
  k: number;
  /** Expected successes at the base rates of the unit's channels. */
  e: number;
}

export interface Prior {
  /** Gamma(a, a): a larger `a` pulls harder toward the channels' rate. */
  a: number;
  /** The between-unit spread of the index it implies (1/√a), as a fraction. */
  spread: number;
  /** How many units it was estimated from. */
  units: number;
  /** True when too few units held data and a default spread was assumed. */
  assumed: boolean;
}

/** Creative-to-creative spread assumed when there are too few units to measure it (15%). */
export const DEFAULT_SPREAD = 0.15;
/** Between-unit spreads are kept within these bounds (1% .. 200%). */
const MIN_SPREAD = 0.01;
const MAX_SPREAD = 2;

export function fitPrior(units: readonly RateUnit[]): Prior {
  const used = units.filter((u) => u.e > 0);
  const assumed = (n: number): Prior => ({
    a: 1 / DEFAULT_SPREAD ** 2,
    spread: DEFAULT_SPREAD,
    units: n,
    assumed: true,
  });
  if (used.length < 5) return assumed(used.length);
  const K = used.reduce((s, u) => s + u.k, 0);
  const E = used.reduce((s, u) => s + u.e, 0);
  if (K === 0) return assumed(used.length);
  const m = K / E;
  // r = k / e has Poisson variance m / e around θ·m: weights are e / m.
  let q = 0;
  let sw = 0;
  let sw2 = 0;
  for (const u of used) {
    const w = u.e / m;
    q += w * (u.k / u.e - m) ** 2;
    sw += w;
    sw2 += w * w;
  }
  const tau2 = Math.max(0, (q - (used.length - 1)) / (sw - sw2 / sw));
  const spread = Math.min(MAX_SPREAD, Math.max(MIN_SPREAD, Math.sqrt(tau2) / m));
  return { a: 1 / spread ** 2, spread, units: used.length, assumed: false };
}

export interface Shrunk {
  /** Posterior mean of the index (1 = the channels' rate). */
  index: number;
  low: number;
  high: number;
}

/** The unit's index with its central credible interval (90% by default). */
export function shrink(u: RateUnit, prior: Prior, level = 0.9): Shrunk {
  const shape = prior.a + u.k;
  const rate = prior.a + u.e;
  const tail = (1 - level) / 2;
  return {
    index: shape / rate,
    low: gammaQuantile(tail, shape, rate),
    high: gammaQuantile(1 - tail, shape, rate),
  };
}
