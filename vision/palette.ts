// Dominant colours: k-means in CIE Lab over a small downsample, so "coverage" matches what a person sees.

import { createRng } from '../core/random.ts';
import type { PaletteColor } from '../store/models.ts';
import { colourName, deltaE, type Lab, labToRgb, rgbToLab, toHex } from './color.ts';

export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA); transparent pixels (alpha < 128) are left out of the palette. */
  channels: number;
}

/** Distinct colours as flat Lab triples with pixel counts (typed arrays keep the k-means loop fast). */
interface Points {
  lab: Float64Array;
  w: Float64Array;
  n: number;
}

/** Collapse identical 5-bit-per-channel colours first: flat artwork has few, photos a few thousand. */
function histogram(px: Pixels): Points {
  const { data, channels } = px;
  const n = px.width * px.height;
  const sums = new Map<number, number>(); // key -> slot
  const acc: number[] = []; // r, g, b, count per slot
  const collect = (skipTransparent: boolean) => {
    for (let i = 0; i < n; i++) {
      const o = i * channels;
      if (skipTransparent && data[o + 3]! < 128) continue;
      const r = data[o]!;
      const g = data[o + 1]!;
      const b = data[o + 2]!;
      const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
      let slot = sums.get(key);
      if (slot === undefined) {
        slot = acc.length;
        sums.set(key, slot);
        acc.push(0, 0, 0, 0);
      }
      acc[slot]! += r;
      acc[slot + 1]! += g;
      acc[slot + 2]! += b;
      acc[slot + 3]!++;
    }
  };
  collect(channels === 4);
  // Entirely transparent: fall back to the hidden colours rather than report nothing.
  if (acc.length === 0) collect(false);
  const count = acc.length / 4;
  const lab = new Float64Array(count * 3);
  const w = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const c = acc[k * 4 + 3]!;
    const [l, a, bb] = rgbToLab(
      Math.round(acc[k * 4]! / c),
      Math.round(acc[k * 4 + 1]! / c),
      Math.round(acc[k * 4 + 2]! / c),
    );
    lab[k * 3] = l;
    lab[k * 3 + 1] = a;
    lab[k * 3 + 2] = bb;
    w[k] = c;
  }
  return { lab, w, n: count };
}

const dist2 = (p: Float64Array, i: number, c: Float64Array, j: number) => {
  const d0 = p[i * 3]! - c[j * 3]!;
  const d1 = p[i * 3 + 1]! - c[j * 3 + 1]!;
  const d2 = p[i * 3 + 2]! - c[j * 3 + 2]!;
  return d0 * d0 + d1 * d1 + d2 * d2;
};

/** k-means++ seeding over weighted points; stops early when every point sits on a centre. */
function seed(pts: Points, k: number, rand: () => number): Float64Array {
  const centres = new Float64Array(k * 3);
  let first = 0;
  for (let i = 1; i < pts.n; i++) if (pts.w[i]! > pts.w[first]!) first = i;
  centres.set(pts.lab.subarray(first * 3, first * 3 + 3), 0);
  let found = 1;
  const d2 = new Float64Array(pts.n);
  for (let i = 0; i < pts.n; i++) d2[i] = dist2(pts.lab, i, centres, 0);
  while (found < k) {
    let total = 0;
    for (let i = 0; i < pts.n; i++) total += d2[i]! * pts.w[i]!;
    if (total < 1e-9) break;
    let target = rand() * total;
    let pick = pts.n - 1;
    for (let i = 0; i < pts.n; i++) {
      target -= d2[i]! * pts.w[i]!;
      if (target <= 0) {
        pick = i;
        break;
      }
    }
    centres.set(pts.lab.subarray(pick * 3, pick * 3 + 3), found * 3);
    for (let i = 0; i < pts.n; i++) d2[i] = Math.min(d2[i]!, dist2(pts.lab, i, centres, found));
    found++;
  }
  return centres.slice(0, found * 3);
}

export interface PaletteOptions {
  k?: number;
  /** Colours covering less than this share of the image are dropped. */
  minCoverage?: number;
  /** Clusters closer than this (ΔE) are merged: two near-identical reds are one colour to a person. */
  mergeDistance?: number;
}

export function extractPalette(px: Pixels, opts: PaletteOptions = {}): PaletteColor[] {
  const { k = 6, minCoverage = 0.02, mergeDistance = 10 } = opts;
  const pts = histogram(px);
  if (pts.n === 0) return [];
  const centres = seed(pts, Math.min(k, pts.n), createRng(0x9e3779b9));
  const kk = centres.length / 3;
  const assign = new Int32Array(pts.n).fill(-1);
  const sums = new Float64Array(kk * 4);
  for (let iter = 0; iter < 15; iter++) {
    let moved = false;
    for (let i = 0; i < pts.n; i++) {
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      for (let c = 0; c < kk; c++) {
        const d = dist2(pts.lab, i, centres, c);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      if (assign[i] !== best) {
        assign[i] = best;
        moved = true;
      }
    }
    if (!moved) break;
    sums.fill(0);
    for (let i = 0; i < pts.n; i++) {
      const c = assign[i]! * 4;
      const w = pts.w[i]!;
      sums[c]! += pts.lab[i * 3]! * w;
      sums[c + 1]! += pts.lab[i * 3 + 1]! * w;
      sums[c + 2]! += pts.lab[i * 3 + 2]! * w;
      sums[c + 3]! += w;
    }
    for (let c = 0; c < kk; c++) {
      const w = sums[c * 4 + 3]!;
      if (w > 0) for (let d = 0; d < 3; d++) centres[c * 3 + d] = sums[c * 4 + d]! / w;
    }
  }
  let total = 0;
  const weight = new Float64Array(kk);
  for (let i = 0; i < pts.n; i++) {
    weight[assign[i]!]! += pts.w[i]!;
    total += pts.w[i]!;
  }
  const clusters: { lab: Lab; w: number }[] = [];
  for (let c = 0; c < kk; c++) {
    if (weight[c]! > 0)
      clusters.push({
        lab: [centres[c * 3]!, centres[c * 3 + 1]!, centres[c * 3 + 2]!],
        w: weight[c]!,
      });
  }
  clusters.sort((a, b) => b.w - a.w);
  // Merge near-duplicates into the bigger cluster (weighted mean): two near-identical reds are one colour.
  const merged: { lab: Lab; w: number }[] = [];
  for (const c of clusters) {
    const into = merged.find((m) => deltaE(m.lab, c.lab) < mergeDistance);
    if (into) {
      const w = into.w + c.w;
      into.lab = [0, 1, 2].map((i) => (into.lab[i]! * into.w + c.lab[i]! * c.w) / w) as Lab;
      into.w = w;
    } else merged.push({ lab: [...c.lab], w: c.w });
  }
  return merged
    .sort((a, b) => b.w - a.w)
    .filter((c) => c.w / total >= minCoverage)
    .map((c) => {
      const rgb = labToRgb(c.lab);
      const lab = rgbToLab(...rgb);
      return {
        hex: toHex(rgb),
        name: colourName(lab),
        coverage: Math.round((c.w / total) * 1000) / 1000,
        lab: lab.map((v) => Math.round(v * 10) / 10) as Lab,
      };
    });
}

/** "name #hex" of the most covering colours, as lists and cards show them. */
export const topColorLabels = (
  palette: readonly Pick<PaletteColor, 'name' | 'hex' | 'coverage'>[],
  n = 3,
): string[] =>
  [...palette]
    .sort((a, b) => b.coverage - a.coverage)
    .slice(0, n)
    .map((c) => `${c.name} ${c.hex}`);
