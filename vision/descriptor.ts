// The builtin embedding: a deterministic descriptor of an image from the pixels alone, always
// available (no model to download). Three parts, each L2-normalised then weighted:
// - colour: a 4x4x4 histogram over Lab (square-rooted, so one dominant colour does not swamp it);
// - layout: the mean Lab of each cell of a 4x4 grid (where the colours are);
// - edges: gradient orientations (8 bins, weighted by magnitude) in each quadrant (the structure).
// A resized or re-encoded copy lands on nearly the same vector; a different picture does not.
import { rgbToLab } from './color.ts';
import type { Pixels } from './palette.ts';
import { flattenOnWhite, resample } from './resample.ts';

export const BUILTIN_PROVIDER = 'builtin';
/** Bump when the descriptor changes: vectors of another version are recomputed, never mixed. */
export const BUILTIN_MODEL = 'builtin-lab-layout-edges@1';

const GRID = 16;
const PARTS = { colour: 64, layout: 48, edges: 32 } as const;
export const BUILTIN_DIMS = PARTS.colour + PARTS.layout + PARTS.edges;
const WEIGHTS = { colour: 0.6, layout: 0.6, edges: 0.5 };

/** Where each part sits in the vector, to explain a score by its parts. */
export const BUILTIN_PARTS: Record<keyof typeof PARTS, [number, number]> = {
  colour: [0, PARTS.colour],
  layout: [PARTS.colour, PARTS.colour + PARTS.layout],
  edges: [PARTS.colour + PARTS.layout, BUILTIN_DIMS],
};

const normalise = (v: Float32Array, from: number, to: number, weight: number) => {
  let s = 0;
  for (let i = from; i < to; i++) s += v[i]! * v[i]!;
  const k = s > 0 ? weight / Math.sqrt(s) : 0;
  for (let i = from; i < to; i++) v[i]! *= k;
};

/** The descriptor of an image (any size; RGBA is flattened on white), unit length. */
export function builtinDescriptor(img: Pixels): Float32Array {
  const rgb = resample(flattenOnWhite(img), GRID, GRID);
  const v = new Float32Array(BUILTIN_DIMS);
  const L = new Float32Array(GRID * GRID);
  for (let i = 0; i < GRID * GRID; i++) {
    const [l, a, b] = rgbToLab(rgb.data[i * 3]!, rgb.data[i * 3 + 1]!, rgb.data[i * 3 + 2]!);
    L[i] = l;
    const bl = Math.min(3, Math.floor(l / 25));
    const ba = Math.min(3, Math.max(0, Math.floor((a + 64) / 32)));
    const bb = Math.min(3, Math.max(0, Math.floor((b + 64) / 32)));
    v[bl * 16 + ba * 4 + bb]! += 1;
    const x = i % GRID;
    const y = Math.floor(i / GRID);
    const cell = Math.floor(y / 4) * 4 + Math.floor(x / 4);
    const o = PARTS.colour + cell * 3;
    v[o]! += l / 100 / 16;
    v[o + 1]! += a / 128 / 16;
    v[o + 2]! += b / 128 / 16;
  }
  for (let i = 0; i < PARTS.colour; i++) v[i] = Math.sqrt(v[i]!);
  // Sobel on lightness; orientation folded to 0..180 degrees.
  const e = PARTS.colour + PARTS.layout;
  for (let y = 1; y < GRID - 1; y++) {
    for (let x = 1; x < GRID - 1; x++) {
      const p = (dx: number, dy: number) => L[(y + dy) * GRID + x + dx]!;
      const gx = p(1, -1) + 2 * p(1, 0) + p(1, 1) - p(-1, -1) - 2 * p(-1, 0) - p(-1, 1);
      const gy = p(-1, 1) + 2 * p(0, 1) + p(1, 1) - p(-1, -1) - 2 * p(0, -1) - p(1, -1);
      const mag = Math.hypot(gx, gy);
      if (mag < 1) continue;
      const angle = (Math.atan2(gy, gx) + Math.PI) % Math.PI;
      const bin = Math.min(7, Math.floor((angle / Math.PI) * 8));
      const quadrant = (y < GRID / 2 ? 0 : 2) + (x < GRID / 2 ? 0 : 1);
      v[e + quadrant * 8 + bin]! += mag;
    }
  }
  for (const [k, [from, to]] of Object.entries(BUILTIN_PARTS))
    normalise(v, from, to, WEIGHTS[k as keyof typeof WEIGHTS]);
  normalise(v, 0, BUILTIN_DIMS, 1);
  return v;
}

/** Cosine similarity of two unit vectors, overall and per part (each part's own cosine). */
export function explainSimilarity(
  a: Float32Array,
  b: Float32Array,
): { score: number; parts: Record<string, number> } {
  const dot = (from: number, to: number) => {
    let s = 0;
    let na = 0;
    let nb = 0;
    for (let i = from; i < to; i++) {
      s += a[i]! * b[i]!;
      na += a[i]! * a[i]!;
      nb += b[i]! * b[i]!;
    }
    return na && nb ? s / Math.sqrt(na * nb) : 0;
  };
  const parts: Record<string, number> = {};
  for (const [k, [from, to]] of Object.entries(BUILTIN_PARTS)) parts[k] = round(dot(from, to));
  return { score: round(dot(0, BUILTIN_DIMS)), parts };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
