// Compact views of assets for tool outputs: ids, titles, thumbnail URLs and the few numbers that matter.
import { z } from 'zod';
import type { FileUrls } from '../core/deps.ts';
import { type Asset, AssetKind, AssetStatus } from '../store/models.ts';

export const AssetSummary = z.object({
  id: z.string(),
  title: z.string(),
  kind: AssetKind,
  status: AssetStatus,
  width: z.number(),
  height: z.number(),
  orientation: z.string().optional(),
  channel: z.string().optional(),
  locale: z.string().optional(),
  campaigns: z.array(z.string()),
  topColors: z.array(z.string()),
  thumbnailUrl: z.string(),
});
export type AssetSummary = z.infer<typeof AssetSummary>;

export function summarize(a: Asset, urls: FileUrls): AssetSummary {
  return {
    id: a.id,
    title: a.title || a.originalName,
    kind: a.kind,
    status: a.status,
    width: a.width,
    height: a.height,
    orientation: a.composition?.orientation,
    channel: a.channel,
    locale: a.locale,
    campaigns: a.campaigns,
    topColors: a.palette.slice(0, 3).map((c) => `${c.name} ${c.hex}`),
    thumbnailUrl: urls.thumbnail(a.id),
  };
}

export const AssetIdInput = z
  .string()
  .min(2)
  .max(80)
  .describe(
    'asset id as returned by other tools, e.g. "k3j2m9x4p1q8abcd" (an "asset:" prefix is accepted)',
  );
