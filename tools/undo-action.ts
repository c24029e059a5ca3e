import { z } from 'zod';
import { recorded, revertAction } from '../assets/undo.ts';
import { views } from '../core/views.ts';
import { defineTool } from './define-tool.ts';

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
  run: ({ actionId }, deps, ctx) => revertAction(deps, actionId, ctx),
});
