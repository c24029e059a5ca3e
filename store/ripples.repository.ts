// Ripples: the stored plan and progress of re-making what was derived from a changed asset. The
// plan is written before anything runs and each item's outcome as it lands, so a ripple that was
// interrupted (a restart, a killed worker) resumes where it stopped. One runner writes a ripple.
import type { Surreal } from 'surrealdb';
import { z } from 'zod';
import { newId, opt, rid, zKey, zTime } from './ids.ts';

export const RippleState = z.enum(['awaiting_approval', 'running', 'done', 'cancelled']);
export type RippleState = z.infer<typeof RippleState>;

export const RippleItem = z.object({
  asset: z.string(),
  /** The asset it is re-made from: the changed asset or a rendition re-made before it. */
  parent: z.string(),
  depth: z.number().int(),
  edge: z.enum(['derived_from', 'localized_from']),
  title: z.string(),
  spec: z.string().optional(),
  locale: z.string().optional(),
  /** remake: the engine re-makes it from its recipe; manual: a person must (the reason says why). */
  action: z.enum(['remake', 'manual']),
  reason: z.string(),
  state: z.enum(['pending', 'done', 'unchanged', 'failed', 'manual']),
  /** The recipe hash before and after the ripple. */
  hashBefore: z.string().optional(),
  hash: z.string().optional(),
  /** The asset's version when the ripple was planned, and after it was re-made. */
  versionBefore: z.number().int().optional(),
  version: z.number().int().optional(),
  error: z.string().optional(),
});
export type RippleItem = z.infer<typeof RippleItem>;

export const RippleRecord = z.object({
  id: z.string(),
  root: z.string(),
  rootTitle: z.string(),
  fromVersion: z.number().int(),
  toVersion: z.number().int(),
  state: RippleState,
  /** Why it waits for a person (more files than the limit, live placements), when it does. */
  approval: z.array(z.string()),
  approvedBy: z.string().optional(),
  items: z.array(RippleItem),
  live: z.object({ placements: z.number(), campaigns: z.array(z.string()) }),
  createdBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  note: z.string().optional(),
});
export type RippleRecord = z.infer<typeof RippleRecord>;

const Row = z.object({
  id: zKey,
  root: zKey,
  root_title: z.string(),
  from_version: z.number(),
  to_version: z.number(),
  state: RippleState,
  approval: z.array(z.string()).default([]),
  approved_by: opt(z.string()),
  items: z.array(RippleItem),
  live: z.object({ placements: z.number(), campaigns: z.array(z.string()) }),
  created_by: z.string(),
  created_at: zTime,
  started_at: opt(zTime),
  finished_at: opt(zTime),
  note: opt(z.string()),
});

const toRecord = (r: z.infer<typeof Row>): RippleRecord => ({
  id: r.id,
  root: r.root,
  rootTitle: r.root_title,
  fromVersion: r.from_version,
  toVersion: r.to_version,
  state: r.state,
  approval: r.approval,
  approvedBy: r.approved_by,
  items: r.items,
  live: r.live,
  createdBy: r.created_by,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  note: r.note,
});

const rows = (v: unknown) => Row.array().parse(Array.isArray(v) ? v : v ? [v] : []);

export class RipplesRepository {
  constructor(private readonly db: Surreal) {}

  async create(
    r: Omit<RippleRecord, 'id' | 'createdAt' | 'startedAt' | 'finishedAt'>,
  ): Promise<RippleRecord> {
    const [out] = await this.db.query<[unknown]>('CREATE $id CONTENT $c RETURN AFTER', {
      id: rid('ripple', newId()),
      c: {
        root: rid('asset', r.root),
        root_title: r.rootTitle.slice(0, 200),
        from_version: r.fromVersion,
        to_version: r.toVersion,
        state: r.state,
        approval: r.approval,
        ...(r.approvedBy ? { approved_by: r.approvedBy } : {}),
        items: r.items,
        live: r.live,
        created_by: r.createdBy,
        created_at: new Date(),
        ...(r.note ? { note: r.note } : {}),
      },
    });
    return toRecord(rows(out)[0]!);
  }

  async get(id: string): Promise<RippleRecord | null> {
    const [out] = await this.db.query<[unknown]>('SELECT * FROM $id', { id: rid('ripple', id) });
    const r = rows(out)[0];
    return r ? toRecord(r) : null;
  }

  /** Writes what changed: the items as they stand, the state and its times. */
  async save(
    id: string,
    patch: Partial<Pick<RippleRecord, 'state' | 'items' | 'approvedBy' | 'note'>> & {
      started?: boolean;
      finished?: boolean;
    },
  ): Promise<void> {
    const { started, finished, approvedBy, ...rest } = patch;
    const set: Record<string, unknown> = { ...rest };
    if (approvedBy) set.approved_by = approvedBy;
    if (started) set.started_at = new Date();
    if (finished) set.finished_at = new Date();
    await this.db.query('UPDATE $id MERGE $set RETURN NONE', { id: rid('ripple', id), set });
  }

  /** Ripples in a state (those left running when a process stopped, to resume). */
  async inState(state: RippleState): Promise<RippleRecord[]> {
    const [out] = await this.db.query<[unknown]>(
      'SELECT * FROM ripple WHERE state = $state ORDER BY created_at',
      { state },
    );
    return rows(out).map(toRecord);
  }

  /** The newest ripple of an asset. */
  async latestOf(assetId: string): Promise<RippleRecord | null> {
    const [out] = await this.db.query<[unknown]>(
      'SELECT * FROM ripple WHERE root = $root ORDER BY created_at DESC LIMIT 1',
      { root: rid('asset', assetId) },
    );
    const r = rows(out)[0];
    return r ? toRecord(r) : null;
  }
}
