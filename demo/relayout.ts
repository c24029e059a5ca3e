// The demo's re-layout as a recipe kind: a rendition or localized cut of the demo library is the
// northpeak-creative-v1 template laid out again for a channel and locale, not a crop of its master.
// The recipe names everything that layout depends on (the design, the seed that drew the designs,
// the size, the locale, the CJK font), so the engine re-makes the same bytes from it.
import sharp from 'sharp';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import type { RecipeKind } from '../renditions/kinds.ts';
import { type LogoSet, renderLogos } from './brand-kit.ts';
import { type Locale, type MasterDesign, masterDesigns } from './designs.ts';
import { detectCjkFont } from './fonts.ts';
import { renderCreative } from './template.ts';

export const TEMPLATE = 'northpeak-creative-v1';

export const RelayoutRecipe = z.object({
  kind: z.literal('relayout'),
  template: z.literal(TEMPLATE),
  design: z.string().min(1),
  /** masterDesigns(perCampaign, seed) drew the design. */
  seed: z.number().int().min(0),
  perCampaign: z.number().int().min(1).max(40),
  spec: z.object({ id: z.string(), version: z.number().int() }),
  width: z.number().int().min(16),
  height: z.number().int().min(16),
  locale: z.enum(['en-US', 'de-DE', 'fr-FR', 'ja-JP']),
  format: z.literal('jpeg'),
  quality: z.number().int().min(30).max(100),
  /** The font that drew Japanese text, when the locale needed one. */
  cjkFont: z.string().optional(),
});
export type RelayoutRecipe = z.infer<typeof RelayoutRecipe>;

/** The one way a demo creative becomes pixels: the demo build and the engine both call it. */
export async function relayoutImage(
  design: MasterDesign,
  o: {
    width: number;
    height: number;
    locale: Locale;
    logos: LogoSet;
    cjkFont?: string;
    quality: number;
  },
) {
  const { svg, layout } = renderCreative(design, o);
  const data = await sharp(Buffer.from(svg)).jpeg({ quality: o.quality }).toBuffer();
  return { data, layout };
}

let logos: Promise<LogoSet> | undefined;
let fonts: ReturnType<typeof detectCjkFont> | undefined;

export const relayoutKind: RecipeKind<typeof RelayoutRecipe> = {
  kind: 'relayout',
  schema: RelayoutRecipe,
  async make(r) {
    const design = masterDesigns(r.perCampaign, r.seed).find((d) => d.slug === r.design);
    if (!design) {
      throw new AppError(
        'invalid_input',
        `no demo design ${r.design} among ${r.perCampaign} per campaign at seed ${r.seed}`,
      );
    }
    let cjkFont: string | undefined;
    if (r.locale === 'ja-JP' && r.cjkFont) {
      fonts ??= detectCjkFont();
      cjkFont = (await fonts).cjkFamily;
      if (cjkFont !== r.cjkFont) {
        throw new AppError(
          'invalid_input',
          `this cut was drawn with the font "${r.cjkFont}", which this machine lacks${cjkFont ? ` (it has "${cjkFont}")` : ''}`,
        );
      }
    }
    logos ??= renderLogos();
    const { data } = await relayoutImage(design, {
      width: r.width,
      height: r.height,
      locale: r.locale,
      logos: await logos,
      cjkFont,
      quality: r.quality,
    });
    return {
      data,
      width: r.width,
      height: r.height,
      format: 'jpeg',
      quality: r.quality,
      explanation: `re-laid out from the ${TEMPLATE} template at ${r.width}×${r.height} for ${r.spec.id}, ${r.locale}`,
    };
  },
};
