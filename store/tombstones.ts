// Tombstones of deleted assets, for the sidecar indexes: what was removed at or after a time.
// Commits land out of order, so readers look back a little before their watermark; dropping an id
// twice is harmless (ids are never reused).
import type { Surreal } from 'surrealdb';
import { z } from 'zod';
import { zKey } from './ids.ts';

export const TOMBSTONE_OVERLAP_MS = 5_000;

export async function removedSince(db: Surreal, since?: Date): Promise<string[]> {
  const from = new Date(Math.max(0, (since?.getTime() ?? 0) - TOMBSTONE_OVERLAP_MS));
  const [rows] = await db.query<[unknown[]]>(
    'SELECT id FROM asset_tombstone WHERE deleted_at >= $from',
    { from },
  );
  return z
    .object({ id: zKey })
    .array()
    .parse(rows ?? [])
    .map((r) => r.id);
}
