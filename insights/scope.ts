// The placements a performance question is about (campaign, channel, market, as people name
// them), and each placed asset's master: shared by top-performers and attribution.
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import type { Placement } from '../store/models.ts';
import type { PlacementTotals } from '../store/performance.repository.ts';

export interface ScopeInput {
  campaign?: string;
  channel?: string;
  market?: string;
}

export async function placementsIn(
  deps: Pick<Services, 'names' | 'catalog'>,
  input: ScopeInput,
): Promise<{ placements: Placement[]; read: string[] }> {
  const read: string[] = [];
  let placements = await deps.catalog.placements();
  if (input.campaign) {
    const r = await deps.names.campaigns(input.campaign);
    const ids = new Set(r.values.map((c) => c.id));
    placements = placements.filter((p) => ids.has(p.campaign));
    read.push(r.label);
  }
  if (input.channel) {
    const r = await deps.names.channels(input.channel);
    const ids = new Set(r.values.flatMap((c) => [c.id, c.slug]));
    placements = placements.filter((p) => ids.has(p.channel));
    read.push(r.label);
  }
  if (input.market) {
    const r = await deps.names.markets(input.market);
    placements = placements.filter((p) => p.market && r.values.includes(p.market));
    read.push(r.label);
  }
  if (!placements.length)
    throw new AppError(
      'not_found',
      `no placements ran${read.length ? ` for ${read.join(', ')}` : ''}`,
    );
  return { placements, read };
}

/** Each asset's master: up its derived_from and localized_from edges to the root. */
export async function mastersOf(deps: Pick<Services, 'graph'>): Promise<(id: string) => string> {
  const parent = new Map<string, string>();
  for (const e of await deps.graph.edges()) {
    if (e.edge !== 'variant_of') parent.set(e.child, e.parent);
  }
  return (id) => {
    let at = id;
    for (let i = 0; i < 16 && parent.has(at); i++) at = parent.get(at)!;
    return at;
  };
}

export interface CellRates {
  /** The CTR and CVR of a channel × market, smoothed toward the channel's (then everything's). */
  rate(p: { channel: string; market?: string | null }): { ctr: number; cvr: number };
  /** Clicks and conversions a placement's impressions and clicks would give at its cell's rates. */
  expected(t: { placement: string; impressions: number; clicks: number }): {
    clicks: number;
    conversions: number;
  };
}

/** A cell's rate counts as this many successes of its channel's: thin cells lean on the channel. */
const PSEUDO = 10;

/**
 * The channel × market rates over these totals: what a unit is measured against, so neither a
 * channel mix nor a market mix is an advantage. A cell is smoothed toward its channel's rate by
 * PSEUDO successes' worth, so a small market with no conversions yet is not valued at zero.
 */
export function cellRates(
  totals: readonly PlacementTotals[],
  byId: ReadonlyMap<string, { channel: string; market?: string | null }>,
): CellRates {
  const cells = new Map<string, { imp: number; clicks: number; conv: number }>();
  const keys = (p: { channel: string; market?: string | null }) =>
    [`${p.channel}|${p.market ?? ''}`, p.channel, ''] as const;
  for (const t of totals) {
    for (const key of keys(byId.get(t.placement)!)) {
      const c = cells.get(key) ?? { imp: 0, clicks: 0, conv: 0 };
      c.imp += t.impressions;
      c.clicks += t.clicks;
      c.conv += t.conversions;
      cells.set(key, c);
    }
  }
  const none = { imp: 0, clicks: 0, conv: 0 };
  const smooth = (k: number, n: number, prior: number) =>
    prior > 0 ? (k + PSEUDO) / (n + PSEUDO / prior) : n > 0 ? k / n : 0;
  const rate: CellRates['rate'] = (p) => {
    const [cell, channel, all] = keys(p).map((k) => cells.get(k) ?? none) as [
      typeof none,
      typeof none,
      typeof none,
    ];
    const allCtr = smooth(all.clicks, all.imp, 0);
    const allCvr = smooth(all.conv, all.clicks, 0);
    const chCtr = smooth(channel.clicks, channel.imp, allCtr);
    const chCvr = smooth(channel.conv, channel.clicks, allCvr);
    return {
      ctr: smooth(cell.clicks, cell.imp, chCtr),
      cvr: smooth(cell.conv, cell.clicks, chCvr),
    };
  };
  return {
    rate,
    expected: (t) => {
      const r = rate(byId.get(t.placement)!);
      return { clicks: t.impressions * r.ctr, conversions: t.clicks * r.cvr };
    },
  };
}
