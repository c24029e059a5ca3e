import { z } from 'zod';
import { AssetSummary } from '../assets/cards.ts';
import { views } from '../core/views.ts';
import { duplicatesOf, NEAR_BITS, nearCopyGroups } from '../search/duplicates.ts';
import { AssetIdInput, gridItem } from './asset-views.ts';
import { defineTool } from './define-tool.ts';
import { ImageInput } from './find-similar.ts';

const Found = AssetSummary.extend({ why: z.string() });

export const FindDuplicatesResult = z.object({
  query: z.object({
    assetId: z.string().optional(),
    image: z.object({ bytes: z.number() }).optional(),
  }),
  exact: z.array(Found).describe('the same bytes'),
  near: z.array(Found).describe('the same picture re-encoded or resized'),
  family: z.array(Found).describe('renditions, cuts and lookalikes: related, not duplicates'),
  groups: z
    .array(z.object({ ids: z.array(z.string()), maxBits: z.number() }))
    .describe('without an asset: groups of near copies across the library'),
  totalGroups: z.number().optional(),
  examined: z.number().optional(),
  thresholds: z.object({ explanation: z.string() }).passthrough(),
});

export const findDuplicates = defineTool({
  name: 'find-duplicates',
  title: 'Find duplicates',
  description:
    'Duplicates of an asset (id or asset:// URI) or of an uploaded image, in three separate states: exact (the same bytes), near (the same picture re-encoded or resized: perceptual hashes a few bits apart) and family (renditions and cuts of the same master, or lookalikes; related, not duplicates). Without an asset: the groups of near copies across the library.',
  annotations: { readOnly: true, idempotent: true },
  input: z
    .object({
      assetId: AssetIdInput.optional().describe('the asset to check; "asset://<id>" is accepted'),
      image: ImageInput.optional().describe('instead of an asset: an image to check'),
      limit: z.number().int().min(1).max(100).default(20).describe('groups, library-wide'),
    })
    .refine((i) => i.assetId === undefined || i.image === undefined, {
      message: 'give assetId or image, not both',
    }),
  output: FindDuplicatesResult,
  examples: [
    { say: 'duplicates of {id}' },
    { say: 'is {id} a duplicate' },
    { say: 'do we have copies of {id}' },
    { say: 'find duplicate images in the library' },
    { say: 'near duplicates' },
  ],
  view: (out) => {
    if (!out.query.assetId && !out.query.image) {
      return views.table({
        title: `${out.totalGroups ?? out.groups.length} group${out.groups.length === 1 ? '' : 's'} of near copies among ${out.examined ?? 0} assets`,
        columns: ['assets', 'bits apart (of 64)'],
        rows: out.groups.map((g) => [g.ids.join(', '), g.maxBits]),
        total: out.totalGroups,
      });
    }
    const item = (state: string) => (a: z.infer<typeof Found>) => ({
      ...gridItem(a),
      facts: [state, a.why, ...(gridItem(a).facts ?? [])],
    });
    const items = [
      ...out.exact.map(item('exact duplicate')),
      ...out.near.map(item('near duplicate')),
      ...out.family.map(item('family, not a duplicate')),
    ];
    return views.grid({
      title: `${out.exact.length} exact, ${out.near.length} near duplicate${out.near.length === 1 ? '' : 's'} and ${out.family.length} in the family of ${out.query.assetId ?? 'the image'}`,
      items,
      total: items.length,
      note: out.thresholds.explanation,
    });
  },
  run: async ({ assetId, image, limit }, deps) => {
    if (assetId === undefined && image === undefined) {
      const g = await nearCopyGroups(deps, limit);
      return {
        query: {},
        exact: [],
        near: [],
        family: [],
        groups: g.groups,
        totalGroups: g.total,
        examined: g.assets,
        thresholds: {
          explanation: `near copies: perceptual hashes at most ${NEAR_BITS} of 64 bits apart, leaving out assets the lineage graph relates (renditions of one master are a family)`,
        },
      };
    }
    const r = await duplicatesOf(deps, {
      assetId,
      image: image ? Buffer.from(image.data, 'base64') : undefined,
    });
    return { ...r, groups: [] };
  },
});
