// Everything ingestion learns from the pixels, from one decode: type, size, palette, perceptual hash,
// composition, the builtin embedding, descriptive metadata and a WebP thumbnail.
import { AppError } from '../core/errors.ts';
import type { Composition, PaletteColor } from '../store/models.ts';
import { compositionStats } from './composition.ts';
import { decodeSmall, formatLabel, rawInput, readHeader } from './decode.ts';
import { builtinDescriptor } from './descriptor.ts';
import { createGate, defaultDecodeSlots } from './gate.ts';
import { type ImageMeta, readMetadata } from './metadata.ts';
import { extractPalette } from './palette.ts';
import { PHASH_SIZE, phashFromGrey } from './phash.ts';
import { fitInside, flattenOnWhite, luma, resample } from './resample.ts';
import { type ImageFormat, sniff } from './sniff.ts';
import { sanitizeSvg } from './svg.ts';

export const THUMBNAIL_SIZE = 512;
const ANALYSIS_SIZE = 64;
const ACCEPTED = 'JPEG, PNG, WebP, AVIF, TIFF, GIF';

export interface AnalyzeLimits {
  maxPixels: number;
  /** SVG is refused unless this is set; then it is checked for external references and rasterised. */
  allowSvg?: boolean;
}

export interface ImageAnalysis {
  mime: string;
  format: ImageFormat;
  /** Display size (EXIF orientation applied). */
  width: number;
  height: number;
  palette: PaletteColor[];
  phash: string;
  composition: Composition;
  /** WebP, long side THUMBNAIL_SIZE px (smaller images are not enlarged). */
  thumbnail: Buffer;
  /** The builtin embedding (vision/descriptor.ts), unit length. */
  embedding: Float32Array;
  meta: ImageMeta;
}

/** Checks the bytes are an image Curator accepts; returns its format and the bytes to decode. */
export function classify(
  data: Buffer,
  allowSvg = false,
): { format: ImageFormat; mime: string; input: Buffer } {
  if (data.length === 0) throw new AppError('rejected', 'empty file (0 bytes)');
  const s = sniff(data);
  if (s.kind === 'other') throw new AppError('rejected', `not an image: ${s.mime}`);
  if (s.kind === 'unsupported-image') {
    throw new AppError('rejected', `unsupported image type: ${s.mime} (accepted: ${ACCEPTED})`);
  }
  if (s.format === 'svg') {
    if (!allowSvg)
      throw new AppError('rejected', 'SVG not accepted: pass --allow-svg to rasterise SVG files');
    return { format: 'svg', mime: s.mime, input: sanitizeSvg(data) };
  }
  return { format: s.format, mime: s.mime, input: data };
}

// Process-wide, like libvips itself: bounds concurrent decodes however many callers there are.
const decodeGate = createGate(defaultDecodeSlots());

export async function analyzeImage(data: Buffer, limits: AnalyzeLimits): Promise<ImageAnalysis> {
  const { format, mime, input } = classify(data, limits.allowSvg);
  const { header, small } = await decodeGate(async () => {
    const header = await readHeader(input, format, limits.maxPixels);
    return { header, small: await decodeSmall(input, format, limits.maxPixels, THUMBNAIL_SIZE) };
  });
  if (small.channels !== 3 && small.channels !== 4) {
    throw new AppError(
      'rejected',
      `unsupported ${formatLabel(format)} colour layout (${small.channels} channels)`,
    );
  }
  // The WebP encode runs in libvips' threads while the small analysis runs here in JS.
  const thumbnailP = decodeGate(() => rawInput(small).webp().toBuffer());
  const metaP = readMetadata({ exif: header.exif, xmp: header.xmp, iptc: header.iptc });
  const fit = fitInside(small.width, small.height, ANALYSIS_SIZE);
  const analysis = resample(small, fit.width, fit.height);
  const flat = flattenOnWhite(analysis);
  const grey = resample(luma(flat), PHASH_SIZE, PHASH_SIZE);
  const size = { width: header.displayWidth, height: header.displayHeight };
  const palette = extractPalette(analysis);
  const [thumbnail, meta] = await Promise.all([thumbnailP, metaP]);
  return {
    mime,
    format,
    width: size.width,
    height: size.height,
    palette,
    phash: phashFromGrey(grey.data),
    composition: compositionStats(flat.data, 3, size),
    thumbnail,
    embedding: builtinDescriptor(flat),
    meta,
  };
}
