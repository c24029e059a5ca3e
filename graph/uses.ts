// What an asset and everything made from it feed: the walk down its lineage, the placements of
// every asset reached, and which of them are live. where-used and impact-of-change read this.
import type { Services } from '../core/deps.ts';
import type { LineageStep } from '../store/graph.repository.ts';
import { parseKey } from '../store/ids.ts';
import type { Asset, Campaign, Placement } from '../store/models.ts';

export interface Uses {
  root: Asset;
  /** Every asset made from the root, level by level. */
  steps: LineageStep[];
  /** Levels below the root: 0 for the root itself. */
  depthOf: Map<string, number>;
  /** Every asset reached, the root included, read once for everyone who needs their fields. */
  assets: Map<string, Asset>;
  placements: Placement[];
  campaigns: Map<string, Campaign>;
  /** Its campaign is active and its flight has not ended. */
  live(p: Placement): boolean;
}

export async function usesOf(deps: Services, assetId: string, depth = 10): Promise<Uses> {
  const id = parseKey('asset', assetId);
  const [root, { steps }] = await Promise.all([
    deps.assets.get(id),
    deps.graph.walk(id, 'down', depth),
  ]);
  const depthOf = new Map<string, number>([[id, 0], ...steps.map((s) => [s.id, s.depth] as const)]);
  const [placements, campaignList, found] = await Promise.all([
    deps.graph.placementsOf([...depthOf.keys()]),
    deps.catalog.campaigns(),
    deps.assets.byIds(steps.map((s) => s.id)),
  ]);
  const assets = new Map([[root.id, root], ...found.map((a) => [a.id, a] as const)]);
  const campaigns = new Map(campaignList.map((c) => [c.id, c]));
  const today = new Date().toISOString().slice(0, 10);
  const live = (p: Placement) =>
    campaigns.get(p.campaign)?.status === 'active' && (!p.endDate || p.endDate >= today);
  return { root, steps, depthOf, assets, placements, campaigns, live };
}
