// Deleting assets without breaking the graph. An asset that others were made from (renditions,
// cuts, variants) is refused unless the caller chooses what happens to them: `cascade` deletes
// everything made from it too; `reparent` hangs its direct children from its own parent. An asset
// that a placement uses is refused either way: its performance history would lose its creative,
// so archiving is the way to retire it.
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import type { AssetEdge } from '../store/graph.repository.ts';
import { parseKey } from '../store/ids.ts';
import type { Asset } from '../store/models.ts';

export type Dependents = 'refuse' | 'cascade' | 'reparent';

export interface DeletePlan {
  root: Asset;
  /** Every asset that goes: the root, and with cascade all that was made from it. */
  ids: string[];
  /** With reparent: the children that move, and to which parent by which edge. */
  moves: { child: string; edge: AssetEdge; to: string }[];
  /** What was made from it, by kind. */
  dependents: { total: number; byKind: Record<string, number> };
}

const plural = (n: number, w: string) =>
  `${n} ${w}${n === 1 ? '' : w.endsWith('child') ? 'ren' : 's'}`;
/** Asset kinds as people count them: "2 localized cuts", not "2 localizeds". */
const KIND_NOUN: Record<string, string> = { localized: 'localized cut' };

/** What a delete would do, or the reason it is refused (an AppError 'conflict'). */
export async function planDelete(
  deps: Services,
  assetId: string,
  mode: Dependents = 'refuse',
): Promise<DeletePlan> {
  const id = parseKey('asset', assetId);
  const root = await deps.assets.get(id);
  const below = (await deps.graph.walk(id, 'down', 64)).steps;
  const children = below.filter((s) => s.depth === 1);
  const kinds = await deps.assets.byIds(below.map((s) => s.id));
  const byKind: Record<string, number> = {};
  for (const a of kinds) byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
  const dependents = { total: below.length, byKind };
  const words = Object.entries(byKind)
    .map(([k, n]) => plural(n, KIND_NOUN[k] ?? k))
    .join(', ');
  let ids = [id];
  let moves: DeletePlan['moves'] = [];
  if (below.length && mode === 'refuse') {
    throw new AppError(
      'conflict',
      `${id} "${root.title}" has ${plural(below.length, 'dependent')} (${words}) made from it: choose cascade to delete them too, or reparent to hang its ${plural(children.length, 'direct child')} from its own parent — or archive it instead`,
      409,
      { dependents: below.length, byKind },
    );
  }
  if (mode === 'cascade') ids = [id, ...below.map((s) => s.id)];
  if (mode === 'reparent' && children.length) {
    const [parent] = (await deps.graph.walk(id, 'up', 1)).steps;
    if (!parent) {
      throw new AppError(
        'conflict',
        `${id} "${root.title}" has no parent to hang its ${plural(children.length, 'child')} from: choose cascade, or archive it instead`,
      );
    }
    moves = children.map((c) => ({ child: c.id, edge: c.edge, to: parent.id }));
  }
  const placed = await deps.graph.placementsOf(ids);
  if (placed.length) {
    const where = [...new Set(placed.map((p) => p.campaign))];
    throw new AppError(
      'conflict',
      `${plural(placed.length, 'placement')} (campaign${where.length === 1 ? '' : 's'} ${where.slice(0, 5).join(', ')}) use${placed.length === 1 ? 's' : ''} ${ids.length === 1 ? 'it' : 'what would be deleted'}: deleting would cut their performance history from its creative, so archive it instead (set-asset-status archived)`,
      409,
      { placements: placed.length },
    );
  }
  return { root, ids, moves, dependents };
}

/** Carries out a plan: children move first (a cycle is refused), then the assets go. */
export async function deleteAssets(
  deps: Services,
  plan: DeletePlan,
  by: { actor: string; approvedBy?: string; approvalId?: string },
): Promise<{ deleted: string[]; moved: DeletePlan['moves'] }> {
  for (const m of plan.moves) {
    const data = (await deps.graph.edgeData(m.edge, m.child, plan.root.id)) ?? {};
    await deps.graph.relate(m.edge, m.child, m.to, { ...data, reparented_from: plan.root.id });
  }
  await deps.assets.deleteMany(plan.ids);
  // This process's sidecars forget them now; other processes read the tombstones.
  deps.graph.changed();
  deps.text.remove(plan.ids);
  deps.vectors.remove(plan.ids);
  await deps.clip.remove(plan.ids);
  for (const id of plan.ids) {
    await deps.audit.record({
      actor: by.actor,
      action: 'asset.delete',
      target: `asset:${id}`,
      changes: {
        asset: {
          before: id === plan.root.id ? { title: plan.root.title, kind: plan.root.kind } : { id },
          after: null,
        },
        ...(id === plan.root.id && plan.moves.length
          ? { children: { before: plan.root.id, after: plan.moves.map((m) => m.child) } }
          : {}),
      },
      approvedBy: by.approvedBy,
      approvalId: by.approvalId,
    });
  }
  deps.log.info({ deleted: plan.ids.length, moved: plan.moves.length }, 'assets deleted');
  return { deleted: plan.ids, moved: plan.moves };
}
