import { z } from 'zod';
import { shiftDay } from '../core/dates.ts';
import { views } from '../core/views.ts';
import { usesOf } from '../graph/uses.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

const PAGE = 50;
const WINDOW_DAYS = 30;

const Placed = z.object({
  placement: z.string(),
  asset: z.string(),
  depth: z.number().describe('0: the asset itself; n: n levels below it'),
  campaign: z.string(),
  channel: z.string(),
  market: z.string().optional(),
  live: z.boolean(),
  spend: z.number().describe(`the last ${WINDOW_DAYS} days to asOf`),
  conversions: z.number(),
  impressions: z.number(),
});

export const impactOfChange = defineTool({
  name: 'impact-of-change',
  title: 'Impact of a change',
  description: `What changing an asset would touch: every asset made from it (all the way down), what of that a new version would re-render from its recipe and what a person must re-make, the placements and campaigns they feed with which are live, and their spend, conversions and impressions over the last ${WINDOW_DAYS} days to asOf (the latest day with performance data). Counts come first; placements are listed ${PAGE} at a time, the costliest first.`,
  annotations: { readOnly: true, idempotent: true },
  input: z.object({
    assetId: AssetIdInput,
    cursor: z.string().max(12).optional().describe('the next page of placements, as returned'),
  }),
  output: z.object({
    asset: z.object({ id: z.string(), title: z.string(), kind: z.string() }),
    counts: z.object({
      descendants: z.number(),
      byKind: z.record(z.string(), z.number()),
      rerender: z
        .number()
        .describe('descendants a new version re-makes from their recipes (the ripple)'),
      manual: z
        .number()
        .describe(
          'renditions and cuts the engine cannot re-make from a new version (no recipe, or a template layout): a person re-makes them',
        ),
      placements: z.number(),
      live: z.number(),
      campaigns: z.number(),
    }),
    window: z.object({ from: z.string(), to: z.string(), asOf: z.string() }).nullable(),
    totals: z.object({ spend: z.number(), conversions: z.number(), impressions: z.number() }),
    campaigns: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        live: z.number(),
        placements: z.number(),
        spend: z.number(),
        conversions: z.number(),
      }),
    ),
    placements: z.array(Placed),
    next: z.string().nullable(),
  }),
  examples: [
    { say: 'what is the impact of changing {id}' },
    { say: 'what would changing {id} affect' },
    { say: 'if we update {id}, what is affected' },
    { say: 'what depends on {id}' },
    { say: 'how much spend rides on {id}' },
  ],
  view: (out) => {
    const c = out.counts;
    const money = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
    const kinds = Object.entries(c.byKind)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    return views.table({
      title: `Changing ${out.asset.id} "${out.asset.title}" touches ${c.descendants} derived asset${c.descendants === 1 ? '' : 's'}${kinds ? ` (${kinds})` : ''}: ${c.rerender} re-rendered from their recipes${c.manual ? `, ${c.manual} for a person to re-make` : ''}; ${c.placements} placement${c.placements === 1 ? '' : 's'} in ${c.campaigns} campaign${c.campaigns === 1 ? '' : 's'}, ${c.live} live${out.window ? `; the last ${WINDOW_DAYS} days (${out.window.from} to ${out.window.to}): spend ${money(out.totals.spend)}, ${money(out.totals.conversions)} conversions` : '; no performance data'}${out.campaigns.length ? ` — ${out.campaigns.map((k) => `${k.name}: ${k.placements} placements (${k.live} live), spend ${money(k.spend)}`).join('; ')}` : ''}`,
      columns: [
        'placement',
        'asset',
        'via',
        'campaign',
        'channel',
        'market',
        'live',
        'spend',
        'conversions',
      ],
      rows: out.placements.map((p) => [
        p.placement,
        p.asset,
        p.depth === 0 ? 'itself' : `${p.depth} down`,
        p.campaign,
        p.channel,
        p.market ?? '–',
        p.live ? 'live' : '–',
        Math.round(p.spend * 100) / 100,
        p.conversions,
      ]),
      total: c.placements,
      ...(out.next ? { note: `More placements: ask again with cursor ${out.next}.` } : {}),
    });
  },
  run: async ({ assetId, cursor }, deps) => {
    // asOf does not depend on the asset: read it while the walk runs.
    const latest = deps.performance.latestDay();
    const uses = await usesOf(deps, assetId);
    const { root, steps, depthOf, placements, campaigns, live } = uses;
    const byKind: Record<string, number> = {};
    for (const s of steps) {
      const kind = uses.assets.get(s.id)?.kind;
      if (kind) byKind[kind] = (byKind[kind] ?? 0) + 1;
    }
    // What a new version would re-make, by the rules the ripple plans with.
    const plan = deps.ripples.planOf(uses);
    const asOf = await latest;
    const window = asOf ? { from: shiftDay(asOf, -(WINDOW_DAYS - 1)), to: asOf, asOf } : null;
    const totals = window
      ? await deps.performance.totalsFor(
          placements.map((p) => p.id),
          window,
        )
      : new Map();
    const rows = placements.map((p) => {
      const t = totals.get(p.id);
      return {
        placement: p.id,
        asset: p.asset,
        depth: depthOf.get(p.asset) ?? 0,
        campaign: p.campaign,
        channel: p.channel,
        market: p.market,
        live: live(p),
        spend: t?.spend ?? 0,
        conversions: t?.conversions ?? 0,
        impressions: t?.impressions ?? 0,
      };
    });
    rows.sort((a, b) => b.spend - a.spend || a.placement.localeCompare(b.placement));
    const byCampaign = new Map<
      string,
      { live: number; placements: number; spend: number; conversions: number }
    >();
    for (const r of rows) {
      const k = byCampaign.get(r.campaign) ?? { live: 0, placements: 0, spend: 0, conversions: 0 };
      k.placements++;
      if (r.live) k.live++;
      k.spend += r.spend;
      k.conversions += r.conversions;
      byCampaign.set(r.campaign, k);
    }
    const start = cursor ? Number.parseInt(cursor, 10) || 0 : 0;
    const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((n, r) => n + f(r), 0);
    return {
      asset: { id: root.id, title: root.title, kind: root.kind },
      counts: {
        descendants: steps.length,
        byKind,
        rerender: plan.remake,
        manual: plan.manual,
        placements: rows.length,
        live: rows.filter((r) => r.live).length,
        campaigns: byCampaign.size,
      },
      window,
      totals: {
        spend: Math.round(sum((r) => r.spend) * 100) / 100,
        conversions: sum((r) => r.conversions),
        impressions: sum((r) => r.impressions),
      },
      campaigns: [...byCampaign.entries()].map(([cid, k]) => ({
        id: cid,
        name: campaigns.get(cid)?.name ?? cid,
        ...k,
        spend: Math.round(k.spend * 100) / 100,
      })),
      placements: rows.slice(start, start + PAGE),
      next: start + PAGE < rows.length ? String(start + PAGE) : null,
    };
  },
});
