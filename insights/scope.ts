// The placements a performance question is about (campaign, channel, market, as people name
// them), and each placed asset's master: shared by top-performers and attribution.
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import type { Placement } from '../store/models.ts';

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
