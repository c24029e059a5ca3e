// Small area-average resampling in plain JS: turning the 512 px decode into the 64 px analysis image
// and the 32x32 pHash input costs less here than another trip through libvips.
import type { Pixels } from './palette.ts';

/** Largest size with the same aspect ratio that fits in `max`x`max`; never enlarges. */
export function fitInside(
  width: number,
  height: number,
  max: number,
): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/**
 * Area-average to `width`x`height` (any aspect: pHash squashes to a square); nearest neighbour when
 * enlarging. With 4 channels colour is weighted by alpha, so transparent pixels do not bleed their
 * hidden colour. One pass over the source with per-row accumulators.
 */
export function resample(src: Pixels, width: number, height: number): Pixels {
  const { data, width: sw, height: sh, channels: ch } = src;
  if (sw < width || sh < height) return nearest(src, width, height);
  const out = new Uint8Array(width * height * ch);
  // Boxes of 8x8 or more are estimated from every other row and column: a quarter of the work, and
  // the mean colour of a box barely moves.
  const step = sw >= width * 8 && sh >= height * 8 ? 2 : 1;
  const xmap = new Int32Array(sw); // source column -> accumulator offset
  for (let x = 0; x < sw; x++) xmap[x] = Math.floor((x * width) / sw) * 4;
  // Integer sums: [c0, c1, c2, weight] per output column; weight is alpha (RGBA) or a count.
  // Uint32 holds 255*255 per sample for boxes of up to 65k samples, far beyond the 8x8 used here.
  const acc = new Uint32Array(width * 4);
  const count = new Uint32Array(width);
  let dy = 0;
  const flush = () => {
    for (let dx = 0; dx < width; dx++) {
      const a = dx * 4;
      const w = acc[a + 3]!;
      const o = (dy * width + dx) * ch;
      const div = w || 1;
      out[o] = Math.round(acc[a]! / div);
      if (ch >= 3) {
        out[o + 1] = Math.round(acc[a + 1]! / div);
        out[o + 2] = Math.round(acc[a + 2]! / div);
      }
      if (ch === 4) out[o + 3] = Math.round(w / (count[dx]! || 1));
    }
    acc.fill(0);
    count.fill(0);
  };
  for (let y = 0; y < sh; y += step) {
    const ty = Math.floor((y * height) / sh);
    if (ty !== dy) {
      flush();
      dy = ty;
    }
    let o = y * sw * ch;
    const inc = step * ch;
    if (ch === 3) {
      for (let x = 0; x < sw; x += step, o += inc) {
        const a = xmap[x]!;
        acc[a]! += data[o]!;
        acc[a + 1]! += data[o + 1]!;
        acc[a + 2]! += data[o + 2]!;
        acc[a + 3]!++;
      }
    } else if (ch === 4) {
      for (let x = 0; x < sw; x += step, o += inc) {
        const a = xmap[x]!;
        const w = data[o + 3]!;
        acc[a]! += data[o]! * w;
        acc[a + 1]! += data[o + 1]! * w;
        acc[a + 2]! += data[o + 2]! * w;
        acc[a + 3]! += w;
        count[a >> 2]!++;
      }
    } else {
      for (let x = 0; x < sw; x += step, o += inc) {
        const a = xmap[x]!;
        acc[a]! += data[o]!;
        acc[a + 3]!++;
      }
    }
  }
  flush();
  return { data: out, width, height, channels: ch };
}

function nearest(src: Pixels, width: number, height: number): Pixels {
  const { data, width: sw, height: sh, channels: ch } = src;
  const out = new Uint8Array(width * height * ch);
  for (let dy = 0; dy < height; dy++) {
    const sy = Math.min(sh - 1, Math.floor(((dy + 0.5) * sh) / height));
    for (let dx = 0; dx < width; dx++) {
      const sx = Math.min(sw - 1, Math.floor(((dx + 0.5) * sw) / width));
      const s = (sy * sw + sx) * ch;
      const d = (dy * width + dx) * ch;
      for (let c = 0; c < ch; c++) out[d + c] = data[s + c]!;
    }
  }
  return { data: out, width, height, channels: ch };
}

/** Composites RGBA over white; RGB passes through. */
export function flattenOnWhite(img: Pixels): Pixels {
  if (img.channels === 3) return img;
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const a = img.data[i * 4 + 3]! / 255;
    for (let c = 0; c < 3; c++)
      out[i * 3 + c] = Math.round(img.data[i * 4 + c]! * a + 255 * (1 - a));
  }
  return { data: out, width: img.width, height: img.height, channels: 3 };
}

/** Rec. 709 luma of an RGB image, one byte per pixel. */
export function luma(img: Pixels): Pixels {
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * img.channels;
    out[i] = Math.round(
      0.2126 * img.data[o]! + 0.7152 * img.data[o + 1]! + 0.0722 * img.data[o + 2]!,
    );
  }
  return { data: out, width: img.width, height: img.height, channels: 1 };
}
