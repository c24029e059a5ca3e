import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readText } from './ocr.ts';

const squash = (s: string) => s.toLowerCase().replace(/\s+/g, '');

/** A banner like the demo's: a headline and a small disclaimer, drawn at known sizes. */
async function banner(
  headline: string,
  headlinePx: number,
  disclaimer: string,
  disclaimerPx: number,
) {
  const width = 1200;
  const height = 628;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#f4a261"/>
    <text x="60" y="240" font-family="sans-serif" font-size="${headlinePx}" font-weight="bold" fill="#1d3557">${headline}</text>
    <text x="60" y="580" font-family="sans-serif" font-size="${disclaimerPx}" fill="#1d3557">${disclaimer}</text>
  </svg>`;
  return { data: await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer(), width, height };
}

describe('OCR', () => {
  it("reads a generated banner's headline and disclaimer, with line heights near the drawn size", async () => {
    const b = await banner('Summer Sale Days', 80, 'Offer ends 31 August, terms apply', 22);
    const lines = await readText(b.data, b);
    const headline = lines.find((l) => squash(l.text).includes('summersale'));
    const disclaimer = lines.find((l) => squash(l.text).includes('offerends'));
    expect(squash(headline!.text)).toBe(squash('Summer Sale Days'));
    expect(squash(disclaimer!.text)).toContain(squash('Offer ends 31 August'));
    // A mixed-case line's box spans ascenders to descenders: about the font size.
    for (const [line, px] of [
      [headline!, 80],
      [disclaimer!, 22],
    ] as const) {
      expect(line.fontPx / px).toBeGreaterThan(0.75);
      expect(line.fontPx / px).toBeLessThan(1.25);
    }
    expect(headline!.confidence).toBeGreaterThan(0.8);
  }, 60_000);

  it('scales boxes back to the original when a large image is read smaller', async () => {
    const b = await banner('Big Master', 80, 'Small print here', 30);
    const big = await sharp(b.data).resize(3600, 1884).jpeg().toBuffer();
    const lines = await readText(big, { width: 3600, height: 1884 });
    const headline = lines.find((l) => squash(l.text).includes('bigmaster'));
    expect(headline!.fontPx / 240).toBeGreaterThan(0.75);
    expect(headline!.fontPx / 240).toBeLessThan(1.25);
    expect(headline!.box.x).toBeGreaterThan(150);
    expect(headline!.box.x).toBeLessThan(220);
  }, 60_000);
});

describe('OCR clean-up', async () => {
  const { dropEchoes } = await import('./ocr.ts');
  it('drops a letter the recogniser echoed at a word gap, and keeps one-letter words', () => {
    expect(dropEchoes('this s spring')).toBe('this spring');
    expect(dropEchoes('gift t sets')).toBe('gift sets');
    expect(dropEchoes('Gifts f for')).toBe('Gifts for');
    expect(dropEchoes('Meet the e Trail')).toBe('Meet the Trail');
    expect(dropEchoes('a day at a glance')).toBe('a day at a glance');
    expect(dropEchoes('Plan B for Q4')).toBe('Plan B for Q4');
    expect(dropEchoes('il y a')).toBe('il y a');
  });
});
