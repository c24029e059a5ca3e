// The compact card of an asset that lists and tools return: ids, title, thumbnail URL and the few
// numbers that matter. Built from a listing entry (lists) or a whole asset (get-asset).
import { z } from 'zod';
import type { FileUrls } from '../core/deps.ts';
import type { Listed } from '../store/listing-index.ts';
import { type Asset, AssetKind, AssetStatus } from '../store/models.ts';
import { topColorLabels } from '../vision/palette.ts';

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

type CardFields = Pick<
  Listed,
  | 'id'
  | 'title'
  | 'kind'
  | 'status'
  | 'width'
  | 'height'
  | 'orientation'
  | 'channel'
  | 'locale'
  | 'campaigns'
  | 'topColors'
>;

export const card = (e: CardFields, urls: FileUrls): AssetSummary => ({
  id: e.id,
  title: e.title,
  kind: e.kind,
  status: e.status,
  width: e.width,
  height: e.height,
  orientation: e.orientation,
  channel: e.channel,
  locale: e.locale,
  campaigns: e.campaigns,
  topColors: e.topColors,
  thumbnailUrl: urls.thumbnail(e.id),
});

export const summarize = (a: Asset, urls: FileUrls): AssetSummary =>
  card(
    {
      ...a,
      title: a.title || a.originalName,
      orientation: a.composition?.orientation,
      topColors: topColorLabels(a.palette),
    },
    urls,
  );
