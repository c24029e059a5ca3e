// A Poisson GLM with a log link and an exposure offset (clicks on impressions, conversions on
// clicks), fitted by iteratively reweighted least squares with a small ridge penalty, and its
// covariance clustered by creative (the sandwich estimator over masters). The unit of evidence is
// the creative: each design has its own appeal, so outcomes vary between creatives beyond Poisson
// noise, and a model-based covariance over millions of impressions gives intervals far too narrow.
// The cluster-robust one widens them by what the creatives' own spread shows.
import { inverse, Matrix } from 'ml-matrix';

export interface GlmData {
  /** Row-major design matrix, n × p (the first column is usually the intercept). */
  x: Float64Array;
  n: number;
  p: number;
  /** Counts (clicks or conversions). */
  y: Float64Array;
  /** Exposure (impressions or clicks), > 0. */
  exposure: Float64Array;
  /** Cluster of each row (the creative). */
  cluster: Int32Array;
}

export interface GlmFit {
  beta: Float64Array;
  /** Cluster-robust standard errors. */
  se: Float64Array;
  /** Model-based (Poisson) standard errors, for comparison. */
  naiveSe: Float64Array;
  iterations: number;
  clusters: number;
  converged: boolean;
}

/** Ridge on every coefficient but the first (the intercept): keeps sparse dummies finite. */
const RIDGE = 1e-4;

export function fitPoisson(d: GlmData, maxIter = 50): GlmFit {
  const { x, n, p, y, exposure } = d;
  const beta = new Float64Array(p);
  // Start at the overall rate.
  let ys = 0;
  let es = 0;
  for (let i = 0; i < n; i++) {
    ys += y[i]!;
    es += exposure[i]!;
  }
  beta[0] = Math.log(Math.max(ys, 0.5) / es);
  const offset = exposure.map((e) => Math.log(e));
  const mu = new Float64Array(n);
  let converged = false;
  let iterations = 0;
  let info = new Matrix(p, p);
  const eta = (i: number) => {
    let s = offset[i]!;
    for (let j = 0; j < p; j++) s += x[i * p + j]! * beta[j]!;
    return s;
  };
  for (; iterations < maxIter && !converged; iterations++) {
    const xtwx = new Float64Array(p * p);
    const score = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const m = Math.exp(eta(i));
      mu[i] = m;
      const r = y[i]! - m;
      for (let a = 0; a < p; a++) {
        const xa = x[i * p + a]!;
        if (!xa) continue;
        score[a]! += xa * r;
        for (let b = a; b < p; b++) xtwx[a * p + b]! += xa * x[i * p + b]! * m;
      }
    }
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < a; b++) xtwx[a * p + b] = xtwx[b * p + a]!;
      if (a > 0) {
        xtwx[a * p + a]! += RIDGE * Math.max(1, ys);
        score[a]! -= RIDGE * Math.max(1, ys) * beta[a]!;
      }
    }
    info = new Matrix(
      Array.from({ length: p }, (_, a) => Array.from(xtwx.subarray(a * p, a * p + p))),
    );
    const step = inverse(info).mmul(Matrix.columnVector(Array.from(score)));
    let biggest = 0;
    for (let j = 0; j < p; j++) {
      // Newton steps on a log scale are capped: a sparse dummy can otherwise overshoot.
      const s = Math.max(-5, Math.min(5, step.get(j, 0)));
      beta[j]! += s;
      biggest = Math.max(biggest, Math.abs(s));
    }
    converged = biggest < 1e-8;
  }
  for (let i = 0; i < n; i++) mu[i] = Math.exp(eta(i));
  const bread = inverse(info);
  // The meat: per cluster, the sum of its rows' score contributions, outer-multiplied.
  const sums = new Map<number, Float64Array>();
  for (let i = 0; i < n; i++) {
    const g = d.cluster[i]!;
    let s = sums.get(g);
    if (!s) {
      s = new Float64Array(p);
      sums.set(g, s);
    }
    const r = y[i]! - mu[i]!;
    for (let j = 0; j < p; j++) s[j]! += x[i * p + j]! * r;
  }
  const meat = new Matrix(p, p);
  for (const s of sums.values())
    for (let a = 0; a < p; a++)
      for (let b = 0; b < p; b++) meat.set(a, b, meat.get(a, b) + s[a]! * s[b]!);
  const G = sums.size;
  const cov = bread
    .mmul(meat)
    .mmul(bread)
    .mul(G > 1 ? G / (G - 1) : 1);
  const se = new Float64Array(p);
  const naiveSe = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    se[j] = Math.sqrt(Math.max(0, cov.get(j, j)));
    naiveSe[j] = Math.sqrt(Math.max(0, bread.get(j, j)));
  }
  return { beta, se, naiveSe, iterations, clusters: G, converged };
}
