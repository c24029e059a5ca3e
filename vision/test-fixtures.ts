// Real image files for the vision and ingest tests: built with sharp or by hand, never mocked.
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { createRng } from '../core/random.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An XMP packet with Dublin Core fields, as Lightroom or Bridge would write it. */
export function xmpPacket(f: {
  title?: string;
  description?: string;
  creator?: string;
  keywords?: string[];
  rights?: string;
  created?: string;
}): string {
  const alt = (v: string) => `<rdf:Alt><rdf:li xml:lang="x-default">${esc(v)}</rdf:li></rdf:Alt>`;
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">',
    f.title ? `<dc:title>${alt(f.title)}</dc:title>` : '',
    f.description ? `<dc:description>${alt(f.description)}</dc:description>` : '',
    f.creator
      ? `<dc:creator><rdf:Seq><rdf:li>${esc(f.creator)}</rdf:li></rdf:Seq></dc:creator>`
      : '',
    f.keywords
      ? `<dc:subject><rdf:Bag>${f.keywords.map((k) => `<rdf:li>${esc(k)}</rdf:li>`).join('')}</rdf:Bag></dc:subject>`
      : '',
    f.rights ? `<dc:rights>${alt(f.rights)}</dc:rights>` : '',
    f.created ? `<photoshop:DateCreated>${f.created}</photoshop:DateCreated>` : '',
    '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>',
  ].join('');
}

/** Inserts an IPTC (Photoshop APP13) block after the JPEG SOI marker. */
export function withIptc(jpeg: Buffer, records: [tag: number, value: string][]): Buffer {
  const iim = Buffer.concat(
    records.map(([tag, value]) => {
      const v = Buffer.from(value, 'utf8');
      return Buffer.concat([Buffer.from([0x1c, 0x02, tag, v.length >> 8, v.length & 0xff]), v]);
    }),
  );
  const header = Buffer.alloc(12);
  header.write('8BIM', 0, 'latin1');
  header.writeUInt16BE(0x0404, 4); // IPTC-NAA resource; empty Pascal name (2 bytes)
  header.writeUInt32BE(iim.length, 8);
  const payload = Buffer.concat([Buffer.from('Photoshop 3.0\0', 'latin1'), header, iim]);
  const marker = Buffer.from([0xff, 0xed, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  return Buffer.concat([jpeg.subarray(0, 2), marker, payload, jpeg.subarray(2)]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/**
 * A decompression bomb: a valid 1-bit greyscale PNG of `width`x`height` zero pixels. 30000x30000 is
 * 900 MP (several GB once decoded) in about 100 KB of file.
 */
export function bombPng(width = 30000, height = 30000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const row = 1 + Math.ceil(width / 8);
  const idat = deflateSync(Buffer.alloc(row * height), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A scene-like SVG: a sky-to-ground gradient, a sun and a few random shapes, different per seed. */
export function sceneSvg(seed: number, width: number, height: number): string {
  const r = createRng(seed);
  const hue = Math.floor(r() * 360);
  const shapes: string[] = [];
  for (let i = 0; i < 8; i++) {
    const x = Math.round(r() * width);
    const y = Math.round(r() * height);
    const s = Math.round((0.05 + r() * 0.25) * Math.min(width, height));
    const fill = `hsl(${Math.floor(r() * 360)},${40 + Math.floor(r() * 50)}%,${25 + Math.floor(r() * 50)}%)`;
    shapes.push(
      r() < 0.5
        ? `<circle cx="${x}" cy="${y}" r="${s}" fill="${fill}"/>`
        : `<rect x="${x - s}" y="${y - s / 2}" width="${2 * s}" height="${s}" fill="${fill}" transform="rotate(${Math.floor(r() * 90)} ${x} ${y})"/>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="hsl(${hue},70%,75%)"/><stop offset="1" stop-color="hsl(${(hue + 120) % 360},50%,30%)"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${Math.round(r() * width)}" cy="${Math.round(height * 0.25)}" r="${Math.round(height * 0.12)}" fill="#fff3b0"/>
    ${shapes.join('\n')}
  </svg>`;
}

/**
 * A photo-like image: a scene with a little sensor noise, so codecs and hashes see real texture.
 * The layout is fixed by the seed; the noise is not, so two calls never give identical bytes.
 */
export async function scene(
  seed: number,
  opts: {
    width?: number;
    height?: number;
    format?: 'jpeg' | 'png' | 'webp';
    quality?: number;
  } = {},
): Promise<Buffer> {
  const { width = 640, height = 427, format = 'jpeg', quality = 85 } = opts;
  const noise = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 24 },
    },
  })
    .raw()
    .toBuffer();
  return sharp(Buffer.from(sceneSvg(seed, width, height)))
    .composite([{ input: noise, raw: { width, height, channels: 3 }, blend: 'soft-light' }])
    .toFormat(format, { quality })
    .toBuffer();
}

export async function solid(
  colour: string,
  width = 200,
  height = 150,
  format: 'jpeg' | 'png' = 'png',
) {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .toFormat(format)
    .toBuffer();
}
