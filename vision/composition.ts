// Whole-image statistics a person would describe: how bright, how contrasty, how colourful, how warm,
// and the frame's shape. Computed on a small RGB downsample (alpha already flattened).
import type { Composition, Orientation } from '../store/models.ts';

const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;

export type Warmth = 'warm' | 'cool' | 'neutral';

/**
 * Warm, cool or neutral from `composition.warmth` (mean (R − B) / 255): warm above +0.05, cool
 * below −0.05, neutral between. A 0.05 lean is about 13 levels of red over blue across the whole
 * frame, about where a person starts to call an image warm or cool; greys, whites and balanced
 * photos stay neutral.
 */
export const WARMTH_THRESHOLD = 0.05;
export function warmthOf(warmth: number): Warmth {
  if (warmth > WARMTH_THRESHOLD) return 'warm';
  if (warmth < -WARMTH_THRESHOLD) return 'cool';
  return 'neutral';
}

export function orientationOf(width: number, height: number): Orientation {
  const aspect = width / height;
  if (Math.abs(aspect - 1) <= 0.02) return 'square';
  return aspect > 1 ? 'landscape' : 'portrait';
}

/**
 * brightness: mean luma 0..1; contrast: RMS contrast (std-dev of luma) 0..~0.5;
 * colourfulness: Hasler–Süsstrunk M on 0..255 channels (≈0 grey, 33 moderate, 59 quite, 82+ highly);
 * warmth: mean (R − B) / 255 in −1..1, positive is warm; aspect: width / height of the full image.
 */
export function compositionStats(
  rgb: Uint8Array,
  channels: number,
  size: { width: number; height: number },
): Composition {
  const n = Math.floor(rgb.length / channels);
  let sumY = 0;
  let sumY2 = 0;
  let sumRg = 0;
  let sumRg2 = 0;
  let sumYb = 0;
  let sumYb2 = 0;
  let sumWarm = 0;
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    const r = rgb[o]!;
    const g = rgb[o + 1]!;
    const b = rgb[o + 2]!;
    const y = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    sumY += y;
    sumY2 += y * y;
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    sumRg += rg;
    sumRg2 += rg * rg;
    sumYb += yb;
    sumYb2 += yb * yb;
    sumWarm += (r - b) / 255;
  }
  const mean = (s: number) => (n ? s / n : 0);
  const std = (s: number, s2: number) => Math.sqrt(Math.max(0, mean(s2) - mean(s) ** 2));
  const colourfulness =
    Math.hypot(std(sumRg, sumRg2), std(sumYb, sumYb2)) + 0.3 * Math.hypot(mean(sumRg), mean(sumYb));
  return {
    brightness: round(mean(sumY)),
    contrast: round(std(sumY, sumY2)),
    colourfulness: round(colourfulness, 1),
    warmth: round(mean(sumWarm)),
    orientation: orientationOf(size.width, size.height),
    aspect: round(size.width / size.height, 4),
  };
}
