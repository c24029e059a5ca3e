import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { analyzeImage } from './analyze.ts';
import { hammingDistance } from './phash.ts';
import { scene, solid } from './test-fixtures.ts';

const limits = { maxPixels: 1e8 };

describe('palette', () => {
  it("names a red image's top colour red", async () => {
    const a = await analyzeImage(await solid('#d81e1e', 300, 200, 'jpeg'), limits);
    expect(a.palette[0]!.name).toMatch(/red|crimson/);
    expect(a.palette[0]!.coverage).toBeGreaterThan(0.95);
  });

  it('reports coverage shares that match the picture', async () => {
    const data = await sharp({
      create: { width: 400, height: 100, channels: 3, background: '#1030d0' },
    })
      .composite([{ input: await solid('#f5d000', 100, 100), left: 0, top: 0 }])
      .png()
      .toBuffer();
    const a = await analyzeImage(data, limits);
    expect(a.palette).toHaveLength(2);
    expect(a.palette[0]!.name).toMatch(/blue|navy|cobalt/);
    expect(a.palette[1]!.name).toMatch(/gold|yellow/);
    expect(a.palette[0]!.coverage).toBeCloseTo(0.75, 1);
    expect(a.palette[1]!.coverage).toBeCloseTo(0.25, 1);
    expect(a.palette[0]!.hex).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe('composition', () => {
  it('tells bright from dark, grey from colourful, warm from cool', async () => {
    const white = (await analyzeImage(await solid('#f0f0f0'), limits)).composition;
    const navy = (await analyzeImage(await solid('#101040'), limits)).composition;
    const orange = (await analyzeImage(await solid('#ff8000'), limits)).composition;
    expect(white.brightness).toBeGreaterThan(0.85);
    expect(navy.brightness).toBeLessThan(0.1);
    expect(white.colourfulness).toBeLessThan(2);
    expect(orange.colourfulness).toBeGreaterThan(60);
    expect(orange.warmth).toBeGreaterThan(0.5);
    expect(navy.warmth).toBeLessThan(0);
    expect(white.contrast).toBeLessThan(0.01);
    const busy = (await analyzeImage(await scene(7), limits)).composition;
    expect(busy.contrast).toBeGreaterThan(0.05);
  });

  it('reports orientation and aspect', async () => {
    const c = (await analyzeImage(await solid('#777', 200, 300), limits)).composition;
    expect(c).toMatchObject({ orientation: 'portrait', aspect: 0.6667 });
    expect(
      (await analyzeImage(await solid('#777', 250, 250), limits)).composition.orientation,
    ).toBe('square');
  });
});

describe('perceptual hash', () => {
  it('stays close for the same picture re-encoded and resized, and far for different pictures', async () => {
    const original = await scene(11, { width: 900, height: 600, quality: 92 });
    const variant = await sharp(original).resize(640).jpeg({ quality: 45 }).toBuffer();
    const brighter = await sharp(original).modulate({ brightness: 1.1 }).png().toBuffer();
    const other = await scene(12, { width: 900, height: 600 });
    const [a, b, c, d] = await Promise.all(
      [original, variant, brighter, other].map((x) => analyzeImage(x, limits)),
    );
    expect(hammingDistance(a!.phash, b!.phash)).toBeLessThanOrEqual(6);
    expect(hammingDistance(a!.phash, c!.phash)).toBeLessThanOrEqual(6);
    expect(hammingDistance(a!.phash, d!.phash)).toBeGreaterThan(10);
  });

  it('counts differing bits', () => {
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('0f00000000000001', '0e00000000000000')).toBe(2);
  });
});
