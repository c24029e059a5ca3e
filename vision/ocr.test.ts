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
  it('keeps the two rows of a wrapped disclaimer apart and in reading order under a big headline', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="628">
      <rect width="100%" height="100%" fill="#ffffff"/>
      <text x="60" y="220" font-family="sans-serif" font-size="120" font-weight="bold" fill="#111">Big news</text>
      <text x="60" y="556" font-family="sans-serif" font-size="22" fill="#111">Gift set prices valid until 28 Nov 2026. Exclusions apply. See</text>
      <text x="60" y="586" font-family="sans-serif" font-size="22" fill="#111">northpeak.example for details.</text>
    </svg>`;
    const data = await sharp(Buffer.from(svg)).png().toBuffer();
    const lines = await readText(data, { width: 1200, height: 628 });
    const all = squash(lines.map((l) => l.text).join(' '));
    // (the package's own line grouping merged both rows into one line, second row first)
    expect(all).toContain(squash('Exclusions apply. See northpeak.example for details.'));
    const rows = lines.filter((l) => /gift set|northpeak/i.test(l.text));
    expect(rows).toHaveLength(2);
    expect(rows[0]!.box.y).toBeLessThan(rows[1]!.box.y);
  }, 60_000);

  it('finds and reads a faint 16 px disclaimer (1.45:1), and says how faint it is', async () => {
    // The demo's low-contrast style (20% of the way from the ground to navy): on the plain pixels
    // the detector saw nothing.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="628">
      <rect width="100%" height="100%" fill="#f1d8a6"/>
      <text x="60" y="240" font-family="sans-serif" font-size="80" font-weight="bold" fill="#1d3557">Fresh tracks</text>
      <text x="60" y="580" font-family="sans-serif" font-size="16" fill="#c7b796">Offer valid 2 Mar to 30 May 2026 while stocks last</text>
    </svg>`;
    const data = await sharp(Buffer.from(svg)).png().toBuffer();
    const lines = await readText(data, { width: 1200, height: 628 });
    const faint = lines.find((l) => squash(l.text).includes('offervalid'));
    expect(squash(faint!.text)).toContain(squash('2 Mar to 30 May 2026'));
    expect(faint!.contrast).toBeLessThan(1.8);
  }, 60_000);

  it('reads 10 px print on a 2400 px master', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="2400" height="1600">
      <rect width="100%" height="100%" fill="#ffffff"/>
      <text x="120" y="500" font-family="sans-serif" font-size="200" font-weight="bold" fill="#111">Master</text>
      <text x="120" y="1500" font-family="sans-serif" font-size="10" fill="#111">Terms apply while stocks last</text>
    </svg>`;
    const data = await sharp(Buffer.from(svg)).png().toBuffer();
    const lines = await readText(data, { width: 2400, height: 1600 });
    expect(squash(lines.map((l) => l.text).join(''))).toContain('termsapply');
  }, 60_000);

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
  const { dropEchoes, rowsOf } = await import('./ocr.ts');
  it('puts boxes in reading order, joining the words of a row and keeping far columns apart', () => {
    const b = (text: string, x: number, y: number, w: number, h: number) => ({
      text,
      x,
      y,
      x2: x + w,
      y2: y + h,
    });
    const rows = rowsOf([
      b('northpeak.example', 60, 570, 300, 24),
      b('sale', 420, 100, 200, 110),
      b('Gift set prices', 60, 540, 500, 26),
      b('Summer', 60, 96, 330, 116),
      b('LOGO', 1700, 110, 200, 40),
    ]);
    expect(rows.map((r) => r.map((x) => x.text).join(' '))).toEqual([
      'Summer sale',
      'LOGO',
      'Gift set prices',
      'northpeak.example',
    ]);
  });
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
