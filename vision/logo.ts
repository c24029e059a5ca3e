// The brand's logo in an image: multi-scale template matching (greyscale TM_CCOEFF_NORMED) with
// OpenCV in wasm, against the brand kit's lockups (standard, reversed) and the wordmark alone,
// at logo widths from 4% to 30% of the image, then refined in 2.5% steps around the best size.
// Flat windows (standard deviation under 8) are never a match: without that, smooth JPEG
// gradients correlate with anything. The result is a box, the logo's width as a share of the
// image, and the corner or zone it sits in.
import { createRequire } from 'node:module';
import sharp from 'sharp';
import type { LogoResult } from '../store/models.ts';
import { uprightOnWhite } from './decode.ts';

export type { LogoResult } from '../store/models.ts';

export const LOGO_MODEL = 'opencv-tm-ccoeff-normed@1';
/**
 * A correlation this high is the logo; below it, the logo is reported missing. Measured on the
 * demo's 282 assets: every logo found where it was drawn scored >= 0.73, every best match on an
 * asset without one < 0.68.
 */
export const LOGO_THRESHOLD = 0.7;
/** The image is searched with its short side at most this long (small logos stay >= 6 px tall). */
const WORK_SIDE = 800;
const MIN_STD = 8;
const WIDTHS = Array.from({ length: 12 }, (_, i) => 0.04 * (0.3 / 0.04) ** (i / 11));

export interface LogoRef {
  variant: string;
  /** The lockup as a PNG (transparency allowed). */
  png: Buffer;
}

// biome-ignore lint/suspicious/noExplicitAny: OpenCV.js ships no usable types for its wasm API
type Cv = any;
let loading: Promise<{ cv: Cv }> | undefined;

/** The OpenCV module is a thenable: awaiting it directly never settles, so it travels in a box. */
function opencv(): Promise<{ cv: Cv }> {
  loading ??= new Promise((resolve) => {
    const mod = createRequire(import.meta.url)('@techstark/opencv-js');
    if (mod.Mat) resolve({ cv: mod });
    else mod.then(() => resolve({ cv: mod }));
  });
  return loading;
}

interface Template {
  variant: string;
  grey: Uint8Array;
  width: number;
  height: number;
  /** For the wordmark alone: where it starts in the lockup, as a share of the lockup's width. */
  offset?: number;
}

/** Each lockup flattened on the ground it is made for, plus its wordmark alone. */
async function templates(refs: readonly LogoRef[]): Promise<Template[]> {
  const out: Template[] = [];
  for (const r of refs) {
    const meta = await sharp(r.png).metadata();
    const dark = /revers|white|dark/i.test(r.variant);
    const ground = dark ? '#1b2a41' : '#ffffff';
    const full = await sharp(r.png).flatten({ background: ground }).greyscale().raw().toBuffer();
    out.push({ variant: r.variant, grey: full, width: meta.width!, height: meta.height! });
    // The wordmark: the lockup right of its square symbol.
    const left = Math.round(meta.height! * 1.05);
    if (meta.width! - left > meta.height!) {
      const word = await sharp(r.png)
        .extract({ left, top: 0, width: meta.width! - left, height: meta.height! })
        .flatten({ background: ground })
        .greyscale()
        .raw()
        .toBuffer({ resolveWithObject: true });
      out.push({
        variant: `${r.variant}-wordmark`,
        grey: word.data,
        width: word.info.width,
        height: word.info.height,
        offset: left / meta.width!,
      });
    }
  }
  return out;
}

function zoneOf(cx: number, cy: number): string {
  const col = cx < 1 / 3 ? 'left' : cx > 2 / 3 ? 'right' : 'centre';
  const row = cy < 1 / 3 ? 'top' : cy > 2 / 3 ? 'bottom' : 'middle';
  if (row === 'middle' && col === 'centre') return 'centre';
  if (row === 'middle') return col;
  if (col === 'centre') return row;
  return `${row}-${col}`;
}

export async function findLogo(
  image: Buffer,
  size: { width: number; height: number },
  refs: readonly LogoRef[],
): Promise<Omit<LogoResult, 'model' | 'assetVersion' | 'brand'>> {
  const { cv } = await opencv();
  const scale = Math.min(1, WORK_SIDE / Math.min(size.width, size.height));
  const work = uprightOnWhite(image, size, scale);
  const { width: w, height: h } = work;
  const grey = await work.image.greyscale().raw().toBuffer();
  // Integral images for the standard deviation of any window.
  const sum = new Float64Array((w + 1) * (h + 1));
  const sq = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let rs = 0;
    let rq = 0;
    for (let x = 0; x < w; x++) {
      const v = grey[y * w + x]!;
      rs += v;
      rq += v * v;
      sum[(y + 1) * (w + 1) + x + 1] = sum[y * (w + 1) + x + 1]! + rs;
      sq[(y + 1) * (w + 1) + x + 1] = sq[y * (w + 1) + x + 1]! + rq;
    }
  }
  const std = (x: number, y: number, tw: number, th: number) => {
    const a = (yy: number, xx: number, t: Float64Array) => t[yy * (w + 1) + xx]!;
    const s = a(y + th, x + tw, sum) - a(y, x + tw, sum) - a(y + th, x, sum) + a(y, x, sum);
    const q = a(y + th, x + tw, sq) - a(y, x + tw, sq) - a(y + th, x, sq) + a(y, x, sq);
    const n = tw * th;
    return Math.sqrt(Math.max(0, q / n - (s / n) ** 2));
  };

  const img = cv.matFromArray(h, w, cv.CV_8UC1, grey);
  let best = { score: -1, x: 0, y: 0, tw: 0, th: 0, variant: '', offset: 0, lockupWidth: 0 };
  try {
    for (const t of await templates(refs)) {
      const src = cv.matFromArray(t.height, t.width, cv.CV_8UC1, t.grey);
      try {
        const tryWidth = (lockupWidth: number) => {
          // The wordmark is most of the lockup's width; size it as the lockup it belongs to.
          const tw = Math.round(lockupWidth * (1 - (t.offset ?? 0)));
          const th = Math.round((tw * t.height) / t.width);
          if (tw < 8 || th < 6 || tw >= w || th >= h) return;
          const tpl = new cv.Mat();
          const res = new cv.Mat();
          try {
            cv.resize(src, tpl, new cv.Size(tw, th), 0, 0, cv.INTER_AREA);
            cv.matchTemplate(img, tpl, res, cv.TM_CCOEFF_NORMED);
            const data: Float32Array = res.data32F;
            const rw = res.cols;
            for (let i = 0; i < data.length; i++) {
              const v = data[i]!;
              if (!(v > best.score)) continue;
              const x = i % rw;
              const y = (i - x) / rw;
              if (std(x, y, tw, th) < MIN_STD) continue;
              best = {
                score: v,
                x,
                y,
                tw,
                th,
                variant: t.variant,
                offset: t.offset ?? 0,
                lockupWidth,
              };
            }
          } finally {
            tpl.delete();
            res.delete();
          }
        };
        for (const frac of WIDTHS) tryWidth(Math.round(w * frac));
        // The coarse grid is 20% apart: refine around the best size this template found.
        if (best.variant === t.variant) {
          const around = best.lockupWidth;
          for (let k = -4; k <= 4; k++) if (k) tryWidth(Math.round(around * (1 + k * 0.025)));
        }
      } finally {
        src.delete();
      }
    }
  } finally {
    img.delete();
  }
  const score = Math.round(Math.max(0, best.score) * 1000) / 1000;
  if (best.score < LOGO_THRESHOLD) return { found: false, score };
  // A wordmark match stands for its whole lockup: the symbol sits to its left.
  const lockupW = best.tw / (1 - best.offset);
  const box = {
    x: Math.max(0, Math.round((best.x - lockupW * best.offset) / scale)),
    y: Math.round(best.y / scale),
    width: Math.round(lockupW / scale),
    height: Math.round(best.th / scale),
  };
  return {
    found: true,
    score,
    variant: best.variant,
    box,
    widthPct: Math.round((1000 * box.width) / size.width) / 10,
    zone: zoneOf((box.x + box.width / 2) / size.width, (box.y + box.height / 2) / size.height),
  };
}
