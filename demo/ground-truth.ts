// The answer key for the demo library: planted effects, each master's design factors, and the brand
// violations and exact geometry of every generated asset, keyed by the asset ids in the store.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BRAND_RULES } from './brand-kit.ts';
import type { MasterDesign } from './designs.ts';
import type { CreativeLayout } from './template.ts';

export const GROUND_TRUTH_FILE = 'demo-ground-truth.json';

export type Violation =
  | 'off_palette'
  | 'logo_missing'
  | 'logo_too_small'
  | 'disclaimer_missing'
  | 'disclaimer_too_small'
  | 'disclaimer_low_contrast'
  | 'headline_low_contrast';

export interface DesignFactors {
  warmth: 'warm' | 'cool';
  scheme: string;
  onPalette: boolean;
  style: string;
  logoCorner: string | null;
  logoSize: string;
  disclaimer: string;
  headline: string;
  offer: boolean;
  product: string;
  quality: number;
}

export interface AssetTruth {
  slug: string;
  kind: 'master' | 'rendition' | 'localized';
  campaign: string;
  master: string;
  parent?: string;
  channel?: string;
  locale: string;
  width: number;
  height: number;
  violations: Violation[];
  layout: {
    logo: {
      corner: string;
      box: { x: number; y: number; w: number; h: number };
      variant: string;
    } | null;
    headline: { text: string; fontPx: number; contrast: number };
    disclaimer: { text: string; fontPx: number; contrast: number } | null;
    /** false: Japanese text was drawn without a Japanese font and shows as boxes. */
    textLegible: boolean;
  };
}

export interface MasterTruth {
  assetId: string;
  slug: string;
  campaign: string;
  factors: DesignFactors;
  renditions: Record<string, string>;
  localized: Record<string, string>;
}

export interface PlacementTruth {
  id: string;
  assetId: string;
  master: string;
  campaign: string;
  channel: string;
  market: string;
  start: string;
  end: string;
  expectedCtr: number;
  expectedCvr: number;
}

export interface GroundTruth {
  version: 1;
  brand: { id: string; name: string };
  model: Record<string, unknown>;
  fonts: { cjk: boolean; family?: string; note: string };
  masters: MasterTruth[];
  assets: Record<string, AssetTruth>;
  placements: PlacementTruth[];
}

export function factorsOf(d: MasterDesign): DesignFactors {
  return {
    warmth: d.scheme.warmth,
    scheme: d.scheme.name,
    onPalette: d.scheme.onPalette,
    style: d.style,
    logoCorner: d.logo.corner,
    logoSize: d.logo.size,
    disclaimer: d.disclaimer,
    headline: d.headline.key,
    offer: d.headline.offer,
    product: d.product,
    quality: Math.round(d.quality * 1000) / 1000,
  };
}

/** The brand rules applied to what the template actually drew at this size. */
export function violationsOf(design: MasterDesign, layout: CreativeLayout): Violation[] {
  const v: Violation[] = [];
  if (!design.scheme.onPalette) v.push('off_palette');
  const { logo, disclaimer, headline } = layout;
  if (!logo) v.push('logo_missing');
  else if (
    logo.box.w <
    Math.max(BRAND_RULES.logo.minWidthFraction * layout.width, BRAND_RULES.logo.minWidthPx)
  ) {
    v.push('logo_too_small');
  }
  if (!disclaimer) v.push('disclaimer_missing');
  else {
    const short = Math.min(layout.width, layout.height);
    const minPx = Math.max(
      BRAND_RULES.disclaimer.minFontPx,
      BRAND_RULES.disclaimer.minFontFraction * short,
    );
    if (disclaimer.fontPx < minPx) v.push('disclaimer_too_small');
    if (disclaimer.contrast < BRAND_RULES.disclaimer.minContrastRatio)
      v.push('disclaimer_low_contrast');
  }
  if (headline.contrast < BRAND_RULES.headline.minContrastRatio) v.push('headline_low_contrast');
  return v;
}

export function layoutTruth(layout: CreativeLayout): AssetTruth['layout'] {
  return {
    logo: layout.logo
      ? { corner: layout.logo.corner, box: layout.logo.box, variant: layout.logo.variant }
      : null,
    headline: {
      text: layout.headline.text,
      fontPx: layout.headline.fontPx,
      contrast: layout.headline.contrast,
    },
    disclaimer: layout.disclaimer
      ? {
          text: layout.disclaimer.text,
          fontPx: layout.disclaimer.fontPx,
          contrast: layout.disclaimer.contrast,
        }
      : null,
    textLegible: layout.cjkGlyphs,
  };
}

/** Written atomically so a reader never sees half a file. */
export async function writeGroundTruth(dataDir: string, truth: GroundTruth): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, GROUND_TRUTH_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(truth, null, 2)}\n`);
  await rename(tmp, file);
  return file;
}
