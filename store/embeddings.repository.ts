// Embedding rows: the source of truth the vector sidecar is rebuilt from. One row per asset and
// provider; writing again replaces it.
import { RecordId, type Surreal } from 'surrealdb';
import { z } from 'zod';
import { rid, zKey, zTime } from './ids.ts';
import { removedSince } from './tombstones.ts';

export interface EmbeddingRow {
  assetId: string;
  provider: string;
  model: string;
  assetVersion: number;
  vector: Float32Array;
  updatedAt: Date;
}

const Row = z.object({
  asset: zKey,
  provider: z.string(),
  model: z.string(),
  asset_version: z.number(),
  vector: z.array(z.number()),
  updated_at: zTime,
});

const toRow = (r: z.infer<typeof Row>): EmbeddingRow => ({
  assetId: r.asset,
  provider: r.provider,
  model: r.model,
  assetVersion: r.asset_version,
  vector: Float32Array.from(r.vector),
  updatedAt: new Date(r.updated_at),
});

/** Rows are read in pages of this many (a 100k library is 100 round trips, not one huge one). */
const PAGE = 1000;

export class EmbeddingsRepository {
  constructor(private readonly db: Surreal) {}

  async put(e: Omit<EmbeddingRow, 'updatedAt'>): Promise<void> {
    await this.db.query(
      `UPSERT $id CONTENT {
         asset: $asset, provider: $provider, model: $model, asset_version: $version, vector: $vector
       } RETURN NONE`,
      {
        id: new RecordId('embedding', [e.assetId, e.provider]),
        asset: rid('asset', e.assetId),
        provider: e.provider,
        model: e.model,
        version: e.assetVersion,
        vector: Array.from(e.vector),
      },
    );
  }

  async get(assetId: string, provider: string): Promise<EmbeddingRow | null> {
    const [rows] = await this.db.query<[unknown[]]>(
      `SELECT asset, provider, model, asset_version, vector, updated_at FROM embedding
       WHERE asset = $asset AND provider = $provider`,
      { asset: rid('asset', assetId), provider },
    );
    const r = Row.array().parse(rows)[0];
    return r ? toRow(r) : null;
  }

  async forAssets(assetIds: readonly string[], provider: string): Promise<EmbeddingRow[]> {
    if (!assetIds.length) return [];
    const [rows] = await this.db.query<[unknown[]]>(
      `SELECT asset, provider, model, asset_version, vector, updated_at FROM embedding
       WHERE asset IN $assets AND provider = $provider`,
      { assets: assetIds.map((id) => rid('asset', id)), provider },
    );
    return Row.array().parse(rows).map(toRow);
  }

  /** Every row of a provider written after `since` (all rows without it), oldest first, paged. */
  async *since(provider: string, since?: Date): AsyncGenerator<EmbeddingRow[]> {
    let after = since ?? new Date(0);
    let skip = new Set<string>();
    for (;;) {
      const [rows] = await this.db.query<[unknown[]]>(
        `SELECT asset, provider, model, asset_version, vector, updated_at FROM embedding
         WHERE provider = $provider AND updated_at >= $after
         ORDER BY updated_at LIMIT $limit`,
        { provider, after, limit: PAGE + skip.size },
      );
      const page = Row.array()
        .parse(rows)
        .map(toRow)
        .filter((r) => !(r.updatedAt.getTime() === after.getTime() && skip.has(r.assetId)));
      if (!page.length) return;
      yield page;
      const last = page.at(-1)!.updatedAt;
      // Rows sharing the last timestamp are read again next time; skip the ones already seen.
      skip = new Set(
        page.filter((r) => r.updatedAt.getTime() === last.getTime()).map((r) => r.assetId),
      );
      if (last.getTime() === after.getTime()) for (const r of page) skip.add(r.assetId);
      after = last;
      if (page.length < PAGE) return;
    }
  }

  async count(provider: string): Promise<number> {
    const [rows] = await this.db.query<[{ n: number }[]]>(
      'SELECT count() AS n FROM embedding WHERE provider = $provider GROUP ALL',
      { provider },
    );
    return rows[0]?.n ?? 0;
  }

  /** Assets deleted at or after `since`: their vectors are gone from the store. */
  removedSince(since?: Date): Promise<string[]> {
    return removedSince(this.db, since);
  }

  async remove(assetId: string): Promise<void> {
    await this.db.query('DELETE embedding WHERE asset = $asset', { asset: rid('asset', assetId) });
  }
}
