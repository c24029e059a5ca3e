import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LogoSet, renderLogos } from './brand-kit.ts';
import { CHANNELS, masterDesigns } from './designs.ts';
import { pickCjkFamily } from './fonts.ts';
import { violationsOf } from './ground-truth.ts';
import { type Box, renderCreative } from './template.ts';

let logos: LogoSet;
beforeAll(async () => {
  logos = await renderLogos();
});

const designs = masterDesigns();
const sizes = (d: (typeof designs)[number]) => [
  { width: d.width, height: d.height },
  ...CHANNELS.map((c) => ({ width: c.width, height: c.height })),
];
const inside = (b: Box, w: number, h: number) =>
  b.x >= 0 && b.y >= 0 && b.x + b.w <= w + 0.5 && b.y + b.h <= h + 0.5;
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('creative template', () => {
  it('keeps logo, headline and disclaimer inside the frame and apart, for every design at every size', () => {
    let checked = 0;
    for (const d of designs) {
      for (const s of sizes(d)) {
        const { layout } = renderCreative(d, { ...s, locale: 'en-US', logos });
        expect(
          inside(layout.headline.box, s.width, s.height),
          `${d.slug} ${s.width}x${s.height} headline`,
        ).toBe(true);
        if (layout.logo) {
          expect(inside(layout.logo.box, s.width, s.height), `${d.slug} logo`).toBe(true);
          expect(overlaps(layout.logo.box, layout.headline.box), `${d.slug} logo/headline`).toBe(
            false,
          );
          if (layout.disclaimer)
            expect(overlaps(layout.logo.box, layout.disclaimer.box)).toBe(false);
        }
        if (layout.disclaimer) {
          expect(inside(layout.disclaimer.box, s.width, s.height), `${d.slug} disclaimer`).toBe(
            true,
          );
          expect(overlaps(layout.headline.box, layout.disclaimer.box)).toBe(false);
        }
        checked++;
      }
    }
    expect(checked).toBe(designs.length * 6);
  });

  it('re-lays the design out per channel instead of resizing it', () => {
    const d = designs.find((x) => x.logo.corner === 'top-left' && x.logo.size === 'standard')!;
    const wide = renderCreative(d, { width: 1200, height: 628, locale: 'en-US', logos }).layout;
    const tall = renderCreative(d, { width: 1080, height: 1920, locale: 'en-US', logos }).layout;
    // Landscape: product beside the headline; story: product below it.
    expect(wide.product.box.x).toBeGreaterThan(wide.headline.box.x + wide.headline.box.w);
    expect(tall.product.box.y).toBeGreaterThan(tall.headline.box.y + tall.headline.box.h);
    // The logo keeps its corner and its share of the width at both sizes.
    expect(wide.logo!.corner).toBe('top-left');
    expect(tall.logo!.corner).toBe('top-left');
    expect(wide.logo!.widthFraction).toBeCloseTo(tall.logo!.widthFraction, 2);
  });

  it('flags a planted breach at every size and a clean design at none, banner included', () => {
    for (const d of designs) {
      const planted = [
        d.logo.size === 'tiny' && 'logo_too_small',
        d.logo.size === 'none' && 'logo_missing',
        !d.scheme.onPalette && 'off_palette',
        d.disclaimer === 'tiny' && 'disclaimer_too_small',
        d.disclaimer === 'low-contrast' && 'disclaimer_low_contrast',
        d.disclaimer === 'none' && 'disclaimer_missing',
      ].filter(Boolean);
      for (const s of sizes(d)) {
        const { layout } = renderCreative(d, { ...s, locale: 'en-US', logos });
        expect(violationsOf(d, layout).sort(), `${d.slug} at ${s.width}x${s.height}`).toEqual(
          planted.sort(),
        );
      }
    }
    const clean = designs.filter(
      (d) => d.logo.size === 'standard' && d.scheme.onPalette && d.disclaimer === 'standard',
    );
    expect(clean.length).toBeGreaterThan(designs.length / 2);
  });

  it('says when Japanese text had no font to draw with, and uses one when given', () => {
    const d = designs[0]!;
    const plain = renderCreative(d, { width: 1080, height: 1080, locale: 'ja-JP', logos });
    expect(plain.layout.cjkGlyphs).toBe(false);
    expect(plain.layout.headline.text).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    const withFont = renderCreative(d, {
      width: 1080,
      height: 1080,
      locale: 'ja-JP',
      logos,
      cjkFont: 'Noto Sans CJK JP',
    });
    expect(withFont.layout.cjkGlyphs).toBe(true);
    expect(withFont.svg).toContain('font-family="Noto Sans CJK JP"');
    expect(
      renderCreative(d, { width: 1080, height: 1080, locale: 'de-DE', logos }).layout.cjkGlyphs,
    ).toBe(true);
  });

  it('renders the same bytes every time, so reruns are recognised as duplicates', async () => {
    const d = designs[5]!;
    const render = () =>
      sharp(Buffer.from(renderCreative(d, { width: 300, height: 250, locale: 'fr-FR', logos }).svg))
        .jpeg({ quality: 85 })
        .toBuffer();
    const [a, b] = await Promise.all([render(), render()]);
    expect(a.equals(b)).toBe(true);
    const other = await sharp(
      Buffer.from(
        renderCreative(designs[6]!, { width: 300, height: 250, locale: 'fr-FR', logos }).svg,
      ),
    )
      .jpeg({ quality: 85 })
      .toBuffer();
    expect(other.equals(a)).toBe(false);
  });

  it('escapes copy so text cannot break out of the SVG', () => {
    const d = {
      ...designs[0]!,
      headline: {
        ...designs[0]!.headline,
        text: { ...designs[0]!.headline.text, 'en-US': 'Tom & Jerry <script>' },
      },
    };
    const { svg } = renderCreative(d, { width: 1080, height: 1080, locale: 'en-US', logos });
    expect(svg.includes('Tom &amp; Jerry')).toBe(true);
    expect(svg.includes('&lt;script&gt;')).toBe(true);
    expect(svg.includes('<script>')).toBe(false);
  });
});

describe('pickCjkFamily', () => {
  it('prefers Noto Sans CJK JP and returns nothing when fontconfig lists no Japanese font', () => {
    expect(pickCjkFamily('')).toBeUndefined();
    expect(
      pickCjkFamily('IPAGothic,IPAゴシック\nNoto Sans CJK JP,Noto Sans CJK JP Regular\n'),
    ).toBe('Noto Sans CJK JP');
    expect(pickCjkFamily('TakaoPGothic\nIPAGothic,IPAゴシック\n')).toBe('IPAGothic');
  });
});
