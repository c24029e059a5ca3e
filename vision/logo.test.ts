import sharp, { type OverlayOptions } from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderLogos } from '../demo/brand-kit.ts';
import { findLogo } from './logo.ts';

const W = 1200;
const H = 628;

/** A banner with a headline, and the brand's logo at a given width and corner (or none). */
async function banner(
  logoWidth: number,
  corner: 'top-left' | 'bottom-right' | 'none',
  ground: string,
) {
  const { standard, reversed } = await renderLogos();
  const dark = ground === '#1b2a41';
  const layers: OverlayOptions[] = [
    {
      input: Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><text x="60" y="320" font-family="sans-serif" font-size="80" font-weight="bold" fill="${dark ? '#ffffff' : '#1d3557'}">Summer Sale</text></svg>`,
      ),
      left: 0,
      top: 0,
    },
  ];
  let box: { x: number; y: number; width: number; height: number } | undefined;
  if (corner !== 'none') {
    const logo = await sharp(dark ? reversed.png : standard.png)
      .resize(logoWidth)
      .png()
      .toBuffer();
    const m = await sharp(logo).metadata();
    const x = corner === 'top-left' ? 40 : W - logoWidth - 40;
    const y = corner === 'top-left' ? 40 : H - m.height! - 40;
    layers.push({ input: logo, left: x, top: y });
    box = { x, y, width: logoWidth, height: m.height! };
  }
  const data = await sharp({ create: { width: W, height: H, channels: 3, background: ground } })
    .composite(layers)
    .jpeg({ quality: 88 })
    .toBuffer();
  return { data, box };
}

const iou = (
  a: { x: number; y: number; width: number; height: number },
  b: { x: number; y: number; width: number; height: number },
) => {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = ix * iy;
  return inter / (a.width * a.height + b.width * b.height - inter);
};

describe("the brand's logo", async () => {
  const { standard, reversed } = await renderLogos();
  const refs = [
    { variant: 'standard', png: standard.png },
    { variant: 'reversed', png: reversed.png },
  ];

  it('is found with its corner and size on a standard banner, also reversed on a dark ground', async () => {
    for (const ground of ['#f4efe6', '#1b2a41']) {
      const b = await banner(260, 'top-left', ground);
      const r = await findLogo(b.data, { width: W, height: H }, refs);
      expect(r.found).toBe(true);
      expect(r.zone).toBe('top-left');
      expect(iou(r.box!, b.box!)).toBeGreaterThan(0.6);
      expect(r.widthPct).toBeGreaterThan(18);
      expect(r.widthPct).toBeLessThan(25);
    }
  }, 60_000);

  it('is found when tiny, in its corner, and reported missing when absent', async () => {
    const tiny = await banner(56, 'bottom-right', '#f4efe6');
    const r = await findLogo(tiny.data, { width: W, height: H }, refs);
    expect(r).toMatchObject({ found: true, zone: 'bottom-right' });
    expect(r.widthPct).toBeLessThan(6);
    const none = await banner(0, 'none', '#f4efe6');
    const missing = await findLogo(none.data, { width: W, height: H }, refs);
    expect(missing.found).toBe(false);
    expect(missing.box).toBeUndefined();
  }, 60_000);
});
