// Undoing an executed action: restore the before-values its audit entries recorded, except on an
// asset someone changed again since (restoring would throw their edit away), which is reported.
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { parseKey } from '../store/ids.ts';
import type { AuditEntry } from '../store/models.ts';
import type { ChangeContext } from './changes.ts';

const UNDOABLE = new Set(['status', 'title', 'description', 'keywords']);

/** The last recorded change per asset of an executed action: what to restore, and what to expect. */
export async function recorded(deps: Services, actionId: string) {
  const action = await deps.approvals.get(parseKey('approval', actionId));
  if (!action) throw new AppError('not_found', `no action with id ${actionId}`);
  if (action.status !== 'executed' && action.status !== 'approved') {
    throw new AppError(
      'conflict',
      `action ${actionId} is ${action.status}: only a run action can be undone`,
    );
  }
  const byAsset = new Map<string, AuditEntry['changes']>();
  for (const e of await deps.audit.forApproval(action.id)) {
    const id = e.target.replace(/^asset:/, '');
    byAsset.set(id, { ...(byAsset.get(id) ?? {}), ...e.changes });
  }
  if (!byAsset.size) throw new AppError('not_found', `action ${actionId} changed nothing to undo`);
  return { action, byAsset };
}

/** Restores what the action changed, as one audited bulk change of its own. */
export async function revertAction(deps: Services, actionId: string, ctx: ChangeContext) {
  const { byAsset } = await recorded(deps, actionId);
  const ids = ctx.approval?.targets ?? [...byAsset.keys()];
  const skipped: { id: string; reason: string }[] = [];
  let skippedCount = 0;
  const out = await deps.bulk.run(
    ids,
    async (batch) => {
      const assets = await deps.assets.byIds(batch);
      return assets.map((a) => {
        const changes = byAsset.get(a.id) ?? {};
        const fields = Object.keys(changes).filter((k) => UNDOABLE.has(k));
        const current = a as unknown as Record<string, unknown>;
        // Changed again since the action ran: restoring would throw away someone's later edit.
        const moved = fields.filter(
          (k) => JSON.stringify(current[k]) !== JSON.stringify(changes[k]!.after),
        );
        if (moved.length || !fields.length) {
          skippedCount++;
          if (skipped.length < 50) {
            skipped.push({ id: a.id, reason: `${moved.join(', ') || 'nothing'} changed since` });
          }
          return a.id;
        }
        return {
          id: a.id,
          title: a.title || a.originalName,
          before: Object.fromEntries(fields.map((k) => [k, current[k]])),
          after: Object.fromEntries(fields.map((k) => [k, changes[k]!.before])),
        };
      });
    },
    {
      actor: ctx.actor.id,
      action: 'undo-action',
      approval: ctx.approval,
      startBatch: ctx.approval?.startBatch,
      signal: ctx.signal,
    },
  );
  return {
    undone: actionId,
    restoredCount: out.changedCount,
    restored: out.changed.map((c) => c.id),
    skipped,
    skippedCount,
    approvalId: ctx.approval?.id,
  };
}
