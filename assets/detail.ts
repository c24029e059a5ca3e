// One asset with its neighbours in the lineage graph and its placements: what "show me asset X"
// needs, read in parallel.
import type { Services } from '../core/deps.ts';
import { parseKey } from '../store/ids.ts';

export async function assetDetail(deps: Services, assetId: string) {
  const id = parseKey('asset', assetId);
  const asset = await deps.assets.get(id);
  const [{ parents, children }, placements] = await Promise.all([
    deps.graph.neighbours(id),
    deps.catalog.placements({ asset: id }),
  ]);
  return { id, asset, parents, children, placements };
}
