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
import { type ChannelSpec, OutputFormat } from './specs.ts';

export const Fit = z.enum(['crop', 'smart-crop', 'contain', 'blur-fill', 'extend']);
export type Fit = z.infer<typeof Fit>;

/** What identifies a rendition: the same recipe gives the same output, so it is made once. */
export const Recipe = z.object({
  /** The source version's blob (its content hash). */
  source: z.string().min(8),
  spec: z.object({ id: z.string(), version: z.number().int() }),
  fit: Fit.default('smart-crop'),
  /** Where the picture's subject is, 0..1 from the left and the top; it stays in the frame. */
  focal: z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) }).optional(),
  format: OutputFormat.default('jpeg'),
  /** Start of the quality search (JPEG, WebP). */
  quality: z.number().int().min(30).max(100).default(86),
  /** Below the spec's own limit, when a recipe wants it smaller still. */
  maxBytes: z.number().int().min(1024).optional(),
  metadata: z.enum(['strip', 'keep']).default('strip'),
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
  /** How the picture was fitted ("cropped 12% on the left, kept the focal point"). */
  explanation: string;
}

const pct = (n: number) => `${Math.round(n * 100)}%`;

/** The window of the source, at the target's aspect, that keeps `focal` as central as it can. */
function cropWindow(
  w: number,
  h: number,
  tw: number,
  th: number,
  focal: { x: number; y: number },
): { left: number; top: number; width: number; height: number } {
  const target = tw / th;
  let cw = w;
  let ch = Math.round(w / target);
  if (ch > h) {
    ch = h;
    cw = Math.round(h * target);
  }
  const left = Math.min(Math.max(0, Math.round(focal.x * w - cw / 2)), w - cw);
  const top = Math.min(Math.max(0, Math.round(focal.y * h - ch / 2)), h - ch);
  return { left, top, width: cw, height: ch };
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

export async function render(
  input: Buffer,
  spec: ChannelSpec,
  recipe: Omit<z.input<typeof Recipe>, 'source' | 'spec'>,
  limits: { maxPixels: number },
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
  try {
    switch (r.fit) {
      case 'crop': {
        const win = cropWindow(w, h, tw, th, r.focal ?? { x: 0.5, y: 0.5 });
        frame = source().extract(win).resize(tw, th);
        how = `cropped to ${tw}×${th} around ${r.focal ? 'the focal point' : 'the centre'}: ${describeCut(w, h, win)}`;
        break;
      }
      case 'smart-crop': {
        if (r.focal) {
          const win = cropWindow(w, h, tw, th, r.focal);
          frame = source().extract(win).resize(tw, th);
          how = `cropped to ${tw}×${th}, keeping the focal point: ${describeCut(w, h, win)}`;
        } else {
          frame = source().resize(tw, th, { fit: 'cover', position: sharp.strategy.attention });
          how = `cropped to ${tw}×${th} on the most salient region (sharp's attention strategy)`;
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
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw decodeFailure(kind.format, e, input);
  }

  // To the output: sRGB with the profile embedded. Stripped, the fitted pixels are made once and
  // encoded as often as the quality search needs; kept, each encode carries the source's metadata.
  let base: () => Sharp;
  if (r.metadata === 'keep') {
    base = () => frame.clone().toColourspace('srgb').keepMetadata().withIccProfile('srgb');
  } else {
    const pixels = await frame
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true })
      .catch((e: unknown) => {
        throw decodeFailure(kind.format, e, input);
      });
    base = () => sharp(pixels.data, { raw: pixels.info }).withIccProfile('srgb');
  }
  const limit = Math.min(spec.maxBytes, r.maxBytes ?? Number.POSITIVE_INFINITY);
  const out = await encodeWithin(base, r.format, r.quality, limit);
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
    explanation: `${how}; ${r.format}${out.quality === null ? '' : ` at quality ${out.quality}`}, ${Math.round(out.data.length / 1024)} KB of ${Math.round(limit / 1024)} KB allowed`,
  };
}

/** The highest quality within `limit` bytes (a binary search), or null when none fits. */
async function encodeWithin(
  base: () => Sharp,
  format: 'jpeg' | 'png' | 'webp',
  start: number,
  limit: number,
): Promise<{ data: Buffer; quality: number | null } | null> {
  if (format === 'png') {
    const full = await base().png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer();
    if (full.length <= limit) return { data: full, quality: null };
    // A palette of 256 colours keeps flat artwork sharp at a fraction of the size.
    const palette = await base()
      .png({ compressionLevel: 9, palette: true, quality: 90 })
      .toBuffer();
    return palette.length <= limit ? { data: palette, quality: null } : null;
  }
  const enc = (q: number) =>
    format === 'jpeg'
      ? base()
          .jpeg({ quality: q, chromaSubsampling: q >= 90 ? '4:4:4' : '4:2:0' })
          .toBuffer()
      : base().webp({ quality: q }).toBuffer();
  const first = await enc(start);
  if (first.length <= limit) return { data: first, quality: start };
  let lo = 30;
  let hi = start - 1;
  let best: { data: Buffer; quality: number } | null = null;
  while (lo <= hi) {
    const q = Math.floor((lo + hi) / 2);
    const data = await enc(q);
    if (data.length <= limit) {
      best = { data, quality: q };
      lo = q + 1;
    } else hi = q - 1;
  }
  return best;
}
