// A selection of assets by description: the list filters as people give them ("the spring
// campaign", "Instagram", "German", "teal", "warm"), resolved once into the listing index's filter
// and into words that say how they were read. Listing and bulk changes share it, so "archive the
// summer sale" covers exactly what "list the summer sale" shows.
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import type { ListFilter } from '../store/listing-index.ts';
import { AssetKind, AssetStatus, Orientation } from '../store/models.ts';
import { colourNames, hexToRgb, namedColour, rgbToLab } from '../vision/color.ts';
import { WARMTH_THRESHOLD } from '../vision/composition.ts';
import { type NameResolver, onlyOne } from './resolve.ts';

export const DEFAULT_MAX_DELTA_E = 10;
export const DEFAULT_MIN_COVERAGE = 0.05;

export const Selection = z.object({
  campaign: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .optional()
    .describe('campaign id, slug, name or a distinctive word of it ("spring", "holiday")'),
  channel: z
    .string()
    .trim()
    .min(1)
    .max(80)
    .optional()
    .describe(
      'channel slug, name or words: "instagram-story", "Instagram stories"; "Instagram" means every Instagram channel',
    ),
  status: AssetStatus.optional(),
  orientation: Orientation.optional(),
  kind: AssetKind.optional().describe('master (the key visuals), rendition, localized or variant'),
  locale: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .optional()
    .describe('locale tag, language or country: "de-DE", "de", "German", "Japan"'),
  colour: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .optional()
    .describe(
      'a colour name ("teal", "red") or hex ("#e0201b"), matched against each palette colour with CIEDE2000',
    ),
  maxDeltaE: z
    .number()
    .min(0.5)
    .max(50)
    .optional()
    .describe(
      `largest CIEDE2000 difference that still counts as the colour (default ${DEFAULT_MAX_DELTA_E})`,
    ),
  minCoverage: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(`share of the image the colour must cover, 0..1 (default ${DEFAULT_MIN_COVERAGE})`),
  warmth: z
    .enum(['warm', 'cool', 'neutral'])
    .optional()
    .meta({
      aliases: {
        warm: ['warm-coloured', 'warm-colored', 'warm-toned', 'warm tones', 'warmer'],
        cool: ['cool-coloured', 'cool-colored', 'cool-toned', 'cool tones', 'cooler', 'cold'],
        neutral: ['neutral-toned', 'neutral tones'],
      },
    })
    .describe(
      `overall colour temperature: warm (red over blue by more than ${WARMTH_THRESHOLD}), cool, or neutral`,
    ),
});
export type Selection = z.infer<typeof Selection>;

export const SELECTION_KEYS = Object.keys(Selection.shape) as (keyof Selection)[];

export interface ResolvedSelection {
  filter: ListFilter;
  /** How each part was read, e.g. ["campaign Summer Sale", "both Instagram channels"]. */
  read: string[];
}

export function isEmptySelection(s: Selection): boolean {
  return SELECTION_KEYS.every((k) => s[k] === undefined);
}

/**
 * `forChange`: a campaign word that fits several campaigns asks which, instead of taking all of
 * them: a change must cover exactly what was meant. (A channel word that names a group, such as
 * "Instagram", still means the whole group: that is what it says.)
 */
export async function resolveSelection(
  s: Selection,
  names: NameResolver,
  opts: { forChange?: boolean } = {},
): Promise<ResolvedSelection> {
  const filter: ListFilter = {};
  const read: string[] = [];
  if (s.campaign) {
    const all = await names.campaigns(s.campaign);
    const r = opts.forChange ? onlyOne(all, 'campaigns', s.campaign) : all;
    filter.campaign = r.values.map((c) => c.id);
    read.push(r.label);
  }
  if (s.channel) {
    const r = await names.channels(s.channel);
    filter.channel = r.values.map((c) => c.slug);
    read.push(r.label);
  }
  if (s.locale) {
    const r = await names.locales(s.locale);
    filter.locale = r.values;
    read.push(r.label);
  }
  if (s.status) {
    filter.status = [s.status];
    read.push(`status ${s.status}`);
  }
  if (s.kind) {
    filter.kind = [s.kind];
    read.push(`${s.kind}s`);
  }
  if (s.orientation) {
    filter.orientation = [s.orientation];
    read.push(s.orientation);
  }
  if (s.colour) {
    const c = parseColour(s.colour);
    const maxDeltaE = s.maxDeltaE ?? DEFAULT_MAX_DELTA_E;
    const minCoverage = s.minCoverage ?? DEFAULT_MIN_COVERAGE;
    filter.colour = { lab: rgbToLab(...hexToRgb(c.hex)), maxDeltaE, minCoverage };
    read.push(
      `colour ${c.name === c.hex ? c.hex : `${c.name} (${c.hex})`} within ΔE ${maxDeltaE} covering ≥ ${Math.round(minCoverage * 100)}%`,
    );
  } else if (s.maxDeltaE !== undefined || s.minCoverage !== undefined) {
    throw new AppError('invalid_input', 'maxDeltaE and minCoverage go with colour');
  }
  if (s.warmth) {
    filter.warmth = s.warmth;
    read.push(`${s.warmth} palette`);
  }
  return { filter, read };
}

/** A colour name or a hex code. */
export function parseColour(text: string): { name: string; hex: string } {
  const t = text.trim().toLowerCase();
  const hex = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/.exec(t);
  if (hex) {
    const h = hex[1]!.length === 3 ? [...hex[1]!].map((c) => c + c).join('') : hex[1]!;
    return { name: `#${h}`, hex: `#${h}` };
  }
  const named = namedColour(t.replace(/ish$/, ''));
  if (named) return named;
  throw new AppError(
    'invalid_input',
    `unknown colour "${text.slice(0, 40)}": give a hex code such as #e0201b or one of ${colourNames().join(', ')}`,
  );
}
