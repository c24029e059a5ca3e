// Which placement an export row is about. Exports carry the platform's ad and creative ids and
// names, not Curator's, so a row is matched, in this order, by:
// 1. a placement id in the row (generic exports);
// 2. a stored mapping of the platform's ad or creative id (`curator import-performance --map`);
// 3. the ad or creative name: a placement id, or an asset's title or file name (without its
//    extension), narrowed by the row's campaign and market when the asset runs in several.
// What fits nothing, or fits several placements, is reported with the reason; nothing is invented.
import type { Services } from '../../core/deps.ts';
import type { Placement } from '../../store/models.ts';

export interface RowRefs {
  placement?: string;
  adId?: string;
  adName?: string;
  campaign?: string;
  market?: string;
}

export type Match =
  | { placement: string; ref: string; reason?: undefined }
  | { placement?: undefined; ref: string; reason: string };

const key = (s: string) =>
  s
    .toLowerCase()
    .replace(/\.(?:jpe?g|png|webp|gif|tiff?|avif|heic)$/i, '')
    .replace(/[\s_]+/g, ' ')
    .trim();

export async function createMatcher(
  deps: Pick<Services, 'performance' | 'catalog' | 'assets'>,
  source: string,
): Promise<(row: RowRefs) => Match> {
  const placements = await deps.catalog.placements();
  const byId = new Map(placements.map((p) => [p.id, p]));
  const mapped = await deps.performance.mappings(source);
  const campaigns = await deps.catalog.campaigns();
  const assets = await deps.assets.byIds([...new Set(placements.map((p) => p.asset))]);
  const byName = new Map<string, Set<string>>();
  for (const a of assets)
    for (const n of [a.title, a.originalName])
      if (n) byName.set(key(n), (byName.get(key(n)) ?? new Set()).add(a.id));
  const placedOf = new Map<string, Placement[]>();
  for (const p of placements) placedOf.set(p.asset, [...(placedOf.get(p.asset) ?? []), p]);

  return (row) => {
    const ref = row.adId || row.adName || row.placement || '(no ad id or name)';
    if (row.placement) {
      if (byId.has(row.placement)) return { placement: row.placement, ref };
      return { ref, reason: `no placement "${row.placement}"` };
    }
    if (row.adId) {
      const p = mapped.get(row.adId);
      if (p && byId.has(p)) return { placement: p, ref };
    }
    const name = row.adName ? key(row.adName) : '';
    if (name && byId.has(row.adName!.trim())) return { placement: row.adName!.trim(), ref };
    let found = [...(byName.get(name) ?? [])].flatMap((a) => placedOf.get(a) ?? []);
    if (row.campaign && found.length > 1) {
      const c = key(row.campaign);
      const ids = new Set(
        campaigns
          .filter((x) => key(x.name) === c || key(x.slug) === c || x.id === row.campaign)
          .map((x) => x.id),
      );
      found = found.filter((p) => ids.has(p.campaign));
    }
    if (row.market && found.length > 1)
      found = found.filter((p) => p.market?.toUpperCase() === row.market!.toUpperCase());
    if (found.length === 1) return { placement: found[0]!.id, ref };
    if (found.length > 1)
      return {
        ref,
        reason: `"${row.adName}" runs in ${found.length} placements (${found
          .slice(0, 4)
          .map((p) => p.id)
          .join(', ')}${found.length > 4 ? ', …' : ''}): add its ad id to a mapping`,
      };
    return {
      ref,
      reason: row.adId
        ? `no mapping for ad id ${row.adId}${row.adName ? `, and no placed asset named "${row.adName}"` : ''}`
        : row.adName
          ? `no placed asset named "${row.adName}"`
          : 'the row names no ad, creative or placement',
    };
  };
}
