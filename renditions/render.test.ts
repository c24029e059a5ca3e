import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { Fit, recipeHash, render } from './render.ts';
import { loadSpecs } from './specs.ts';

const limits = { maxPixels: 100e6 };
let photo: Buffer;

/** A photo-like 3000×2000 JPEG: a gradient under fine noise, which JPEG and PNG find costly. */
async function photoLike(width = 3000, height = 2000): Promise<Buffer> {
  const noise = Buffer.alloc((width / 4) * (height / 4) * 3);
  let x = 7;
  for (let i = 0; i < noise.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    noise[i] = 60 + ((x >> 8) % 140);
  }
  const grain = await sharp(noise, { raw: { width: width / 4, height: height / 4, channels: 3 } })
    .resize(width, height, { kernel: 'nearest' })
    .png()
    .toBuffer();
  return sharp({
    create: { width, height, channels: 3, background: { r: 230, g: 120, b: 60 } },
  })
    .composite([{ input: grain, blend: 'overlay' }])
    .withExif({ IFD0: { Copyright: 'Northpeak', Artist: 'someone' } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

beforeAll(async () => {
  photo = await photoLike();
}, 60_000);

describe('channel specs', () => {
  it('every shipped spec gives its exact size, in sRGB with the profile, within its byte limit', async () => {
    const specs = (await loadSpecs()).all();
    expect(specs.length).toBeGreaterThanOrEqual(13);
    for (const spec of specs) {
      for (const format of spec.formats) {
        const out = await render(photo, spec, { fit: 'smart-crop', format }, limits);
        const meta = await sharp(out.data).metadata();
        expect([meta.width, meta.height], `${spec.id} ${format}`).toEqual([
          spec.width,
          spec.height,
        ]);
        expect(out.bytes, `${spec.id} ${format}`).toBeLessThanOrEqual(spec.maxBytes);
        expect(meta.format).toBe(format);
        expect(meta.space).toBe('srgb');
        expect(meta.icc, `${spec.id} ${format}: profile`).toBeDefined();
        expect(meta.exif, `${spec.id} ${format}: metadata stripped`).toBeUndefined();
      }
    }
  }, 120_000);

  it('meets a tight byte limit by searching the quality, and says what it settled on', async () => {
    const spec = (await loadSpecs()).get('web-hero');
    const loose = await render(photo, spec, { format: 'jpeg', maxBytes: 50 * 1024 * 1024 }, limits);
    const limit = Math.floor(loose.bytes * 0.6);
    const out = await render(photo, spec, { format: 'jpeg', maxBytes: limit }, limits);
    expect(out.bytes).toBeLessThanOrEqual(limit);
    expect(out.quality).toBeLessThan(86);
    expect(out.explanation).toMatch(/quality \d+, \d+ KB of \d+ KB allowed/);
    // Below what any quality reaches, it says so instead of sending an oversized file.
    await expect(
      render(photo, spec, { format: 'jpeg', maxBytes: 8 * 1024 }, limits),
    ).rejects.toThrow(/allows 8 KB; this picture does not fit in jpeg/);
  });

  it('fits a portrait master into a landscape slot every way, exactly, and explains the crop', async () => {
    const portrait = await photoLike(1200, 1800);
    const spec = (await loadSpecs()).get('facebook-link');
    for (const fit of Fit.options) {
      const out = await render(portrait, spec, { fit, format: 'jpeg' }, limits);
      const meta = await sharp(out.data).metadata();
      expect([meta.width, meta.height], fit).toEqual([1200, 628]);
      expect(out.explanation.length).toBeGreaterThan(20);
    }
    const top = await render(portrait, spec, { fit: 'crop', focal: { x: 0.5, y: 0 } }, limits);
    expect(top.explanation).toMatch(/cut \d+% at the bottom/);
    expect(top.explanation).not.toMatch(/at the top/);
  });

  it('keeps metadata only when the recipe says so', async () => {
    const spec = (await loadSpecs()).get('instagram-feed');
    const kept = await render(photo, spec, { fit: 'crop', metadata: 'keep' }, limits);
    expect((await sharp(kept.data).metadata()).exif).toBeDefined();
  });

  it('fails a corrupt or non-image source at once, with a readable reason', async () => {
    const spec = (await loadSpecs()).get('instagram-feed');
    const truncated = photo.subarray(0, 2000);
    await expect(render(truncated, spec, {}, limits)).rejects.toThrow(/JPEG|corrupt|truncated/i);
    await expect(render(Buffer.from('<html>no</html>'), spec, {}, limits)).rejects.toThrow(
      /not an image/,
    );
    await expect(render(photo, spec, { format: 'webp' }, limits)).rejects.toThrow(
      /takes jpeg or png/,
    );
  });

  it('names a recipe by its content: the same recipe one hash, any change another', () => {
    const base = { source: 'sha256-abc123', spec: { id: 'web-hero', version: 1 } };
    expect(recipeHash(base)).toBe(recipeHash({ ...base, fit: 'smart-crop', format: 'jpeg' }));
    expect(recipeHash(base)).not.toBe(recipeHash({ ...base, focal: { x: 0.2, y: 0.5 } }));
    expect(recipeHash(base)).not.toBe(
      recipeHash({ ...base, spec: { id: 'web-hero', version: 2 } }),
    );
  });

  it("validates a user's spec file, naming the bad entry, and lets it add or replace specs", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-specs-'));
    try {
      const good = path.join(dir, 'good.json');
      await writeFile(
        good,
        JSON.stringify([
          {
            id: 'tiktok-feed',
            name: 'TikTok feed',
            network: 'tiktok',
            width: 1080,
            height: 1920,
            maxBytes: 5e6,
            formats: ['jpeg'],
          },
          {
            id: 'display-mrec',
            name: 'Our MREC',
            network: 'programmatic',
            width: 300,
            height: 250,
            maxBytes: 100000,
            formats: ['jpeg'],
          },
        ]),
      );
      const cat = await loadSpecs(good);
      expect(cat.get('tiktok-feed').height).toBe(1920);
      expect(cat.get('display-mrec').maxBytes).toBe(100000);
      expect(cat.get('web-hero').width).toBe(1920);
      const bad = path.join(dir, 'bad.json');
      await writeFile(bad, JSON.stringify([{ id: 'Huge Banner', width: 0 }]));
      await expect(loadSpecs(bad)).rejects.toThrow(/entry 0 \(Huge Banner\): id: .*width/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
