// Seeded randomness for the demo: every draw comes from a generator keyed by a stable string, so
// the library and its performance history are identical on every run and machine.

import { createRng, hashSeed, type Rng } from '../core/random.ts';

export { createRng, hashSeed, type Rng };

/** Standard normal draw (Box-Muller). */
export function gaussian(rng: Rng): number {
  let u = rng();
  while (u <= Number.EPSILON) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/**
 * Binomial(n, p) draw. Exact by inversion while the mean is small (clicks on a display banner,
 * conversions); a normal approximation once the mean is large enough that it is indistinguishable.
 */
export function binomial(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const mean = n * p;
  if (mean < 40) {
    const q = 1 - p;
    const s = p / q;
    const a = (n + 1) * s;
    let r = q ** n;
    let u = rng();
    let x = 0;
    while (u > r && x < n) {
      u -= r;
      x++;
      r *= a / x - s;
      if (r <= 0) break;
    }
    return x;
  }
  const sd = Math.sqrt(mean * (1 - p));
  return Math.max(0, Math.min(n, Math.round(mean + sd * gaussian(rng))));
}

/** Fisher-Yates shuffle into a new array. */
export function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
