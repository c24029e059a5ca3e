import { z } from 'zod';
import { AssetSummary } from '../assets/cards.ts';
import { Selection } from '../assets/selection.ts';
import { AppError } from '../core/errors.ts';
import { views } from '../core/views.ts';
import { similarAssets } from '../search/similar.ts';
import { AssetIdInput, gridItem } from './asset-views.ts';
import { defineTool } from './define-tool.ts';

/** An uploaded image: base64 bytes and their type (MCP image arguments arrive this way). */
export const ImageInput = z.object({
  data: z.string().min(1).max(14_000_000).describe('the image bytes, base64 (at most ~10 MB)'),
  mimeType: z
    .string()
    .regex(/^image\/[a-z0-9.+-]+$/i)
    .describe('image/jpeg, image/png, image/webp…'),
});

export const FindSimilarResult = z.object({
  query: z.object({
    assetId: z.string().optional(),
    title: z.string().optional(),
    image: z.object({ bytes: z.number(), mime: z.string() }).optional(),
  }),
  provider: z.string(),
  model: z.string(),
  read: z.array(z.string()),
  items: z.array(
    AssetSummary.extend({
      score: z.number().describe('cosine similarity, 0..1'),
      parts: z.record(z.string(), z.number()).describe('the similarity of each part'),
    }),
  ),
  cutoff: z.object({ score: z.number(), explanation: z.string() }),
  belowCutoff: z.number(),
  more: z.number(),
  examined: z.number(),
});

export const findSimilar = defineTool({
  name: 'find-similar',
  title: 'Find similar assets',
  description:
    'Assets that look like a given asset (id or asset:// URI) or an uploaded image (base64 + MIME type), nearest first, optionally within list filters (campaign, channel, status…). Each result shows its similarity and its parts (colour, layout, edges); the cut-off adapts to the query and the result says how many fell below it.',
  annotations: { readOnly: true, idempotent: true },
  input: Selection.extend({
    assetId: AssetIdInput.optional().describe('the asset to match; "asset://<id>" is accepted'),
    image: ImageInput.optional().describe('instead of an asset: an image to match'),
    uploadId: z
      .string()
      .max(80)
      .optional()
      .describe('instead of an asset: an image the person attached in the chat ("upload:<id>")'),
    limit: z.number().int().min(1).max(50).default(10),
  }).refine((i) => [i.assetId, i.image, i.uploadId].filter((x) => x !== undefined).length === 1, {
    message: 'give one of assetId, image or uploadId',
  }),
  output: FindSimilarResult,
  examples: [
    { say: 'find images similar to {id}' },
    { say: 'more like {id}' },
    { say: 'what looks like {id}' },
    { say: 'visually similar assets to {id} in {campaign}' },
    { say: 'lookalikes of {id}' },
    { say: 'find assets similar to this image {upload}' },
  ],
  view: (out) =>
    views.grid({
      title: `${out.items.length} asset${out.items.length === 1 ? '' : 's'} like ${out.query.assetId ? `${out.query.assetId}${out.query.title ? ` "${out.query.title}"` : ''}` : 'the image'}`,
      items: out.items.map((i) => ({ ...gridItem(i), score: i.score, scoreParts: i.parts })),
      total: out.items.length + out.more,
      read: out.read,
      note: `${out.cutoff.explanation}; ${out.belowCutoff} more of the ${out.examined} nearest fell below it (${out.model})`,
    }),
  run: async (input, deps, ctx) => {
    const { assetId, image, uploadId, limit, ...selection } = input;
    const upload = uploadId ? await deps.uploads.get(uploadId) : undefined;
    // An upload is its sender's: an id typed or guessed by anyone else finds nothing.
    if (upload && upload.owner !== ctx.actor.id) {
      throw new AppError('not_found', `no upload ${upload.id}`);
    }
    return similarAssets(deps, {
      assetId,
      image: image
        ? Buffer.from(image.data, 'base64')
        : upload
          ? await deps.blobs.get(upload.blobKey)
          : undefined,
      selection,
      limit,
    });
  },
});
