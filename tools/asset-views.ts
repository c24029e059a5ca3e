// Tool inputs and views shared by the asset tools.
import { z } from 'zod';
import type { AssetSummary } from '../assets/cards.ts';
import type { GridItem } from '../core/views.ts';

export const AssetIdInput = z
  .string()
  .min(2)
  .max(80)
  .describe(
    'asset id as returned by other tools, e.g. "k3j2m9x4p1q8abcd" (an "asset:" prefix is accepted)',
  );

/** The facts worth a glance: kind, status, size and shape, channel, locale, campaigns. */
export function assetFacts(a: AssetSummary): string[] {
  return [
    a.kind,
    a.status,
    `${a.width}×${a.height}`,
    a.orientation,
    a.channel,
    a.locale,
    a.campaigns.length ? `campaign ${a.campaigns.join(', ')}` : undefined,
  ].filter((f): f is string => !!f);
}

export const colourName = (label: string) => label.replace(/\s*#[0-9a-f]{6}$/i, '');

export function gridItem(a: AssetSummary): GridItem {
  return {
    id: a.id,
    title: a.title,
    thumbnailUrl: a.thumbnailUrl,
    facts: assetFacts(a),
    colours: a.topColors.map(colourName),
  };
}
