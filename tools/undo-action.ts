import { z } from 'zod';
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { views } from '../core/views.ts';
import { parseKey } from '../store/ids.ts';
import type { AuditEntry } from '../store/models.ts';
import { defineTool } from './define-tool.ts';

const UNDOABLE = new Set(['status', 'title', 'description', 'keywords']);

/** The last recorded change per asset of an executed action: what to restore, and what to expect. */
async function recorded(deps: Services, actionId: string) {
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

export const undoAction = defineTool({
  name: 'undo-action',
  title: 'Undo an action',
  description:
    "Undoes an executed action (by its approval id): restores the before-values its audit entries recorded (status, title, description, keywords). An asset changed again since is left as it is and reported. Changes data: it is itself a pending action that needs a person's approval.",
  annotations: { needsApproval: true, destructive: true, idempotent: true },
  input: z.object({
    actionId: z.string().min(2).max(64).describe('approval id of the executed action to undo'),
  }),
  output: z.object({
    undone: z.string(),
    restoredCount: z.number(),
    restored: z.array(z.string()).describe('first 50 restored asset ids'),
    skipped: z
      .array(z.object({ id: z.string(), reason: z.string() }))
      .describe('assets left as they are (first 50)'),
    skippedCount: z.number(),
    approvalId: z.string().optional(),
  }),
  examples: [
    { say: 'undo action {id}' },
    { say: 'revert action {id}' },
    { say: 'roll back the change {id}' },
  ],
  view: (out) => {
    const lines = [
      `Undid action ${out.undone}: restored ${out.restoredCount} asset${out.restoredCount === 1 ? '' : 's'}${out.restored.length ? ` (${out.restored.join(', ')})` : ''}.`,
    ];
    if (out.skippedCount)
      lines.push(
        `Left ${out.skippedCount} as they are, changed since: ${out.skipped.map((s) => `${s.id} (${s.reason})`).join(', ')}.`,
      );
    return views.text(lines.join('\n'));
  },
  summarize: async ({ actionId }, deps) => {
    const { action, byAsset } = await recorded(deps, actionId);
    return {
      targets: [...byAsset.keys()],
      text: `Undo action ${action.id} (${action.summary}): restore the recorded values of ${byAsset.size} asset${byAsset.size === 1 ? '' : 's'}`,
    };
  },
  run: async ({ actionId }, deps, ctx) => {
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
  },
});
