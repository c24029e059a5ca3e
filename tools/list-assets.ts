import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { AssetKind, AssetStatus, Orientation } from '../store/models.ts';
import { AssetSummary, summarize } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

export const ListAssetsInput = z.object({
  campaign: z.string().max(120).optional().describe('campaign id, slug or name'),
  channel: z.string().max(80).optional().describe('channel slug, e.g. "instagram-feed"'),
  status: AssetStatus.optional(),
  orientation: Orientation.optional(),
  kind: AssetKind.optional().describe('master, rendition, localized or variant'),
  locale: z.string().max(20).optional().describe('e.g. "de-DE"'),
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional().describe('the `next` value of a previous page'),
});

export const ListAssetsResult = z.object({
  items: z.array(AssetSummary),
  total: z.number(),
  next: z.string().nullable(),
});

export const listAssets = defineTool({
  name: 'list-assets',
  title: 'List assets',
  description:
    'Lists assets newest first, filtered by campaign, channel, status, orientation, kind or locale. Paginated: pass `next` back as `cursor`.',
  annotations: { readOnly: true, idempotent: true },
  input: ListAssetsInput,
  output: ListAssetsResult,
  run: async ({ limit, cursor, campaign, ...filter }, deps) => {
    let campaignId: string | undefined;
    if (campaign) {
      const c = await deps.catalog.findCampaign(campaign);
      if (!c) throw new AppError('not_found', `no campaign matches "${campaign}"`);
      campaignId = c.id;
    }
    const f = { ...filter, campaign: campaignId };
    const [page, total] = await Promise.all([
      deps.assets.list(f, { limit, cursor }),
      deps.assets.count(f),
    ]);
    return { items: page.items.map((a) => summarize(a, deps.urls)), total, next: page.next };
  },
});
