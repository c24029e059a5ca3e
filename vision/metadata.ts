// Descriptive metadata from the EXIF, XMP and IPTC blocks libvips hands back (any format), parsed
// with exifr. Everything here is untrusted text: control characters go, lengths are capped.
import exifr from 'exifr';

export interface CaptureInfo {
  capturedAt?: string;
  camera?: string;
  lens?: string;
  software?: string;
  gps?: { lat: number; lon: number };
}

export interface ImageMeta {
  title?: string;
  description?: string;
  keywords: string[];
  /** Where the keywords came from, for tagging; XMP wins when both carry some. */
  keywordSource?: 'xmp' | 'iptc';
  creator?: string;
  copyright?: string;
  capture: CaptureInfo;
}

export interface RawMetadataBlocks {
  exif?: Buffer;
  xmp?: Buffer;
  iptc?: Buffer;
}

const MAX_XMP = 1 << 20;

/** Strip control characters (C0, C1, bidi overrides), collapse whitespace, cap the length. */
export function cleanText(v: unknown, max = 500): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = String(v)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!s) return undefined;
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** IPTC IIM is read as Latin-1; most modern writers store UTF-8, so re-decode when that is valid. */
function fixIptcText(s: string): string {
  if (!/[\u0080-\u00ff]/.test(s)) return s;
  const utf8 = Buffer.from(s, 'latin1').toString('utf8');
  return utf8.includes('\uFFFD') ? s : utf8;
}

/** XMP values come as strings, {lang, value} alternatives, or arrays of either. */
function xmpText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) {
    const def = v.find(
      (x) => x && typeof x === 'object' && (x as { lang?: string }).lang === 'x-default',
    );
    return xmpText(def ?? v[0]);
  }
  if (typeof v === 'object') return xmpText((v as { value?: unknown }).value);
  return String(v);
}

function xmpList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(xmpList);
  const t = xmpText(v);
  return t ? [t] : [];
}

const asList = (v: unknown): string[] =>
  v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)];

/** EXIF dates are "YYYY:MM:DD HH:MM:SS" in camera-local time; keep them local unless an offset says otherwise. */
function exifDate(v: unknown, offset?: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(v.trim());
  if (!m || m[1] === '0000') return undefined;
  const off = typeof offset === 'string' && /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : '';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${off}`;
}

function isoDate(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  return /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) ? s : undefined;
}

function iptcDate(v: unknown): string | undefined {
  const m = typeof v === 'string' ? /^(\d{4})(\d{2})(\d{2})$/.exec(v.trim()) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

function gpsCoord(v: unknown, ref: unknown): number | undefined {
  let deg: number | undefined;
  if (typeof v === 'number') deg = v;
  else if (Array.isArray(v) && v.length >= 1) {
    const [d = 0, m = 0, s = 0] = v.map(Number);
    deg = d + m / 60 + s / 3600;
  }
  if (deg === undefined || !Number.isFinite(deg)) return undefined;
  const r = String(ref ?? '').toUpperCase();
  return r.startsWith('S') || r.startsWith('W') ? -deg : deg;
}

type Parser = { parse(input: unknown, opts?: unknown): Promise<Record<string, unknown>> };
const segmentParser = (name: string) => exifr.segmentParsers.get(name) as Parser;

async function parseExif(exif: Buffer | undefined): Promise<Record<string, unknown>> {
  if (!exif || exif.length < 8) return {};
  // libvips returns the APP1 payload for JPEG ("Exif\0\0" + TIFF) and bare TIFF for other formats.
  const tiff = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
  try {
    const out = await exifr.parse(tiff, {
      tiff: true,
      exif: true,
      gps: true,
      ifd1: false,
      interop: false,
      xmp: false,
      iptc: false,
      icc: false,
      makerNote: false,
      userComment: false,
      reviveValues: false,
    });
    return (out as Record<string, unknown>) ?? {};
  } catch {
    return {};
  }
}

async function parseXmp(xmp: Buffer | undefined): Promise<Record<string, Record<string, unknown>>> {
  if (!xmp || xmp.length === 0 || xmp.length > MAX_XMP) return {};
  try {
    const out = await segmentParser('xmp').parse(xmp.toString('utf8'));
    return (out as Record<string, Record<string, unknown>>) ?? {};
  } catch {
    return {};
  }
}

async function parseIptc(iptc: Buffer | undefined): Promise<Record<string, unknown>> {
  if (!iptc || iptc.length === 0) return {};
  try {
    return (await segmentParser('iptc').parse(iptc)) ?? {};
  } catch {
    return {};
  }
}

export async function readMetadata(blocks: RawMetadataBlocks): Promise<ImageMeta> {
  const [exif, xmp, iptcRaw] = await Promise.all([
    parseExif(blocks.exif),
    parseXmp(blocks.xmp),
    parseIptc(blocks.iptc),
  ]);
  const iptc: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(iptcRaw)) {
    iptc[k] = Array.isArray(v)
      ? v.map((x) => fixIptcText(String(x)))
      : typeof v === 'string'
        ? fixIptcText(v)
        : v;
  }
  const dc = xmp.dc ?? {};
  const ps = xmp.photoshop ?? {};
  const xmpBasic = xmp.xmp ?? {};
  const xmpExif = xmp.exif ?? {};

  const xmpKeywords = xmpList(dc.subject);
  const iptcKeywords = asList(iptc.Keywords);
  const keywords: string[] = [];
  const seen = new Set<string>();
  for (const k of [...xmpKeywords, ...iptcKeywords]) {
    const c = cleanText(k, 100);
    if (c && !seen.has(c.toLowerCase()) && keywords.length < 50) {
      seen.add(c.toLowerCase());
      keywords.push(c);
    }
  }

  const make = cleanText(exif.Make, 60);
  const model = cleanText(exif.Model, 80);
  const camera =
    make && model
      ? model.toLowerCase().startsWith(make.toLowerCase().split(' ')[0]!)
        ? model
        : `${make} ${model}`
      : (model ?? make);
  const lat = gpsCoord(
    exif.latitude ?? exif.GPSLatitude,
    exif.latitude === undefined ? exif.GPSLatitudeRef : 'N',
  );
  const lon = gpsCoord(
    exif.longitude ?? exif.GPSLongitude,
    exif.longitude === undefined ? exif.GPSLongitudeRef : 'E',
  );
  const gps =
    lat !== undefined &&
    lon !== undefined &&
    Math.abs(lat) <= 90 &&
    Math.abs(lon) <= 180 &&
    (lat !== 0 || lon !== 0)
      ? { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 }
      : undefined;

  const capture: CaptureInfo = {
    capturedAt:
      exifDate(exif.DateTimeOriginal, exif.OffsetTimeOriginal) ??
      exifDate(exif.CreateDate, exif.OffsetTimeDigitized) ??
      isoDate(xmpText(ps.DateCreated)) ??
      isoDate(xmpText(xmpExif.DateTimeOriginal)) ??
      isoDate(xmpText(xmpBasic.CreateDate)) ??
      iptcDate(iptc.DateCreated),
    camera: camera ?? undefined,
    lens: cleanText(exif.LensModel, 120),
    software: cleanText(exif.Software ?? xmpText(xmpBasic.CreatorTool), 120),
    gps,
  };
  for (const k of Object.keys(capture) as (keyof CaptureInfo)[])
    if (capture[k] === undefined) delete capture[k];

  const creators = xmpList(dc.creator);
  return {
    title: cleanText(
      xmpText(dc.title) ?? iptc.ObjectName ?? iptc.Headline ?? xmpText(ps.Headline),
      300,
    ),
    description: cleanText(xmpText(dc.description) ?? iptc.Caption ?? exif.ImageDescription, 2000),
    keywords,
    keywordSource: xmpKeywords.length ? 'xmp' : iptcKeywords.length ? 'iptc' : undefined,
    creator: cleanText(creators.length ? creators.join(', ') : (iptc.Byline ?? exif.Artist), 200),
    copyright: cleanText(xmpText(dc.rights) ?? iptc.CopyrightNotice ?? exif.Copyright, 300),
    capture,
  };
}
