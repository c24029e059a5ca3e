// The rendition engine's CPU work: one source image to one channel spec, exactly. The output has
// the spec's pixel size, is sRGB with the profile embedded, meets the byte limit (JPEG and WebP by
// a quality search, PNG by compression and then a palette), and carries no metadata unless the
// recipe keeps it. A pure function of its inputs (a worker runs it; the service records results),
// and it says how it fitted the picture, in words a person can check.
import { createHash } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { canonicalJson } from '../core/util.ts';
import { decodeFailure, hardenSharp, readHeader } from '../vision/decode.ts';
import { sniff } from '../vision/sniff.ts';
import { Generator, type OutpaintProvider, outpaintFrame } from './outpaint.ts';
import { type ChannelSpec, OutputFormat } from './specs.ts';

/** outpaint: generative extend by an image model (the GPU lane); the rest run on the CPU lane. */
export const Fit = z.enum(['crop', 'smart-crop', 'contain', 'blur-fill', 'extend', 'outpaint']);
export type Fit = z.infer<typeof Fit>;

const unit = z.number().min(0).max(1);
/**
 * Something in the source a crop should keep: a face or person (kept first), a text line (the
 * headline is the tallest) or the logo. As fractions of the source's width and height, so the
 * recipe says the same thing however the source is decoded.
 */
export const Region = z.object({
  kind: z.enum(['face', 'person', 'headline', 'text', 'logo']),
  x: unit,
  y: unit,
  width: unit,
  height: unit,
});
export type Region = z.infer<typeof Region>;

/** What identifies a rendition: the same recipe gives the same output, so it is made once. */
export const Recipe = z.object({
  /** The source version's blob (its content hash). */
  source: z.string().min(8),
  spec: z.object({ id: z.string(), version: z.number().int() }),
  fit: Fit.default('smart-crop'),
  /** Where the picture's subject is, 0..1 from the left and the top; it stays in the frame. */
  focal: z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) }).optional(),
  /** What smart-crop keeps inside the frame when it fits (from the asset's faces, OCR and logo). */
  keep: z.array(Region).max(40).default([]),
  format: OutputFormat.default('jpeg'),
  /** Start of the quality search (JPEG, WebP). */
  quality: z.number().int().min(30).max(100).default(86),
  /** Below the spec's own limit, when a recipe wants it smaller still. */
  maxBytes: z.number().int().min(1024).optional(),
  metadata: z.enum(['strip', 'keep']).default('strip'),
  /** outpaint: the image model and the prompt that paint the margins. */
  generator: Generator.optional(),
});
export type Recipe = z.output<typeof Recipe>;

/** The recipe's identity: sha256 of its canonical JSON, defaults filled in. */
export const recipeHash = (r: z.input<typeof Recipe>) =>
  createHash('sha256')
    .update(canonicalJson(Recipe.parse(r)))
    .digest('hex');

export interface Rendered {
  data: Buffer;
  width: number;
  height: number;
  format: z.infer<typeof OutputFormat>;
  bytes: number;
  /** The quality the search settled on (JPEG, WebP), or null (PNG). */
  quality: number | null;
  /** How the picture was fitted ("kept the face and the headline; cut 12% on the left"). */
  explanation: string;
  /** The window of the source a crop kept, in pixels of the (upright) source. */
  window?: Window;
}

type Window = { left: number; top: number; width: number; height: number };

const pct = (n: number) => `${Math.round(n * 100)}%`;

/** The largest window of a w×h source at the target's aspect. */
function windowSize(w: number, h: number, tw: number, th: number) {
  const target = tw / th;
  let cw = w;
  let ch = Math.round(w / target);
  if (ch > h) {
    ch = h;
    cw = Math.min(w, Math.round(h * target));
  }
  return { cw, ch };
}

/** The window, at the target's aspect, that keeps `focal` as central as it can. */
function cropWindow(
  w: number,
  h: number,
  tw: number,
  th: number,
  focal: { x: number; y: number },
): Window {
  const { cw, ch } = windowSize(w, h, tw, th);
  const left = Math.min(Math.max(0, Math.round(focal.x * w - cw / 2)), w - cw);
  const top = Math.min(Math.max(0, Math.round(focal.y * h - ch / 2)), h - ch);
  return { left, top, width: cw, height: ch };
}

const KEEP_WEIGHT: Record<Region['kind'], number> = {
  face: 100,
  person: 60,
  headline: 30,
  logo: 20,
  text: 5,
};
const NOUN: Record<Region['kind'], [string, string]> = {
  face: ['the face', 'faces'],
  person: ['the person', 'people'],
  headline: ['the headline', 'headlines'],
  logo: ['the logo', 'logos'],
  text: ['a text line', 'text lines'],
};

function listWords(parts: string[]): string {
  return parts.length <= 1
    ? (parts[0] ?? '')
    : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

function nounsFor(regions: Region[]): string {
  const by = new Map<Region['kind'], number>();
  for (const r of regions) by.set(r.kind, (by.get(r.kind) ?? 0) + 1);
  const order: Region['kind'][] = ['face', 'person', 'headline', 'logo', 'text'];
  return listWords(
    order
      .filter((k) => by.has(k))
      .map((k) => (by.get(k)! === 1 ? NOUN[k][0] : `${by.get(k)} ${NOUN[k][1]}`)),
  );
}

/**
 * Smart crop's window: the largest one at the target's aspect, slid along the free axis to keep
 * the most of what matters inside (faces and people first, then the headline, the logo and other
 * text), as central on the faces (or the picture) as that allows. Null when nothing is given.
 */
export function placeWindow(
  w: number,
  h: number,
  tw: number,
  th: number,
  regions: readonly Region[],
): { window: Window; kept: Region[]; lost: Region[] } | null {
  if (!regions.length) return null;
  const { cw, ch } = windowSize(w, h, tw, th);
  const px = regions.map((r) => ({
    r,
    x0: r.x * w,
    y0: r.y * h,
    x1: (r.x + r.width) * w,
    y1: (r.y + r.height) * h,
  }));
  const horizontal = cw < w;
  const size = horizontal ? cw : ch;
  const span = horizontal ? w : h;
  const lo = (b: (typeof px)[number]) => (horizontal ? b.x0 : b.y0);
  const hi = (b: (typeof px)[number]) => (horizontal ? b.x1 : b.y1);
  const people = px.filter((b) => b.r.kind === 'face' || b.r.kind === 'person');
  const anchor = people.length ? people : px;
  const centre = (Math.min(...anchor.map(lo)) + Math.max(...anchor.map(hi))) / 2;
  // Where a box's edge meets the window's edge, and the centred place: the optimum is one of them.
  const max = span - size;
  const clampPos = (p: number) => Math.min(Math.max(0, Math.round(p)), max);
  const candidates = new Set<number>([clampPos(centre - size / 2), 0, max]);
  for (const b of px) {
    candidates.add(clampPos(lo(b)));
    candidates.add(clampPos(hi(b) - size));
  }
  let best = { pos: 0, score: -1, dist: Number.POSITIVE_INFINITY };
  for (const pos of candidates) {
    let score = 0;
    for (const b of px)
      if (lo(b) >= pos - 0.5 && hi(b) <= pos + size + 0.5) score += KEEP_WEIGHT[b.r.kind];
    const dist = Math.abs(pos + size / 2 - centre);
    if (score > best.score || (score === best.score && dist < best.dist))
      best = { pos, score, dist };
  }
  const window = horizontal
    ? { left: best.pos, top: Math.round((h - ch) / 2), width: cw, height: ch }
    : { left: Math.round((w - cw) / 2), top: best.pos, width: cw, height: ch };
  const kept: Region[] = [];
  const lost: Region[] = [];
  for (const b of px) {
    const inside = lo(b) >= best.pos - 0.5 && hi(b) <= best.pos + size + 0.5;
    (inside ? kept : lost).push(b.r);
  }
  return { window, kept, lost };
}

function describeCut(
  w: number,
  h: number,
  win: { left: number; top: number; width: number; height: number },
) {
  const cuts: string[] = [];
  const l = win.left / w;
  const r = (w - win.left - win.width) / w;
  const t = win.top / h;
  const b = (h - win.top - win.height) / h;
  if (l > 0.005) cuts.push(`${pct(l)} on the left`);
  if (r > 0.005) cuts.push(`${pct(r)} on the right`);
  if (t > 0.005) cuts.push(`${pct(t)} at the top`);
  if (b > 0.005) cuts.push(`${pct(b)} at the bottom`);
  return cuts.length ? `cut ${cuts.join(', ')}` : 'no cut needed';
}

/**
 * The window of a w×h source at tw×th: the whole picture is resized first, then the window cut out,
 * so a JPEG decodes at a fraction of its size (shrink-on-load) instead of in full.
 */
function cropTo(img: Sharp, w: number, h: number, win: Window, tw: number, th: number): Sharp {
  const s = Math.max(tw / win.width, th / win.height);
  const W = Math.max(tw, Math.round(w * s));
  const H = Math.max(th, Math.round(h * s));
  return img.resize(W, H, { fit: 'fill' }).extract({
    left: Math.min(Math.max(0, Math.round(win.left * s)), W - tw),
    top: Math.min(Math.max(0, Math.round(win.top * s)), H - th),
    width: tw,
    height: th,
  });
}

export async function render(
  input: Buffer,
  spec: ChannelSpec,
  recipe: Omit<z.input<typeof Recipe>, 'source' | 'spec'>,
  limits: { maxPixels: number },
  opts: { outpaint?: OutpaintProvider } = {},
): Promise<Rendered> {
  hardenSharp();
  const r = Recipe.parse({
    ...recipe,
    source: 'unhashed',
    spec: { id: spec.id, version: spec.version },
  });
  if (!spec.formats.includes(r.format)) {
    throw new AppError(
      'invalid_input',
      `${spec.name} takes ${spec.formats.join(' or ')}, not ${r.format}`,
    );
  }
  const kind = sniff(input);
  if (kind.kind !== 'image' || kind.format === 'svg') {
    throw new AppError(
      'rejected',
      `the source is ${kind.kind === 'image' ? 'an SVG' : 'not an image'} (${kind.mime}); a rendition needs a raster master`,
    );
  }
  const header = await readHeader(input, kind.format, limits.maxPixels);
  const w = header.displayWidth;
  const h = header.displayHeight;
  const tw = spec.width;
  const th = spec.height;
  const source = () =>
    sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'error' }).rotate();

  let frame: Sharp;
  let how: string;
  let window: Window | undefined;
  try {
    switch (r.fit) {
      case 'crop': {
        window = cropWindow(w, h, tw, th, r.focal ?? { x: 0.5, y: 0.5 });
        frame = cropTo(source(), w, h, window, tw, th);
        how = `cropped around ${r.focal ? 'the focal point' : 'the centre'}; ${describeCut(w, h, window)}`;
        break;
      }
      case 'smart-crop': {
        const placed = r.focal ? null : placeWindow(w, h, tw, th, r.keep);
        if (r.focal) {
          window = cropWindow(w, h, tw, th, r.focal);
          frame = cropTo(source(), w, h, window, tw, th);
          how = `kept the focal point; ${describeCut(w, h, window)}`;
        } else if (placed) {
          window = placed.window;
          frame = cropTo(source(), w, h, window, tw, th);
          const kept = placed.kept.length ? `kept ${nounsFor(placed.kept)}` : '';
          const lost = placed.lost.length ? `could not keep ${nounsFor(placed.lost)}` : '';
          how = `${[kept, lost].filter(Boolean).join(', ')}; ${describeCut(w, h, window)}`;
        } else {
          const out = await source()
            .resize(tw, th, { fit: 'cover', position: sharp.strategy.attention })
            .raw()
            .toBuffer({ resolveWithObject: true });
          frame = sharp(out.data, { raw: out.info });
          // sharp reports where it cropped, in pixels of the resized picture.
          const scale = Math.max(tw / w, th / h);
          const left = Math.round(-(out.info.cropOffsetLeft ?? 0) / scale);
          const top = Math.round(-(out.info.cropOffsetTop ?? 0) / scale);
          const { cw, ch } = windowSize(w, h, tw, th);
          window = {
            left: Math.min(Math.max(0, left), w - cw),
            top: Math.min(Math.max(0, top), h - ch),
            width: cw,
            height: ch,
          };
          // Raw pixels carry no metadata: a recipe that keeps it crops the source at that window.
          if (r.metadata === 'keep') frame = cropTo(source(), w, h, window, tw, th);
          how = `nothing marked to keep, so the most salient region (sharp's attention strategy); ${describeCut(w, h, window)}`;
        }
        break;
      }
      case 'contain': {
        const { dominant } = await source().stats();
        frame = source().resize(tw, th, { fit: 'contain', background: { ...dominant, alpha: 1 } });
        how = `the whole picture fitted inside ${tw}×${th}, bars in its dominant colour`;
        break;
      }
      case 'blur-fill': {
        const inner = await source()
          .resize(tw, th, { fit: 'inside' })
          .toBuffer({ resolveWithObject: true });
        const back = await source()
          .resize(tw, th, { fit: 'cover' })
          .blur(Math.max(8, Math.round(Math.min(tw, th) / 25)))
          .modulate({ brightness: 0.9 })
          .toBuffer();
        frame = sharp(back).composite([{ input: inner.data, gravity: 'centre' }]);
        how = `the whole picture fitted inside ${tw}×${th} over a blurred fill of itself`;
        break;
      }
      case 'extend': {
        const inner = await source()
          .resize(tw, th, { fit: 'inside' })
          .toBuffer({ resolveWithObject: true });
        const dx = tw - inner.info.width;
        const dy = th - inner.info.height;
        frame = sharp(inner.data).extend({
          left: Math.floor(dx / 2),
          right: Math.ceil(dx / 2),
          top: Math.floor(dy / 2),
          bottom: Math.ceil(dy / 2),
          extendWith: 'copy',
        });
        how = `the whole picture fitted inside ${tw}×${th}, its edges extended to fill`;
        break;
      }
      case 'outpaint': {
        if (!r.generator)
          throw new AppError('invalid_input', 'an outpaint recipe names its generator');
        if (!opts.outpaint) {
          throw new AppError(
            'invalid_input',
            'generative extend needs an image model: set OUTPAINT_PROVIDER (openai or sd-webui) for the GPU lane',
          );
        }
        ({ frame, how } = await outpaintFrame(source, w, h, tw, th, r.generator, opts.outpaint));
        break;
      }
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw decodeFailure(kind.format, e, input);
  }

  // To the output: sRGB with the profile embedded. The first encode runs straight off the fitted
  // pipeline; when the byte limit needs more tries, the fitted pixels are made once and re-encoded
  // (kept metadata: each encode carries the source's, so each runs the pipeline).
  // sharp's pipeline already works in sRGB (a tagged source is converted on input), so a stripped
  // JPEG gets the sRGB profile attached as bytes rather than through an identity colour transform.
  const attach = r.format === 'jpeg' && r.metadata === 'strip';
  const profile = attach ? await srgbProfile() : undefined;
  const tag = (f: Sharp) => (attach ? f : f.withIccProfile('srgb'));
  // The first encode runs the fitted pipeline itself: a clone costs a few ms a rendition.
  let fresh = true;
  const direct = () => {
    const f = (fresh ? frame : frame.clone()).toColourspace('srgb');
    fresh = false;
    return r.metadata === 'keep' ? f.keepMetadata().withIccProfile('srgb') : tag(f);
  };
  let pixels: (() => Sharp) | undefined;
  const again = async (): Promise<() => Sharp> => {
    if (r.metadata === 'keep') return direct;
    if (!pixels) {
      const raw = await frame
        .clone()
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      pixels = () => tag(sharp(raw.data, { raw: raw.info }));
    }
    return pixels;
  };
  const limit = Math.min(spec.maxBytes, r.maxBytes ?? Number.POSITIVE_INFINITY);
  const finish = profile ? (b: Buffer) => withJpegIcc(b, profile) : (b: Buffer) => b;
  const out = await encodeWithin(direct, again, r.format, r.quality, limit, finish).catch(
    (e: unknown) => {
      throw e instanceof AppError ? e : decodeFailure(kind.format, e, input);
    },
  );
  if (!out) {
    throw new AppError(
      'rejected',
      `${spec.name} allows ${Math.round(limit / 1024)} KB; this picture does not fit in ${r.format} even at the lowest quality tried${r.format === 'png' ? ' (try jpeg)' : ''}`,
    );
  }
  const meta = await sharp(out.data).metadata();
  if (meta.width !== tw || meta.height !== th) {
    throw new AppError('internal', `rendered ${meta.width}×${meta.height}, not ${tw}×${th}`);
  }
  return {
    data: out.data,
    width: tw,
    height: th,
    format: r.format,
    bytes: out.data.length,
    quality: out.quality,
    window,
    explanation: `${how}; ${r.format}${out.quality === null ? '' : ` at quality ${out.quality}`}, ${Math.round(out.data.length / 1024)} KB of ${Math.round(limit / 1024)} KB allowed`,
  };
}

/** The highest quality within `limit` bytes (a binary search), or null when none fits. */
async function encodeWithin(
  first: () => Sharp,
  again: () => Promise<() => Sharp>,
  format: 'jpeg' | 'png' | 'webp',
  start: number,
  limit: number,
  finish: (encoded: Buffer) => Buffer = (b) => b,
): Promise<{ data: Buffer; quality: number | null } | null> {
  if (format === 'png') {
    const full = await first().png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer();
    if (full.length <= limit) return { data: full, quality: null };
    // A palette of 256 colours keeps flat artwork sharp at a fraction of the size.
    const palette = await (await again())()
      .png({ compressionLevel: 9, palette: true, quality: 90 })
      .toBuffer();
    return palette.length <= limit ? { data: palette, quality: null } : null;
  }
  const enc = async (base: () => Sharp, q: number) =>
    finish(
      format === 'jpeg'
        ? await base()
            .jpeg({ quality: q, chromaSubsampling: q >= 90 ? '4:4:4' : '4:2:0' })
            .toBuffer()
        : await base().webp({ quality: q }).toBuffer(),
    );
  const firstTry = await enc(first, start);
  if (firstTry.length <= limit) return { data: firstTry, quality: start };
  const base = await again();
  let lo = 30;
  let hi = start - 1;
  let best: { data: Buffer; quality: number } | null = null;
  while (lo <= hi) {
    const q = Math.floor((lo + hi) / 2);
    const data = await enc(base, q);
    if (data.length <= limit) {
      best = { data, quality: q };
      lo = q + 1;
    } else hi = q - 1;
  }
  return best;
}

let SRGB: Promise<Buffer> | undefined;
/** The sRGB ICC profile libvips embeds, read once off a one-pixel image. */
function srgbProfile(): Promise<Buffer> {
  SRGB ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#ffffff' } })
    .withIccProfile('srgb')
    .jpeg()
    .toBuffer()
    .then(async (b) => {
      const icc = (await sharp(b).metadata()).icc;
      if (!icc || icc.length > 65_519) throw new AppError('internal', 'no usable sRGB profile');
      return icc;
    });
  return SRGB;
}

/** A JPEG with an ICC profile in one APP2 segment, after the JFIF header (JPEG ICC embedding). */
function withJpegIcc(jpeg: Buffer, icc: Buffer): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new AppError('internal', 'not a JPEG');
  let at = 2;
  // APP0 (JFIF) must come first after the start of image.
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + jpeg.readUInt16BE(4);
  const name = Buffer.from('ICC_PROFILE\0', 'latin1');
  const length = 2 + name.length + 2 + icc.length;
  const head = Buffer.from([0xff, 0xe2, length >> 8, length & 0xff]);
  return Buffer.concat([
    jpeg.subarray(0, at),
    head,
    name,
    Buffer.from([1, 1]),
    icc,
    jpeg.subarray(at),
  ]);
}
