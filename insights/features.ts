// The visual features attribution models, read from what the semantic layer stored on each asset
// (palette and warmth, the logo step, OCR, people, CLIP tags), never from the demo's ground truth.
// A feature is unknown (undefined) when the step that would tell has not run on the asset, and
// such assets are left out of that feature's estimate rather than counted as "no".
import type { Services } from '../core/deps.ts';
import type { Asset } from '../store/models.ts';
import { deltaE2000, hexToRgb, rgbToLab } from '../vision/color.ts';
import { WARMTH_THRESHOLD } from '../vision/composition.ts';

/** What some features are measured against: the brand kits' colours, in Lab. */
export interface FeatureContext {
  brandLab: readonly [number, number, number][];
}

export interface FeatureDef {
  id: string;
  label: string;
  /** What measures it, for the explanation. */
  source: string;
  of(a: Asset, ctx: FeatureContext): boolean | undefined;
}

export async function featureContext(deps: Pick<Services, 'catalog'>): Promise<FeatureContext> {
  const brands = await deps.catalog.brands();
  return { brandLab: brands.flatMap((b) => b.palette.map((c) => rgbToLab(...hexToRgb(c.hex)))) };
}

/**
 * Off-palette: at least 45% of the picture in saturated colours (chroma over 30) more than
 * ΔE2000 11 from every brand colour. Calibrated on the demo library (seed 0): 32 of its 33
 * off-palette assets, 0 of its 249 others; the brand's own gradients blend to at most 42%.
 */
function offPalette(a: Asset, ctx: FeatureContext): boolean | undefined {
  if (!ctx.brandLab.length || !a.palette.length) return undefined;
  let share = 0;
  for (const p of a.palette) {
    const [L, A, B] = p.lab;
    if (Math.hypot(A, B) < 30) continue;
    if (ctx.brandLab.every((b) => deltaE2000(L, A, B, b[0], b[1], b[2]) > 11)) share += p.coverage;
  }
  return share >= 0.45;
}

/**
 * The headline: the lines drawn near the largest size (within 60% of it). OCR measures a line's
 * size from its box, which tall glyphs stretch: "30%off" read at 115 px beside "everything" at
 * 146 px. At 80% the demo's offers were found in 27 of 31 placed assets, at 60% in 31 of 31,
 * with no false offer either way (seed 2, 4 masters a campaign).
 */
function headline(a: Asset): string | undefined {
  const lines = a.ocr?.lines ?? [];
  if (!a.ocr) return undefined;
  const top = Math.max(0, ...lines.map((l) => l.fontPx));
  return lines
    .filter((l) => l.fontPx >= 0.6 * top)
    .map((l) => l.text)
    .join(' ');
}

/** The small print: lines under a third of the headline's size. */
function smallPrint(a: Asset) {
  const lines = a.ocr?.lines ?? [];
  const top = Math.max(0, ...lines.map((l) => l.fontPx));
  return lines.filter((l) => l.fontPx < top / 3 && l.text.length >= 12);
}

/** Whether the small print's smallest size (or contrast) is under a bound; unknown before OCR. */
function smallPrintBelow(a: Asset, measure: 'fontPx' | 'contrast', bound: number) {
  if (!a.ocr) return undefined;
  const s = smallPrint(a);
  return s.length > 0 && Math.min(...s.map((l) => l[measure])) < bound;
}

/** A % figure, with OCR's letter-for-digit slips inside a number ("-4o %" for "-40 %"). */
const OFFER = /\d[\doOlI]*\s?%|%\s?\d/;
const textAmount = (a: Asset) => (a.ocr?.lines ?? []).reduce((n, l) => n + l.text.length, 0);

export const FEATURES: readonly FeatureDef[] = [
  {
    id: 'warm_palette',
    label: 'warm palette',
    source: `composition.warmth > ${WARMTH_THRESHOLD} (red over blue in the palette)`,
    of: (a) => (a.composition ? a.composition.warmth > WARMTH_THRESHOLD : undefined),
  },
  {
    id: 'off_palette',
    label: 'off-palette colours',
    source: "the palette: 45% or more in saturated colours far (ΔE2000 > 11) from the brand kit's",
    of: offPalette,
  },
  {
    id: 'logo_top_left',
    label: 'logo top-left',
    source: "the logo step's zone",
    of: (a) => (a.logo ? a.logo.found && a.logo.zone === 'top-left' : undefined),
  },
  {
    id: 'logo_missing',
    label: 'logo missing',
    source: 'the logo step found no lockup',
    of: (a) => (a.logo ? !a.logo.found : undefined),
  },
  {
    id: 'logo_tiny',
    label: 'tiny logo',
    source: "the logo's width under 6% of the image's",
    of: (a) => (a.logo ? a.logo.found && (a.logo.widthPct ?? 100) < 6 : undefined),
  },
  {
    id: 'offer_headline',
    label: 'offer in the headline (a % discount)',
    source: 'OCR: the largest lines hold a percentage',
    of: (a) => {
      const h = headline(a);
      return h === undefined ? undefined : OFFER.test(h);
    },
  },
  {
    id: 'disclaimer_missing',
    label: 'no small print',
    source: 'OCR: no line under a third of the headline size',
    of: (a) => (a.ocr ? smallPrint(a).length === 0 : undefined),
  },
  {
    id: 'disclaimer_tiny',
    label: 'tiny small print (under 10 px)',
    source: 'OCR: the small print measured under 10 px',
    of: (a) => smallPrintBelow(a, 'fontPx', 10),
  },
  {
    id: 'disclaimer_low_contrast',
    label: 'low-contrast small print (under 3:1)',
    source: 'OCR: the small print measured under 3:1 against its ground',
    of: (a) => smallPrintBelow(a, 'contrast', 3),
  },
  {
    id: 'people',
    label: 'people in the picture',
    source: 'the people step (faces or confident bodies)',
    of: (a) => (a.people ? a.people.people > 0 : undefined),
  },
  {
    id: 'much_text',
    label: 'much text (over 120 characters)',
    source: 'OCR: characters read',
    of: (a) => (a.ocr ? textAmount(a) > 120 : undefined),
  },
];
