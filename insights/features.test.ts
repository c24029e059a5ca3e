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
