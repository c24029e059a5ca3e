import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionReason } from '../test/helpers.ts';
import { analyzeImage } from './analyze.ts';
import { hardenSharp } from './decode.ts';
import { sniff } from './sniff.ts';
import { bombPng, scene, solid } from './test-fixtures.ts';

const limits = { maxPixels: 100e6 };

const reason = rejectionReason;

describe('analyzeImage', () => {
  it.each(['jpeg', 'png', 'webp', 'avif', 'tiff', 'gif'] as const)(
    'accepts %s by its bytes',
    async (format) => {
      const data = await sharp({
        create: { width: 120, height: 80, channels: 3, background: '#2050c0' },
      })
        .toFormat(format)
        .toBuffer();
      const a = await analyzeImage(data, limits);
      expect(a.mime).toBe(`image/${format}`);
      expect([a.width, a.height]).toEqual([120, 80]);
      expect(a.phash).toMatch(/^[0-9a-f]{16}$/);
      expect(a.composition.orientation).toBe('landscape');
    },
  );

  it('makes a 512 px WebP thumbnail from a large photo, keeping the aspect ratio', async () => {
    const a = await analyzeImage(await scene(1, { width: 1800, height: 1200 }), limits);
    const t = await sharp(a.thumbnail).metadata();
    expect(t.format).toBe('webp');
    expect([t.width, t.height]).toEqual([512, 341]);
    expect([a.width, a.height]).toEqual([1800, 1200]);
  });

  it('applies EXIF orientation to the reported size and the thumbnail', async () => {
    const data = await sharp({
      create: { width: 300, height: 100, channels: 3, background: '#888' },
    })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const a = await analyzeImage(data, limits);
    expect([a.width, a.height]).toEqual([100, 300]);
    expect(a.composition.orientation).toBe('portrait');
    const t = await sharp(a.thumbnail).metadata();
    expect([t.width, t.height]).toEqual([100, 300]);
  });

  it('keeps transparency in the thumbnail and leaves transparent pixels out of the palette', async () => {
    const data = await sharp({
      create: { width: 100, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .composite([{ input: await solid('#e01010', 50, 100), left: 0, top: 0 }])
      .png()
      .toBuffer();
    const a = await analyzeImage(data, limits);
    expect((await sharp(a.thumbnail).metadata()).hasAlpha).toBe(true);
    expect(a.palette).toHaveLength(1);
    expect(a.palette[0]!.name).toBe('red');
  });

  it('rejects a decompression bomb from its header, before decoding', async () => {
    const bomb = bombPng(30000, 30000);
    expect(bomb.length).toBeLessThan(200_000);
    const t0 = performance.now();
    expect(await reason(analyzeImage(bomb, limits))).toBe(
      'pixel limit 100 MP exceeded (30000x30000)',
    );
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('honours a lower pixel limit', async () => {
    const r = await reason(analyzeImage(await solid('#123456', 400, 300), { maxPixels: 100_000 }));
    expect(r).toBe('pixel limit 0.1 MP exceeded (400x300)');
  });

  it('rejects a truncated JPEG', async () => {
    const jpeg = await scene(2, { width: 800, height: 600 });
    expect(await reason(analyzeImage(jpeg.subarray(0, jpeg.length >> 1), limits))).toBe(
      'truncated JPEG',
    );
  });

  it('rejects a truncated PNG', async () => {
    const png = await scene(3, { width: 300, height: 200, format: 'png' });
    expect(await reason(analyzeImage(png.subarray(0, png.length >> 1), limits))).toBe(
      'truncated PNG',
    );
  });

  it('tells a corrupt PNG from a truncated one', async () => {
    const png = Buffer.from(await scene(4, { width: 300, height: 200, format: 'png' }));
    for (let i = 200; i < png.length - 200; i += 97) png[i]! ^= 0x5a;
    expect(await reason(analyzeImage(png, limits))).toMatch(/^corrupt PNG: /);
  });

  it('types files by content: HTML named .jpg is not an image', async () => {
    const html = Buffer.from('<!DOCTYPE html>\n<html><body><img src="x.jpg"></body></html>');
    expect(await reason(analyzeImage(html, limits))).toBe('not an image: text/html');
    expect(await reason(analyzeImage(Buffer.from('%PDF-1.7\n...'), limits))).toBe(
      'not an image: application/pdf',
    );
    expect(await reason(analyzeImage(Buffer.from('just some notes\n'), limits))).toBe(
      'not an image: text/plain',
    );
  });

  it('rejects an empty file', async () => {
    expect(await reason(analyzeImage(Buffer.alloc(0), limits))).toBe('empty file (0 bytes)');
  });

  it('names recognised but unsupported image types', async () => {
    const bmp = Buffer.alloc(64);
    bmp.write('BM', 0, 'latin1');
    expect(await reason(analyzeImage(bmp, limits))).toMatch(/^unsupported image type: image\/bmp/);
  });

  describe('SVG', () => {
    const clean =
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#ff0000"/></svg>';

    it('is refused unless allowed', async () => {
      expect(await reason(analyzeImage(Buffer.from(clean), limits))).toMatch(/--allow-svg/);
    });

    it('is rasterised when allowed', async () => {
      const a = await analyzeImage(Buffer.from(clean), { ...limits, allowSvg: true });
      expect(a.mime).toBe('image/svg+xml');
      expect([a.width, a.height]).toEqual([200, 100]);
      expect(a.palette[0]!.name).toBe('red');
      expect((await sharp(a.thumbnail).metadata()).format).toBe('webp');
    });

    it('tolerates the common inert DOCTYPE', async () => {
      const svg = `<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n${clean}`;
      expect((await analyzeImage(Buffer.from(svg), { ...limits, allowSvg: true })).mime).toBe(
        'image/svg+xml',
      );
    });

    it.each([
      [
        'an external entity',
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&xxe;</text></svg>',
        /XML entities/,
      ],
      [
        'a file:// image href',
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="file:///etc/passwd" width="10" height="10"/></svg>',
        /external resource \(href="file:\/\/\/etc\/passwd"\)/,
      ],
      [
        'an xlink:href to a URL',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><use xlink:href="http://169.254.169.254/latest#x"/></svg>',
        /external resource \(xlink:href=/,
      ],
      [
        'an obfuscated href',
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="&#x66;ile:///etc/shadow"/></svg>',
        /external resource/,
      ],
      [
        'a CSS url()',
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect style="fill:url(https://evil.example/x.svg#p)" width="10" height="10"/></svg>',
        /CSS references an external resource/,
      ],
      [
        'a script',
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
        /script/,
      ],
    ])('is rejected with %s', async (_what, svg, why) => {
      const r = await reason(analyzeImage(Buffer.from(svg), { ...limits, allowSvg: true }));
      expect(r).toMatch(/^unsafe SVG: /);
      expect(r).toMatch(why);
    });

    it('allows internal references and embedded raster data', async () => {
      const svg =
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" height="20"><defs><rect id="r" width="20" height="20" fill="#00f"/></defs><use xlink:href="#r"/><image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/></svg>';
      expect(
        (await analyzeImage(Buffer.from(svg), { ...limits, allowSvg: true })).palette[0]!.name,
      ).toBe('blue');
    });
  });
});

describe('sniff', () => {
  it('ignores the extension-like hints and reads magic bytes', () => {
    expect(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toMatchObject({ format: 'jpeg' });
    expect(sniff(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'))).toMatchObject({ format: 'webp' });
    expect(sniff(Buffer.from('\0\0\0\x1cftypavif\0\0\0\0avifmif1', 'latin1'))).toMatchObject({
      format: 'avif',
    });
    expect(sniff(Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1'))).toEqual({
      kind: 'unsupported-image',
      mime: 'image/heic',
    });
    expect(sniff(Buffer.from('  <html><head></head></html>'))).toEqual({
      kind: 'other',
      mime: 'text/html',
    });
    expect(sniff(Buffer.from([0, 1, 2, 3, 0, 9]))).toEqual({
      kind: 'other',
      mime: 'application/octet-stream',
    });
  });
});

describe('hardenSharp', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'curator-harden-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('blocks libvips loaders outside the allow-list (its own .v format included)', async () => {
    const v = path.join(dir, 'x.v');
    await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).toFile(v);
    hardenSharp();
    await expect(sharp(v).png().toBuffer()).rejects.toThrow(/unsupported image format/);
    // …while the formats Curator accepts still load from files too.
    const jpg = path.join(dir, 'x.jpg');
    await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).toFile(jpg);
    await expect(sharp(jpg).png().toBuffer()).resolves.toBeInstanceOf(Buffer);
  });
});
