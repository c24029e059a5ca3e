import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { RippleSummary, rippleSummary, rippleView } from '../graph/ripple.ts';
import { AssetIdInput } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

export const rippleStatus = defineTool({
  name: 'ripple-status',
  title: 'Ripple status',
  description:
    "Where a ripple stands (the re-making of what derives from an asset that got a new version): waiting for approval and why, running, done or cancelled; how many files were re-made, came out unchanged, failed (with the reason) or need a person; then the files, failures first, 40 at a time. Give the ripple's id, or an asset for its latest ripple.",
  annotations: { readOnly: true, idempotent: true },
  input: z
    .object({
      rippleId: z.string().max(80).optional().describe('"ripple:<id>" or the id'),
      assetId: AssetIdInput.optional().describe('instead: the asset whose latest ripple to show'),
      cursor: z.string().max(12).optional().describe('the next page of files, as returned'),
    })
    .refine((i) => Boolean(i.rippleId) !== Boolean(i.assetId), {
      message: 'give a rippleId or an assetId',
    }),
  output: RippleSummary,
  examples: [
    { say: 'how is the ripple of {id} going' },
    { say: 'ripple status of {id}' },
    { say: 'did the re-render of {id} finish' },
    { say: 'what did the update of {id} re-make' },
  ],
  view: (out) => rippleView(out),
  run: async ({ rippleId, assetId, cursor }, deps) => {
    const r = rippleId ? await deps.ripples.get(rippleId) : await deps.ripples.latestOf(assetId!);
    if (!r) throw new AppError('not_found', `asset ${assetId} has had no new version to ripple`);
    return rippleSummary(r, cursor ? Number.parseInt(cursor, 10) || 0 : 0);
  },
});
