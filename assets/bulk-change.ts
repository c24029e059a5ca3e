// Changes to many assets, in batches. Each batch writes its changes, their audit entries and the
// action's progress in one transaction, so a crash never leaves a change without its audit entry,
// and a resumed action starts at the first batch that did not commit. Every update is conditional
// on the before-value it read: a batch that meets a concurrent edit rolls back and is read again.
import type { Surreal } from 'surrealdb';
import { AppError } from '../core/errors.ts';
import { rid } from '../store/ids.ts';
import type { ListingIndex } from '../store/listing-index.ts';

export const BATCH_SIZE = 100;
const ATTEMPTS = 4;

/** What one asset becomes; `before` holds the current values of exactly the fields in `after`. */
export interface AssetChange {
  id: string;
  title: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

export interface BulkOutcome {
  changed: { id: string; title: string; before: Record<string, unknown> }[];
  changedCount: number;
  unchanged: string[];
  unchangedCount: number;
}

export interface BulkContext {
  actor: string;
  action: string;
  approval?: { id: string; approvedBy: string };
  /** Batches already committed by an earlier, interrupted run of this action. */
  startBatch?: number;
  signal?: AbortSignal;
}

/** Reads the current state of a batch and says what to change (nothing for an unchanged asset). */
export type PlanBatch = (ids: readonly string[]) => Promise<(AssetChange | string)[]>;

export class BulkChanges {
  constructor(
    private readonly db: Surreal,
    private readonly listing: ListingIndex,
  ) {}

  async run(ids: readonly string[], plan: PlanBatch, ctx: BulkContext): Promise<BulkOutcome> {
    const out: BulkOutcome = { changed: [], changedCount: 0, unchanged: [], unchangedCount: 0 };
    const batches = Math.ceil(ids.length / BATCH_SIZE);
    for (let b = ctx.startBatch ?? 0; b < batches; b++) {
      ctx.signal?.throwIfAborted();
      const slice = ids.slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE);
      const result = await this.batch(slice, plan, ctx, { done: b + 1, total: batches });
      out.changedCount += result.changes.length;
      out.unchangedCount += result.unchanged.length;
      for (const c of result.changes) {
        if (out.changed.length < 50)
          out.changed.push({ id: c.id, title: c.title, before: c.before });
      }
      for (const u of result.unchanged) if (out.unchanged.length < 50) out.unchanged.push(u);
    }
    return out;
  }

  private async batch(
    ids: readonly string[],
    plan: PlanBatch,
    ctx: BulkContext,
    progress: { done: number; total: number },
  ): Promise<{ changes: AssetChange[]; unchanged: string[] }> {
    for (let attempt = 1; ; attempt++) {
      const planned = await plan(ids);
      const changes = planned.filter((p): p is AssetChange => typeof p !== 'string');
      const unchanged = planned.filter((p): p is string => typeof p === 'string');
      try {
        await this.db.query(
          `BEGIN TRANSACTION;
           FOR $c IN $changes {
             LET $row = (SELECT * FROM ONLY $c.id);
             IF $row == NONE { THROW "gone: asset " + record::id($c.id) + " no longer exists"; };
             FOR $k IN object::keys($c.before) {
               IF ($row[$k] ?? NULL) != $c.before[$k] { THROW "conflict: asset changed meanwhile"; };
             };
             UPDATE $c.id MERGE $c.after;
             CREATE audit CONTENT {
               at: time::now(), actor: $actor, action: $action,
               target: "asset:" + record::id($c.id), changes: $c.audit,
               approved_by: $approvedBy, approval_id: $approvalId
             };
           };
           IF $approval != NONE { UPDATE $approval SET progress = $progress; };
           COMMIT TRANSACTION;`,
          {
            changes: changes.map((c) => ({
              id: rid('asset', c.id),
              before: nulls(c.before),
              after: c.after,
              audit: Object.fromEntries(
                Object.keys(c.after).map((k) => [
                  k,
                  { before: c.before[k] ?? null, after: c.after[k] },
                ]),
              ),
            })),
            actor: ctx.actor,
            action: ctx.action,
            approvedBy: ctx.approval?.approvedBy,
            approvalId: ctx.approval?.id,
            approval: ctx.approval ? rid('approval', ctx.approval.id) : undefined,
            progress,
          },
        );
        await this.listing.reread(changes.map((c) => c.id));
        return { changes, unchanged };
      } catch (e) {
        const msg = (e as Error).message;
        const gone = /gone: (asset \S+ no longer exists)/.exec(msg);
        if (gone) throw new AppError('not_found', `${gone[1]}; batches before it were applied`);
        const retry = /conflict|can be retried/i.test(msg);
        if (!retry || attempt >= ATTEMPTS) throw e;
      }
    }
  }
}

/** Absent before-values travel as null (JSON drops undefined) and compare against NONE ?? NULL. */
const nulls = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === undefined ? null : v]));
