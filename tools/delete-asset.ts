import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { views } from '../core/views.ts';
import { deleteAssets, planDelete } from '../graph/delete.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

const Input = z.object({
  assetId: AssetIdInput,
  dependents: z
    .enum(['refuse', 'cascade', 'reparent'])
    .default('refuse')
    .describe(
      'what happens to the renditions, cuts and variants made from it: refuse (the default: nothing is deleted while it has any), cascade (delete them too), reparent (hang its direct children from its own parent)',
    ),
});

export const deleteAsset = defineTool({
  name: 'delete-asset',
  title: 'Delete an asset',
  description:
    "Deletes an asset for good (its versions, lineage edges and vectors go too; it cannot be undone — archive with set-asset-status to retire an asset reversibly). Refused while other assets were made from it, unless dependents is cascade (delete them too) or reparent (hang its direct children from its parent); refused when a placement uses it, since its performance history would lose its creative. Always needs a person's approval.",
  annotations: { destructive: true },
  input: Input,
  output: z.object({
    deleted: z.array(z.string()),
    moved: z.array(z.object({ child: z.string(), edge: z.string(), to: z.string() })),
    approvalId: z.string().optional(),
  }),
  needsApproval: true,
  // Planning refuses at once, with the reason, before anyone is asked to approve.
  summarize: async (i, deps) => {
    const p = await planDelete(deps, i.assetId, i.dependents);
    const more = p.ids.length - 1;
    return {
      targets: p.ids,
      text: `Delete ${p.root.id} "${p.root.title}" for good${more ? ` and the ${more} asset${more === 1 ? '' : 's'} made from it` : ''}${p.moves.length ? `; its ${p.moves.length} direct child${p.moves.length === 1 ? '' : 'ren'} move to ${p.moves[0]!.to}` : ''} (cannot be undone)`,
    };
  },
  examples: [
    { say: 'delete {id}' },
    { say: 'remove {id} from the library for good' },
    { say: 'delete {id} and everything made from it', input: { dependents: 'cascade' } },
    { say: 'delete {id} and move its renditions to its parent', input: { dependents: 'reparent' } },
  ],
  view: (out) =>
    views.text(
      `Deleted ${out.deleted.length} asset${out.deleted.length === 1 ? '' : 's'} (${out.deleted.slice(0, 10).join(', ')}${out.deleted.length > 10 ? ', …' : ''})${out.moved.length ? `; moved ${out.moved.length} to ${out.moved[0]!.to}` : ''}.`,
    ),
  run: async (i, deps, ctx) => {
    const plan = await planDelete(deps, i.assetId, i.dependents);
    const approved = ctx.approval?.targets;
    // Approval covers what the person saw: a family that grew since is asked about again.
    if (approved && plan.ids.some((id) => !approved.includes(id))) {
      throw new AppError(
        'conflict',
        `more assets hang from ${plan.root.id} than when this was approved; nothing was deleted, ask again`,
      );
    }
    const out = await deleteAssets(deps, plan, {
      actor: ctx.actor.id,
      approvedBy: ctx.approval?.approvedBy,
      approvalId: ctx.approval?.id,
    });
    return { ...out, ...(ctx.approval ? { approvalId: ctx.approval.id } : {}) };
  },
});
