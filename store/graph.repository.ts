// Typed edges between assets (derived_from, localized_from, variant_of) and the lineage walk over them.
import type { Surreal } from 'surrealdb';
import { z } from 'zod';
import { rid, zKey } from './ids.ts';

export type AssetEdge = 'derived_from' | 'localized_from' | 'variant_of';

const EdgeRow = z.object({
  in: zKey,
  out: zKey,
  recipe: z.unknown().optional(),
  locale: z.unknown().optional(),
});

export interface LineageNode {
  id: string;
  edge: AssetEdge;
  parent: string;
  depth: number;
}

export class GraphRepository {
  constructor(private readonly db: Surreal) {}

  /** child -edge-> parent, idempotent; `data` carries the recipe or the locale. */
  async relate(edge: AssetEdge, child: string, parent: string, data: Record<string, unknown> = {}) {
    await this.db.query(
      `IF (SELECT id FROM type::table($edge) WHERE in = $child AND out = $parent) = [] {
         RELATE $child->(type::table($edge))->$parent CONTENT $data;
       };`,
      { edge, child: rid('asset', child), parent: rid('asset', parent), data },
    );
  }

  /** The rendition a recipe made, by the recipe's hash: child, parent and what the edge carries. */
  async byRecipeHash(
    hashes: readonly string[],
  ): Promise<Map<string, { child: string; parent: string; data: Record<string, unknown> }>> {
    const out = new Map<string, { child: string; parent: string; data: Record<string, unknown> }>();
    if (!hashes.length) return out;
    const [rows] = await this.db.query<[unknown[]]>(
      'SELECT * FROM derived_from WHERE recipe_hash IN $hashes',
      { hashes: [...new Set(hashes)] },
    );
    for (const raw of rows) {
      const r = EdgeRow.extend({ recipe_hash: z.string() }).passthrough().parse(raw);
      const { in: child, out: parent, id: _id, ...data } = r as typeof r & { id?: unknown };
      out.set(r.recipe_hash, { child, parent, data });
    }
    return out;
  }

  /** The renditions the engine made of an asset (derived_from edges with a recipe), newest first. */
  async renditionsOf(
    parent: string,
  ): Promise<{ child: string; hash: string; data: Record<string, unknown> }[]> {
    const [rows] = await this.db.query<[unknown[]]>(
      'SELECT * FROM derived_from WHERE out = $p AND recipe_hash != NONE',
      { p: rid('asset', parent) },
    );
    return rows.map((raw) => {
      const r = EdgeRow.extend({ recipe_hash: z.string() }).passthrough().parse(raw);
      const {
        in: child,
        out: _o,
        id: _id,
        recipe_hash,
        ...data
      } = r as typeof r & { id?: unknown };
      return { child, hash: recipe_hash, data: { ...data, recipe_hash } };
    });
  }

  async edges(): Promise<{ edge: AssetEdge; child: string; parent: string }[]> {
    const out: { edge: AssetEdge; child: string; parent: string }[] = [];
    for (const edge of ['derived_from', 'localized_from', 'variant_of'] as const) {
      const [rows] = await this.db.query<[unknown[]]>('SELECT in, out FROM type::table($edge)', {
        edge,
      });
      for (const r of EdgeRow.array().parse(rows)) out.push({ edge, child: r.in, parent: r.out });
    }
    return out;
  }

  /** Direct parents and children of an asset. */
  async neighbours(id: string): Promise<{ parents: LineageNode[]; children: LineageNode[] }> {
    const a = rid('asset', id);
    const parents: LineageNode[] = [];
    const children: LineageNode[] = [];
    for (const edge of ['derived_from', 'localized_from', 'variant_of'] as const) {
      const [up] = await this.db.query<[unknown[]]>(
        'SELECT in, out FROM type::table($edge) WHERE in = $a',
        { edge, a },
      );
      for (const r of EdgeRow.array().parse(up))
        parents.push({ id: r.out, edge, parent: id, depth: 1 });
      const [down] = await this.db.query<[unknown[]]>(
        'SELECT in, out FROM type::table($edge) WHERE out = $a',
        { edge, a },
      );
      for (const r of EdgeRow.array().parse(down))
        children.push({ id: r.in, edge, parent: id, depth: 1 });
    }
    return { parents, children };
  }
}
