import { z } from 'zod';
import { trail } from '../assets/history.ts';
import { views } from '../core/views.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

const Change = z.object({ before: z.unknown(), after: z.unknown() });

export const AssetHistoryResult = z.object({
  entries: z.array(
    z.object({
      at: z.string(),
      actor: z.string(),
      action: z.string(),
      assetId: z.string(),
      changes: z.record(z.string(), Change),
      approvedBy: z.string().optional(),
      approvalId: z.string().optional(),
    }),
  ),
  total: z
    .number()
    .describe(
      'entries in the trail, of which `entries` shows the newest (asset) or first (action)',
    ),
});

const clipValue = (v: unknown) => {
  const s = JSON.stringify(v) ?? 'null';
  return s.length > 200 ? `${s.slice(0, 197)}…` : v;
};

export const assetHistory = defineTool({
  name: 'asset-history',
  title: 'Asset history',
  description:
    'The audit trail: who changed what and when, and who approved it. For one asset (newest first), or for one executed action by its approval id (every asset it changed).',
  annotations: { readOnly: true, idempotent: true },
  input: z
    .object({
      assetId: AssetIdInput.optional(),
      actionId: z.string().min(2).max(64).optional().describe('approval id of an executed action'),
      limit: z.number().int().min(1).max(100).default(20),
    })
    .refine((i) => (i.assetId === undefined) !== (i.actionId === undefined), {
      message: 'give either assetId or actionId',
    }),
  output: AssetHistoryResult,
  examples: [
    { say: 'show me the history of {id}' },
    { say: 'who changed {id} and when' },
    { say: 'the audit trail of {id}' },
    { say: 'change history of asset {id}' },
    { say: 'what did action {id} change' },
  ],
  view: (out) =>
    views.table({
      title: out.total
        ? `${out.total} change${out.total === 1 ? '' : 's'} in the audit trail`
        : 'No recorded changes',
      columns: ['when', 'who', 'action', 'asset', 'changes', 'approved by'],
      rows: out.entries.map((e) => [
        e.at,
        e.actor,
        e.action,
        e.assetId,
        Object.entries(e.changes)
          .map(([k, c]) => `${k}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`)
          .join('; '),
        e.approvedBy ? `${e.approvedBy}${e.approvalId ? ` (${e.approvalId})` : ''}` : null,
      ]),
      total: out.total,
    }),
  run: async ({ assetId, actionId, limit }, deps) => {
    const all = await trail(deps, { assetId, actionId });
    return {
      entries: all.slice(0, limit).map((e) => ({
        at: e.at,
        actor: e.actor,
        action: e.action,
        assetId: e.target.replace(/^asset:/, ''),
        changes: Object.fromEntries(
          Object.entries(e.changes).map(([k, c]) => [
            k,
            { before: clipValue(c.before), after: clipValue(c.after) },
          ]),
        ),
        approvedBy: e.approvedBy,
        approvalId: e.approvalId,
      })),
      total: all.length,
    };
  },
});
