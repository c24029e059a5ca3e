import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { parseKey } from '../store/ids.ts';
import { AssetStatus } from '../store/models.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

export const SetAssetStatusResult = z.object({
  status: AssetStatus,
  changed: z.array(z.object({ id: z.string(), title: z.string(), before: AssetStatus })),
  unchanged: z.array(z.string()).describe('ids that already had this status'),
  approvalId: z.string().optional(),
});

export const setAssetStatus = defineTool({
  name: 'set-asset-status',
  title: 'Set asset status',
  description:
    "Moves one or many assets (up to 100) to draft, needs_review, approved or archived. Changes data: it needs a person's approval and is recorded in the audit trail.",
  annotations: { needsApproval: true, destructive: true, idempotent: true },
  input: z.object({
    assetIds: z.array(AssetIdInput).min(1).max(100).describe('the assets to change'),
    status: AssetStatus.describe('the new status'),
  }),
  output: SetAssetStatusResult,
  run: async ({ assetIds, status }, deps, ctx) => {
    const ids = [...new Set(assetIds.map((a) => parseKey('asset', a)))];
    const assets = await deps.assets.byIds(ids);
    const found = new Set(assets.map((a) => a.id));
    const missing = ids.filter((i) => !found.has(i));
    // All or nothing: a typo in one id must not leave half the batch changed.
    if (missing.length) {
      throw new AppError(
        'not_found',
        `no asset with id ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}; nothing changed`,
      );
    }
    const changed: z.input<typeof SetAssetStatusResult>['changed'] = [];
    const unchanged: string[] = [];
    for (const a of assets) {
      if (a.status === status) {
        unchanged.push(a.id);
        continue;
      }
      ctx.signal?.throwIfAborted();
      await deps.assets.update(a.id, { status });
      await deps.audit.record({
        actor: ctx.actor.id,
        action: 'set-asset-status',
        target: `asset:${a.id}`,
        changes: { status: { before: a.status, after: status } },
        approvedBy: ctx.approval?.approvedBy,
        approvalId: ctx.approval?.id,
      });
      changed.push({
        id: a.id,
        title: (a.title || a.originalName).slice(0, 120),
        before: a.status,
      });
    }
    return { status, changed, unchanged, approvalId: ctx.approval?.id };
  },
});
