import { z } from 'zod';
import { views } from '../core/views.ts';
import { usesOf } from '../graph/uses.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

const SHOWN = 60;

const Use = z.object({
  placement: z.string(),
  asset: z.string(),
  assetTitle: z.string(),
  /** 0: the asset itself; n: n levels below it (a rendition, a cut of a rendition…). */
  depth: z.number(),
  campaign: z.string(),
  channel: z.string(),
  market: z.string().optional(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
  live: z.boolean().describe('its campaign is active and its flight has not ended'),
});

export const whereUsed = defineTool({
  name: 'where-used',
  title: 'Where used',
  description:
    'The placements and campaigns that use an asset or anything made from it (its renditions, localized cuts and variants, all the way down), which of them are live, and through which derived asset. Counts come first; up to 60 placements are listed.',
  annotations: { readOnly: true, idempotent: true },
  input: z.object({ assetId: AssetIdInput }),
  output: z.object({
    asset: z.object({ id: z.string(), title: z.string() }),
    uses: z.array(Use).describe(`the first ${SHOWN}, live first`),
    campaigns: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        status: z.string(),
        placements: z.number(),
        live: z.number(),
      }),
    ),
    counts: z.object({
      placements: z.number(),
      live: z.number(),
      campaigns: z.number(),
      assets: z.number().describe('the asset and everything made from it'),
    }),
  }),
  examples: [
    { say: 'where is {id} used' },
    { say: 'which campaigns use {id}' },
    { say: 'where is {id} or anything made from it running' },
    { say: 'what placements use {id} or its renditions' },
    { say: 'is {id} used anywhere live' },
  ],
  view: (out) =>
    views.table({
      title: `${out.asset.id} "${out.asset.title}" and what was made from it (${out.counts.assets} asset${out.counts.assets === 1 ? '' : 's'}): ${out.counts.placements} placement${out.counts.placements === 1 ? '' : 's'} in ${out.counts.campaigns} campaign${out.counts.campaigns === 1 ? '' : 's'}, ${out.counts.live} live${out.campaigns.length ? `; ${out.campaigns.map((c) => `${c.name}: ${c.placements} (${c.live} live)`).join(', ')}` : ''}`,
      columns: ['placement', 'asset', 'via', 'campaign', 'channel', 'market', 'flight', 'live'],
      rows: out.uses.map((u) => [
        u.placement,
        u.asset,
        u.depth === 0 ? 'itself' : `${u.depth} level${u.depth === 1 ? '' : 's'} down`,
        u.campaign,
        u.channel,
        u.market ?? '–',
        u.startDate || u.endDate ? `${u.startDate ?? '…'} to ${u.endDate ?? '…'}` : '–',
        u.live ? 'live' : '–',
      ]),
      total: out.counts.placements,
    }),
  run: async ({ assetId }, deps) => {
    const { root, depthOf, placements, campaigns, live: liveOf } = await usesOf(deps, assetId);
    const sorted = [...placements].sort(
      (a, b) => Number(liveOf(b)) - Number(liveOf(a)) || a.id.localeCompare(b.id),
    );
    const shown = sorted.slice(0, SHOWN);
    const titles = new Map(
      (await deps.assets.byIds([...new Set(shown.map((p) => p.asset))])).map((a) => [
        a.id,
        a.title,
      ]),
    );
    const byCampaign = new Map<string, { placements: number; live: number }>();
    for (const p of placements) {
      const c = byCampaign.get(p.campaign) ?? { placements: 0, live: 0 };
      c.placements++;
      if (liveOf(p)) c.live++;
      byCampaign.set(p.campaign, c);
    }
    return {
      asset: { id: root.id, title: root.title },
      uses: shown.map((p) => ({
        placement: p.id,
        asset: p.asset,
        assetTitle: titles.get(p.asset) ?? p.asset,
        depth: depthOf.get(p.asset) ?? 0,
        campaign: p.campaign,
        channel: p.channel,
        market: p.market,
        startDate: p.startDate,
        endDate: p.endDate,
        live: liveOf(p),
      })),
      campaigns: [...byCampaign.entries()].map(([cid, c]) => ({
        id: cid,
        name: campaigns.get(cid)?.name ?? cid,
        status: campaigns.get(cid)?.status ?? 'unknown',
        ...c,
      })),
      counts: {
        placements: placements.length,
        live: placements.filter(liveOf).length,
        campaigns: byCampaign.size,
        assets: depthOf.size,
      },
    };
  },
});
