import { describe, expect, it } from 'vitest';
import type { Asset } from '../store/models.ts';
import { hexToRgb, rgbToLab } from '../vision/color.ts';
import { FEATURES, type FeatureContext } from './features.ts';

const offPalette = FEATURES.find((f) => f.id === 'off_palette')!;
const lab = (hex: string) => rgbToLab(...hexToRgb(hex));
const kit: FeatureContext = {
  brandLab: ['#1b2a4a', '#f26b38', '#f2d8a7', '#dcebf2', '#2f6b4f', '#7fb3d5'].map(lab),
};
const asset = (colours: [string, number][]) =>
  ({
    palette: colours.map(([hex, coverage]) => ({ hex, name: hex, lab: lab(hex), coverage })),
  }) as unknown as Asset;

describe('off-palette colours', () => {
  it("tells a neon gradient from the brand's own warm gradient", () => {
    // Measured on the demo: a neon pink and yellow background, and the canyon backdrop.
    const neon = asset([
      ['#f2b645', 0.28],
      ['#fe7654', 0.22],
      ['#fc4a5d', 0.21],
      ['#232e4d', 0.15],
      ['#f3f1ed', 0.08],
    ]);
    const canyon = asset([
      ['#f27946', 0.35],
      ['#f0c897', 0.29],
      ['#eb9969', 0.2],
      ['#366e52', 0.07],
      ['#805d59', 0.07],
    ]);
    expect(offPalette.of(neon, kit)).toBe(true);
    expect(offPalette.of(canyon, kit)).toBe(false);
    expect(offPalette.of(neon, { brandLab: [] })).toBeUndefined();
  });
});

describe('offer in the headline', () => {
  const offer = FEATURES.find((f) => f.id === 'offer_headline')!;
  const read = (lines: [string, number][]) =>
    ({
      palette: [],
      ocr: {
        model: 't',
        assetVersion: 1,
        text: '',
        lines: lines.map(([text, fontPx]) => ({ text, fontPx, heightPx: fontPx, contrast: 7 })),
      },
    }) as unknown as Asset;
  it('reads the headline across lines OCR measured at different sizes, and OCR slips', () => {
    // What OCR read on demo banners: the offer line measured smaller than its neighbour.
    expect(
      offer.of(
        read([
          ['30%off', 115],
          ['everything', 146],
          ['Shop now', 86],
        ]),
        kit,
      ),
    ).toBe(true);
    expect(
      offer.of(
        read([
          ["Soldes d'ete", 103],
          ["jusqu'a -4o %", 99],
        ]),
        kit,
      ),
    ).toBe(true);
    expect(
      offer.of(
        read([
          ['Fresh tracks', 120],
          ['Up to 30% off selected items', 23],
        ]),
        kit,
      ),
    ).toBe(false);
    expect(offer.of({ palette: [] } as unknown as Asset, kit)).toBeUndefined();
  });
});
