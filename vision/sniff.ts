// Content type from the first bytes, never from the file name: a ".jpg" that is really HTML is HTML.
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'tiff' | 'gif' | 'svg';

export const IMAGE_MIME: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  tiff: 'image/tiff',
  gif: 'image/gif',
  svg: 'image/svg+xml',
};

export type Sniffed =
  | { kind: 'image'; format: ImageFormat; mime: string }
  /** A recognised image type that Curator does not accept (BMP, HEIC, PSD …). */
  | { kind: 'unsupported-image'; mime: string }
  | { kind: 'other'; mime: string };

const startsWith = (d: Buffer, bytes: number[], at = 0) =>
  d.length >= at + bytes.length && bytes.every((b, i) => d[at + i] === b);
const ascii = (d: Buffer, from: number, to: number) => d.subarray(from, to).toString('latin1');

/** ISO-BMFF brands (the `ftyp` box) tell AVIF from HEIC from MP4. */
function sniffFtyp(d: Buffer): Sniffed | null {
  if (d.length < 12 || ascii(d, 4, 8) !== 'ftyp') return null;
  const size = Math.min(d.readUInt32BE(0), d.length, 256);
  const brands = [ascii(d, 8, 12)];
  for (let o = 16; o + 4 <= size; o += 4) brands.push(ascii(d, o, o + 4));
  if (brands.some((b) => b === 'avif' || b === 'avis')) {
    return { kind: 'image', format: 'avif', mime: IMAGE_MIME.avif };
  }
  if (brands.some((b) => ['heic', 'heix', 'heim', 'heis', 'mif1', 'msf1'].includes(b))) {
    return { kind: 'unsupported-image', mime: 'image/heic' };
  }
  if (brands.some((b) => b.startsWith('qt'))) return { kind: 'other', mime: 'video/quicktime' };
  return { kind: 'other', mime: 'video/mp4' };
}

/** Text formats: skip a BOM, whitespace, the XML declaration, comments and a doctype. */
function sniffText(d: Buffer): Sniffed | null {
  const head = d
    .subarray(0, 4096)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  let s = head.trimStart();
  for (;;) {
    const before = s;
    s = s.replace(/^<\?xml[^>]*\?>\s*/i, '');
    s = s.replace(/^<!--[\s\S]*?-->\s*/, '');
    if (s === before) break;
  }
  const lower = s.toLowerCase();
  if (
    /^<!doctype\s+html/.test(lower) ||
    /^<(html|head|body|script|meta|title|div|p|a|iframe)[\s>]/.test(lower)
  ) {
    return { kind: 'other', mime: 'text/html' };
  }
  // `<svg`, or a doctype (possibly with an internal subset, checked later) followed by `<svg`.
  if (/^<svg[\s>]/.test(lower) || (/^<!doctype\s/.test(lower) && /<svg[\s>]/.test(lower))) {
    return { kind: 'image', format: 'svg', mime: IMAGE_MIME.svg };
  }
  if (lower.startsWith('<')) return { kind: 'other', mime: 'application/xml' };
  if (/^[{[]/.test(lower)) return { kind: 'other', mime: 'application/json' };
  // Mostly printable characters and no NULs: call it text.
  const sample = d.subarray(0, 1024);
  if (sample.length > 0 && !sample.includes(0)) {
    let printable = 0;
    for (const b of sample) if (b === 9 || b === 10 || b === 13 || b >= 32) printable++;
    if (printable / sample.length > 0.95) return { kind: 'other', mime: 'text/plain' };
  }
  return null;
}

export function sniff(d: Buffer): Sniffed {
  if (startsWith(d, [0xff, 0xd8, 0xff]))
    return { kind: 'image', format: 'jpeg', mime: IMAGE_MIME.jpeg };
  if (startsWith(d, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return { kind: 'image', format: 'png', mime: IMAGE_MIME.png };
  }
  if (ascii(d, 0, 6) === 'GIF87a' || ascii(d, 0, 6) === 'GIF89a') {
    return { kind: 'image', format: 'gif', mime: IMAGE_MIME.gif };
  }
  if (ascii(d, 0, 4) === 'RIFF' && ascii(d, 8, 12) === 'WEBP') {
    return { kind: 'image', format: 'webp', mime: IMAGE_MIME.webp };
  }
  if (startsWith(d, [0x49, 0x49, 0x2a, 0x00]) || startsWith(d, [0x4d, 0x4d, 0x00, 0x2a])) {
    return { kind: 'image', format: 'tiff', mime: IMAGE_MIME.tiff };
  }
  const ftyp = sniffFtyp(d);
  if (ftyp) return ftyp;
  if (ascii(d, 0, 2) === 'BM' && d.length > 14)
    return { kind: 'unsupported-image', mime: 'image/bmp' };
  if (ascii(d, 0, 4) === '8BPS')
    return { kind: 'unsupported-image', mime: 'image/vnd.adobe.photoshop' };
  if (startsWith(d, [0x00, 0x00, 0x01, 0x00]))
    return { kind: 'unsupported-image', mime: 'image/x-icon' };
  if (startsWith(d, [0xff, 0x0a]) || startsWith(d, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) {
    return { kind: 'unsupported-image', mime: 'image/jxl' };
  }
  if (startsWith(d, [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20]))
    return { kind: 'unsupported-image', mime: 'image/jp2' };
  if (ascii(d, 0, 5) === '%PDF-') return { kind: 'other', mime: 'application/pdf' };
  if (ascii(d, 0, 4) === 'PK\x03\x04') return { kind: 'other', mime: 'application/zip' };
  if (startsWith(d, [0x1f, 0x8b])) return { kind: 'other', mime: 'application/gzip' };
  if (ascii(d, 0, 4) === '\x7fELF') return { kind: 'other', mime: 'application/x-executable' };
  if (ascii(d, 0, 4) === 'RIFF') return { kind: 'other', mime: 'application/x-riff' };
  return sniffText(d) ?? { kind: 'other', mime: 'application/octet-stream' };
}
