// The brand kit: what brand QA checks an asset against. It lives on the brand's record in the store
// (`rules`), written by the demo build for the demo brand. Technical rules (size, bytes, format,
// colour profile) are not here: they come from the channel specs.
import { z } from 'zod';
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import type { Brand } from '../store/models.ts';

const Hex = z.string().regex(/^#[0-9a-f]{6}$/i);

export const Disclaimer = z.object({
  /** The campaign it is required in (its id); none: every campaign of the brand. */
  campaign: z.string().optional(),
  /** The channel it is required on; none: every channel, and masters. */
  channel: z.string().optional(),
  locale: z.string(),
  text: z.string().min(1),
});
export type Disclaimer = z.infer<typeof Disclaimer>;

export const BrandKit = z.object({
  brand: z.string(),
  name: z.string(),
  palette: z.array(
    z.object({
      hex: Hex,
      name: z.string(),
      role: z.string().optional(),
      /** CIEDE2000 distance within which a colour counts as this one. */
      tolerance: z.number().positive().default(15),
    }),
  ),
  /** Share of the picture (by coverage) that must be on palette. */
  minOnPalette: z.number().min(0).max(1).default(0.6),
  logo: z.object({
    required: z.boolean().default(true),
    /** Minimum width: a share of the asset's width, and a floor in pixels. */
    minWidthFraction: z.number().min(0).max(1).default(0.12),
    minWidthPx: z.number().min(0).default(40),
    /** Free space around the logo, as a share of the asset's width. */
    clearSpaceFraction: z.number().min(0).max(0.5).default(0.03),
    /** Zones the logo may sit in, per channel ("top-left", "bottom-right"…); none: anywhere. */
    zones: z.record(z.string(), z.array(z.string())).default({}),
  }),
  disclaimer: z.object({
    minFontPx: z.number().min(0).default(10),
    /** A share of the short side: bigger formats need bigger text. */
    minFontFraction: z.number().min(0).max(1).default(0.012),
    minContrast: z.number().min(1).max(21).default(4.5),
    required: z.array(Disclaimer).default([]),
  }),
  /** Headlines are large text, where WCAG asks for 3:1. */
  headlineMinContrast: z.number().min(1).max(21).default(3),
});
export type BrandKit = z.infer<typeof BrandKit>;

/** The kit from a brand's stored record: its palette, and its rules as the demo build stores them. */
export function kitOf(brand: Brand): BrandKit {
  const r = brand.rules as Record<string, Record<string, unknown> | undefined>;
  const parsed = BrandKit.safeParse({
    brand: brand.id,
    name: brand.name,
    palette: brand.palette.map((c) => ({
      hex: c.hex,
      name: c.name,
      role: c.role,
      ...(typeof r.palette?.maxDeltaE === 'number' ? { tolerance: r.palette.maxDeltaE } : {}),
    })),
    ...(typeof r.palette?.minOnPaletteCoverage === 'number'
      ? { minOnPalette: r.palette.minOnPaletteCoverage }
      : {}),
    logo: { ...r.logo },
    disclaimer: {
      ...(r.disclaimer ?? {}),
      minContrast: r.disclaimer?.minContrastRatio ?? r.disclaimer?.minContrast,
      required: r.disclaimers ?? r.disclaimer?.required ?? [],
    },
    ...(typeof r.headline?.minContrastRatio === 'number'
      ? { headlineMinContrast: r.headline.minContrastRatio }
      : {}),
  });
  if (!parsed.success) {
    throw new AppError(
      'invalid_input',
      `brand ${brand.id}'s kit is not valid: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}

/** The kit of an asset's brand: its campaign's brand, else the only brand there is. */
export async function kitFor(
  deps: Pick<Services, 'catalog'>,
  campaigns: readonly string[],
): Promise<BrandKit> {
  const brands = await deps.catalog.brands();
  const all = await deps.catalog.campaigns();
  const owner = all.find((c) => campaigns.includes(c.id) && c.brand)?.brand;
  const brand = brands.find((b) => b.id === owner) ?? (brands.length === 1 ? brands[0] : undefined);
  if (!brand) {
    throw new AppError(
      'not_found',
      brands.length
        ? 'the asset is in no campaign of a brand, and there are several brands: say which'
        : 'no brand kit in the library: brand QA needs one (the demo library has Northpeak)',
    );
  }
  return kitOf(brand);
}
