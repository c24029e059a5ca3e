// Decoding untrusted images with libvips: only the loaders Curator needs, a pixel limit checked from
// the header before any pixels are decoded, and failures turned into reasons a person can act on.
import sharp, { type Metadata, type Sharp } from 'sharp';
import { AppError } from '../core/errors.ts';
import type { ImageFormat } from './sniff.ts';

const LABEL: Record<ImageFormat, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  avif: 'AVIF',
  tiff: 'TIFF',
  gif: 'GIF',
  svg: 'SVG',
};

// libvips class names of the loaders we accept, in their Buffer, File and Source variants. UltraHDR
// is libvips' loader for JPEGs that carry a gain map; Nsgif is its GIF loader.
const ALLOWED_LOADERS = ['Jpeg', 'Uhdr', 'Png', 'Webp', 'Heif', 'Tiff', 'Nsgif', 'Svg'].flatMap(
  (f) => ['Buffer', 'File', 'Source'].map((s) => `VipsForeignLoad${f}${s}`),
);

let hardened = false;

/**
 * Blocks every libvips loader except the formats above (process-wide, idempotent): the exotic ones
 * (vips, matrix, csv, fits, analyze, ppm, rad …) are large attack surface and no use to a DAM.
 * This is an allow-list, stricter than VIPS_BLOCK_UNTRUSTED, and works after libvips has started.
 */
export function hardenSharp(): void {
  if (hardened) return;
  sharp.block({ operation: ['VipsForeignLoad'] });
  sharp.unblock({ operation: ALLOWED_LOADERS });
  hardened = true;
}

export const formatLabel = (f: ImageFormat) => LABEL[f];

function megapixels(pixels: number): string {
  return `${Number((pixels / 1e6).toPrecision(3))} MP`;
}

export function pixelLimitError(maxPixels: number, width: number, height: number): AppError {
  return new AppError(
    'rejected',
    `pixel limit ${megapixels(maxPixels)} exceeded (${width}x${height})`,
    400,
    {
      width,
      height,
      maxPixels,
    },
  );
}

/**
 * Whether the bytes stop before the format's end marker. Decided from the bytes rather than the
 * decoder's message: libpng says only "read error", and libvips' error text is shared between
 * threads, so under concurrent decodes it can arrive empty.
 */
function endsEarly(format: ImageFormat, input: Buffer): boolean {
  switch (format) {
    case 'png':
      return !input.subarray(-12).includes('IEND');
    case 'jpeg':
      // EOI (FF D9) closes a JPEG; encoders may pad a few bytes after it.
      return !input.subarray(-16).includes(Buffer.from([0xff, 0xd9]));
    case 'webp':
      // RIFF size field: the bytes after the first 8.
      return input.length >= 12 && input.readUInt32LE(4) + 8 > input.length;
    case 'gif':
      return input[input.length - 1] !== 0x3b;
    default:
      return false;
  }
}

/** Turns a libvips message into a reason: "truncated JPEG", "corrupt PNG: …". */
export function decodeFailure(format: ImageFormat, e: unknown, input?: Buffer): AppError {
  if (e instanceof AppError) return e;
  const msg = String((e as Error)?.message ?? e)
    .split('\n')[0]!
    .trim();
  const label = LABEL[format];
  if (
    (input !== undefined && endsEarly(format, input)) ||
    /premature end|truncat|unexpected end|end of (file|data|stream)|not enough data|incomplete/i.test(
      msg,
    )
  ) {
    return new AppError('rejected', `truncated ${label}`, 400, { decoder: msg });
  }
  if (/unsupported image format/i.test(msg)) {
    return new AppError(
      'rejected',
      `not a valid ${label}: the decoder does not recognise it`,
      400,
      { decoder: msg },
    );
  }
  const detail = msg.replace(/^Vips\w*:\s*/i, '').slice(0, 160);
  const why =
    !detail || /^unknown error$/i.test(detail)
      ? 'the decoder could not read its pixel data'
      : detail;
  return new AppError('rejected', `corrupt ${label}: ${why}`, 400, { decoder: msg });
}

export interface Header {
  /** Pixel size of the first frame as stored (before EXIF orientation). */
  width: number;
  height: number;
  /** Display size, after EXIF orientation. */
  displayWidth: number;
  displayHeight: number;
  hasAlpha: boolean;
  exif?: Buffer;
  xmp?: Buffer;
  iptc?: Buffer;
}

/** Reads only the header; enforces the pixel limit before a single pixel is decoded. */
export async function readHeader(
  input: Buffer,
  format: ImageFormat,
  maxPixels: number,
): Promise<Header> {
  hardenSharp();
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw decodeFailure(format, e, input);
  }
  const width = meta.width;
  const height = meta.pageHeight ?? meta.height;
  if (!width || !height)
    throw new AppError('rejected', `corrupt ${LABEL[format]}: no image size in its header`);
  if (width * height > maxPixels) throw pixelLimitError(maxPixels, width, height);
  const swapped = (meta.orientation ?? 1) >= 5;
  return {
    width,
    height,
    displayWidth: swapped ? height : width,
    displayHeight: swapped ? width : height,
    hasAlpha: meta.hasAlpha,
    exif: meta.exif,
    xmp: meta.xmp,
    iptc: meta.iptc,
  };
}

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

/**
 * The one full decode: upright, sRGB, 8-bit, shrunk so its long side is at most `longSide`.
 * libvips shrinks JPEG and WebP while decoding, so a 24 MP photo never exists at full size in memory.
 */
export async function decodeSmall(
  input: Buffer,
  format: ImageFormat,
  maxPixels: number,
  longSide: number,
): Promise<RawImage> {
  hardenSharp();
  try {
    const { data, info } = await sharp(input, {
      limitInputPixels: maxPixels,
      failOn: 'error',
      autoOrient: true,
      sequentialRead: true,
    })
      .resize(longSide, longSide, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (e) {
    if (/pixel limit/i.test(String((e as Error)?.message))) {
      throw new AppError('rejected', `pixel limit ${megapixels(maxPixels)} exceeded`);
    }
    throw decodeFailure(format, e, input);
  }
}

export const rawInput = (img: RawImage) =>
  sharp(img.data, {
    raw: { width: img.width, height: img.height, channels: img.channels as 1 | 2 | 3 | 4 },
  });

/**
 * The image upright (EXIF orientation applied), flattened on white and scaled by `scale`: what the
 * model steps (OCR, logo, people) read. Chain the output format on `image`.
 */
export function uprightOnWhite(
  data: Buffer,
  size: { width: number; height: number },
  scale: number,
): { image: Sharp; width: number; height: number } {
  const width = Math.max(1, Math.round(size.width * scale));
  const height = Math.max(1, Math.round(size.height * scale));
  const image = sharp(data, { limitInputPixels: false })
    .rotate()
    .flatten({ background: '#ffffff' })
    .resize(width, height, { fit: 'fill' });
  return { image, width, height };
}
