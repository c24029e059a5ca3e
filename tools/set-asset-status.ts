import { z } from 'zod';
import { setStatus } from '../assets/changes.ts';
import { Selection } from '../assets/selection.ts';
import { resolveTargets } from '../assets/targets.ts';
import { views } from '../core/views.ts';
import { AssetStatus } from '../store/models.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

export const SetAssetStatusResult = z.object({
  status: AssetStatus,
  changed: z
    .array(z.object({ id: z.string(), title: z.string(), before: AssetStatus }))
    .describe('the first 50 changed assets'),
  changedCount: z.number(),
  unchanged: z.array(z.string()).describe('ids (first 50) that already had this status'),
  unchangedCount: z.number(),
  approvalId: z.string().optional(),
});

export const setAssetStatus = defineTool({
  name: 'set-asset-status',
  title: 'Set asset status',
  description:
    "Moves assets to draft, needs_review, approved or archived: up to 100 by id, or every asset of a selection by description (campaign, channel, status, kind, locale, colour…), however many. Changes data: it needs a person's approval, covers exactly the assets resolved when it was asked, and is recorded in the audit trail.",
  annotations: { needsApproval: true, destructive: true, idempotent: true },
  input: z
    .object({
      assetIds: z.array(AssetIdInput).min(1).max(100).optional().describe('the assets to change'),
      selection: Selection.optional().describe(
        'instead of ids: every asset matching these list filters',
      ),
      status: AssetStatus.describe('the new status'),
    })
    .refine((i) => (i.assetIds === undefined) !== (i.selection === undefined), {
      message: 'give either assetIds or selection, not both',
    }),
  output: SetAssetStatusResult,
  examples: [
    { say: 'archive {id}', input: { status: 'archived' } },
    { say: '{id} is off brand, archive it', input: { status: 'archived' } },
    { say: '{id} does not fit the brand, please archive it', input: { status: 'archived' } },
    { say: 'archive all {channel} assets in {campaign}', input: { status: 'archived' } },
    { say: 'archive everything from {campaign}', input: { status: 'archived' } },
    { say: 'approve {id}', input: { status: 'approved' } },
    { say: 'approve all drafts in {campaign}', input: { status: 'approved' } },
    { say: 'send {id} for review', input: { status: 'needs_review' } },
    { say: 'submit {id} for sign-off', input: { status: 'needs_review' } },
    { say: 'move {id} into review', input: { status: 'needs_review' } },
    { say: 'put {id} up for review', input: { status: 'needs_review' } },
    { say: 'restore {id} from the archive', input: { status: 'draft' } },
    { say: 'unarchive {id}', input: { status: 'draft' } },
    { say: 'set the status of {id} to draft' },
  ],
  view: (out) => {
    const lines = [
      `Set ${out.changedCount} asset${out.changedCount === 1 ? '' : 's'} to ${out.status}.`,
      ...out.changed.map((c) => `- ${c.id} "${c.title}": ${c.before} → ${out.status}`),
    ];
    if (out.changedCount > out.changed.length)
      lines.push(`- … and ${out.changedCount - out.changed.length} more`);
    if (out.unchangedCount)
      lines.push(
        `Already ${out.status}: ${out.unchanged.join(', ')}${out.unchangedCount > out.unchanged.length ? ', …' : ''}.`,
      );
    if (out.approvalId) lines.push(`Recorded in the audit trail under approval ${out.approvalId}.`);
    return views.text(lines.join('\n'));
  },
  summarize: async (input, deps) => {
    const t = await resolveTargets(deps, input);
    return { targets: t.ids, text: `Set status of ${t.description} to "${input.status}"` };
  },
  run: (input, deps, ctx) => setStatus(deps, input, ctx),
});
